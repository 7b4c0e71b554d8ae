// Original file: protocol/hearth.proto

import type { ModelInfo as _hearth_v1_ModelInfo, ModelInfo__Output as _hearth_v1_ModelInfo__Output } from '../../hearth/v1/ModelInfo';

export interface ListModelsResponse {
  'models'?: (_hearth_v1_ModelInfo)[];
}

export interface ListModelsResponse__Output {
  'models': (_hearth_v1_ModelInfo__Output)[];
}
