// Original file: protocol/hearth.proto

import type { ChatMessage as _hearth_v1_ChatMessage, ChatMessage__Output as _hearth_v1_ChatMessage__Output } from '../../hearth/v1/ChatMessage';

export interface SampleRequest {
  'model'?: (string);
  /**
   * User and assistant messages only; the last one is the user's.
   */
  'messages'?: (_hearth_v1_ChatMessage)[];
  /**
   * Exactly this system prompt; absent: none (never the server's default).
   */
  'system_prompt'?: (string);
  /**
   * The most tokens the answer may have (Ollama's num_predict). Required.
   */
  'max_tokens'?: (number);
  'temperature'?: (number | string);
  'stop_sequences'?: (string)[];
  /**
   * As TurnOptions.think.
   */
  'think'?: (string);
  /**
   * The developer's MCP server that asked, for the audit log.
   */
  'mcp_server'?: (string);
  '_system_prompt'?: "system_prompt";
  '_temperature'?: "temperature";
  '_think'?: "think";
}

export interface SampleRequest__Output {
  'model': (string);
  /**
   * User and assistant messages only; the last one is the user's.
   */
  'messages': (_hearth_v1_ChatMessage__Output)[];
  /**
   * Exactly this system prompt; absent: none (never the server's default).
   */
  'system_prompt'?: (string);
  /**
   * The most tokens the answer may have (Ollama's num_predict). Required.
   */
  'max_tokens': (number);
  'temperature'?: (number);
  'stop_sequences': (string)[];
  /**
   * As TurnOptions.think.
   */
  'think'?: (string);
  /**
   * The developer's MCP server that asked, for the audit log.
   */
  'mcp_server': (string);
  '_system_prompt'?: "system_prompt";
  '_temperature'?: "temperature";
  '_think'?: "think";
}
