// Original file: protocol/hearth.proto

import type { Role as _hearth_v1_Role, Role__Output as _hearth_v1_Role__Output } from '../../hearth/v1/Role';
import type { ToolCall as _hearth_v1_ToolCall, ToolCall__Output as _hearth_v1_ToolCall__Output } from '../../hearth/v1/ToolCall';

export interface ChatMessage {
  'role'?: (_hearth_v1_Role);
  'content'?: (string);
  'tool_calls'?: (_hearth_v1_ToolCall)[];
  'tool_call_id'?: (string);
  'tool_name'?: (string);
}

export interface ChatMessage__Output {
  'role': (_hearth_v1_Role__Output);
  'content': (string);
  'tool_calls': (_hearth_v1_ToolCall__Output)[];
  'tool_call_id': (string);
  'tool_name': (string);
}
