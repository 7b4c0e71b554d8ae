// Original file: protocol/hearth.proto

import type { ChatMessage as _hearth_v1_ChatMessage, ChatMessage__Output as _hearth_v1_ChatMessage__Output } from '../../hearth/v1/ChatMessage';
import type { UserInput as _hearth_v1_UserInput, UserInput__Output as _hearth_v1_UserInput__Output } from '../../hearth/v1/UserInput';
import type { TurnOptions as _hearth_v1_TurnOptions, TurnOptions__Output as _hearth_v1_TurnOptions__Output } from '../../hearth/v1/TurnOptions';
import type { ToolDefinition as _hearth_v1_ToolDefinition, ToolDefinition__Output as _hearth_v1_ToolDefinition__Output } from '../../hearth/v1/ToolDefinition';

export interface ChatStart {
  'history'?: (_hearth_v1_ChatMessage)[];
  'input'?: (_hearth_v1_UserInput | null);
  'model'?: (string);
  'options'?: (_hearth_v1_TurnOptions | null);
  /**
   * The client's tools. Empty means plain chat (no tool loop).
   */
  'tools'?: (_hearth_v1_ToolDefinition)[];
  /**
   * Tools the client knows but does not offer because its user turned them
   * off (hearth.mcp.disabledTools), so a call the model makes to one anyway
   * (it saw it earlier in the chat) is refused as turned off, not as unknown.
   */
  'turned_off_tools'?: (string)[];
}

export interface ChatStart__Output {
  'history': (_hearth_v1_ChatMessage__Output)[];
  'input': (_hearth_v1_UserInput__Output | null);
  'model': (string);
  'options': (_hearth_v1_TurnOptions__Output | null);
  /**
   * The client's tools. Empty means plain chat (no tool loop).
   */
  'tools': (_hearth_v1_ToolDefinition__Output)[];
  /**
   * Tools the client knows but does not offer because its user turned them
   * off (hearth.mcp.disabledTools), so a call the model makes to one anyway
   * (it saw it earlier in the chat) is refused as turned off, not as unknown.
   */
  'turned_off_tools': (string)[];
}
