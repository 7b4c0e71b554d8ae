// Original file: protocol/hearth.proto

import type { Role as _hearth_v1_Role, Role__Output as _hearth_v1_Role__Output } from '../../hearth/v1/Role';
import type { ToolCall as _hearth_v1_ToolCall, ToolCall__Output as _hearth_v1_ToolCall__Output } from '../../hearth/v1/ToolCall';
import type { ImageAttachment as _hearth_v1_ImageAttachment, ImageAttachment__Output as _hearth_v1_ImageAttachment__Output } from '../../hearth/v1/ImageAttachment';

export interface ChatMessage {
  'role'?: (_hearth_v1_Role);
  'content'?: (string);
  'tool_calls'?: (_hearth_v1_ToolCall)[];
  'tool_call_id'?: (string);
  'tool_name'?: (string);
  /**
   * Images of a user message (for vision models), kept on the message they were sent with.
   */
  'images'?: (_hearth_v1_ImageAttachment)[];
}

export interface ChatMessage__Output {
  'role': (_hearth_v1_Role__Output);
  'content': (string);
  'tool_calls': (_hearth_v1_ToolCall__Output)[];
  'tool_call_id': (string);
  'tool_name': (string);
  /**
   * Images of a user message (for vision models), kept on the message they were sent with.
   */
  'images': (_hearth_v1_ImageAttachment__Output)[];
}
