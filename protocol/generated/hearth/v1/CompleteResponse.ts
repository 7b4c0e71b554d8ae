// Original file: protocol/hearth.proto

import type { Usage as _hearth_v1_Usage, Usage__Output as _hearth_v1_Usage__Output } from '../../hearth/v1/Usage';

export interface CompleteResponse {
  'text'?: (string);
  /**
   * "stop" or "length".
   */
  'done_reason'?: (string);
  'usage'?: (_hearth_v1_Usage | null);
}

export interface CompleteResponse__Output {
  'text': (string);
  /**
   * "stop" or "length".
   */
  'done_reason': (string);
  'usage': (_hearth_v1_Usage__Output | null);
}
