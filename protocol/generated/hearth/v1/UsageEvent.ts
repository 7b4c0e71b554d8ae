// Original file: protocol/hearth.proto

import type { Usage as _hearth_v1_Usage, Usage__Output as _hearth_v1_Usage__Output } from '../../hearth/v1/Usage';

export interface UsageEvent {
  'usage'?: (_hearth_v1_Usage | null);
}

export interface UsageEvent__Output {
  'usage': (_hearth_v1_Usage__Output | null);
}
