// Original file: protocol/hearth.proto

import type { HearthError as _hearth_v1_HearthError, HearthError__Output as _hearth_v1_HearthError__Output } from '../../hearth/v1/HearthError';

export interface ErrorEvent {
  'error'?: (_hearth_v1_HearthError | null);
}

export interface ErrorEvent__Output {
  'error': (_hearth_v1_HearthError__Output | null);
}
