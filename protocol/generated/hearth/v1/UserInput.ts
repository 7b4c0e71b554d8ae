// Original file: protocol/hearth.proto

import type { ContextItem as _hearth_v1_ContextItem, ContextItem__Output as _hearth_v1_ContextItem__Output } from '../../hearth/v1/ContextItem';

export interface UserInput {
  'text'?: (string);
  'context'?: (_hearth_v1_ContextItem)[];
}

export interface UserInput__Output {
  'text': (string);
  'context': (_hearth_v1_ContextItem__Output)[];
}
