// Original file: protocol/hearth.proto

import type { ChatStart as _hearth_v1_ChatStart, ChatStart__Output as _hearth_v1_ChatStart__Output } from '../../hearth/v1/ChatStart';
import type { ToolResultReply as _hearth_v1_ToolResultReply, ToolResultReply__Output as _hearth_v1_ToolResultReply__Output } from '../../hearth/v1/ToolResultReply';
import type { CancelTurn as _hearth_v1_CancelTurn, CancelTurn__Output as _hearth_v1_CancelTurn__Output } from '../../hearth/v1/CancelTurn';

export interface ChatClientMessage {
  'start'?: (_hearth_v1_ChatStart | null);
  'tool_result'?: (_hearth_v1_ToolResultReply | null);
  'cancel'?: (_hearth_v1_CancelTurn | null);
  'kind'?: "start"|"tool_result"|"cancel";
}

export interface ChatClientMessage__Output {
  'start'?: (_hearth_v1_ChatStart__Output | null);
  'tool_result'?: (_hearth_v1_ToolResultReply__Output | null);
  'cancel'?: (_hearth_v1_CancelTurn__Output | null);
  'kind'?: "start"|"tool_result"|"cancel";
}
