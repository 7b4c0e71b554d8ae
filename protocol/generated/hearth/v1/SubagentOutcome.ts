// Original file: protocol/hearth.proto

import type { Usage as _hearth_v1_Usage, Usage__Output as _hearth_v1_Usage__Output } from '../../hearth/v1/Usage';
import type { HearthError as _hearth_v1_HearthError, HearthError__Output as _hearth_v1_HearthError__Output } from '../../hearth/v1/HearthError';

export interface SubagentOutcome {
  /**
   * As DoneEvent.reason.
   */
  'reason'?: (string);
  'summary'?: (string);
  'duration_ms'?: (number);
  'usage'?: (_hearth_v1_Usage | null);
  'error'?: (_hearth_v1_HearthError | null);
}

export interface SubagentOutcome__Output {
  /**
   * As DoneEvent.reason.
   */
  'reason': (string);
  'summary': (string);
  'duration_ms': (number);
  'usage': (_hearth_v1_Usage__Output | null);
  'error': (_hearth_v1_HearthError__Output | null);
}
