// Original file: protocol/hearth.proto

import type { Usage as _hearth_v1_Usage, Usage__Output as _hearth_v1_Usage__Output } from '../../hearth/v1/Usage';

export interface SampleResponse {
  'text'?: (string);
  /**
   * "endTurn" or "maxTokens".
   */
  'stop_reason'?: (string);
  'usage'?: (_hearth_v1_Usage | null);
}

export interface SampleResponse__Output {
  'text': (string);
  /**
   * "endTurn" or "maxTokens".
   */
  'stop_reason': (string);
  'usage': (_hearth_v1_Usage__Output | null);
}
