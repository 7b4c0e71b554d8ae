// Original file: protocol/hearth.proto

import type { ToolCall as _hearth_v1_ToolCall, ToolCall__Output as _hearth_v1_ToolCall__Output } from '../../hearth/v1/ToolCall';

export interface ToolCallEvent {
  'call'?: (_hearth_v1_ToolCall | null);
}

export interface ToolCallEvent__Output {
  'call': (_hearth_v1_ToolCall__Output | null);
}
