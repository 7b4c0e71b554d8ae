// Original file: protocol/hearth.proto

import type { ToolCall as _hearth_v1_ToolCall, ToolCall__Output as _hearth_v1_ToolCall__Output } from '../../hearth/v1/ToolCall';

/**
 * The server asks the client to run one tool call on the developer's machine.
 */
export interface ToolRequest {
  'request_id'?: (string);
  'call'?: (_hearth_v1_ToolCall | null);
  /**
   * The call's deadline, counted from when the request arrives: the turn's
   * tool timeout (the client's tool_timeout_ms, capped by the server's limit;
   * approval included). The server stops waiting and tells the model the call
   * timed out when it passes; the client stops the tool then too. 0: none.
   */
  'timeout_ms'?: (number);
}

/**
 * The server asks the client to run one tool call on the developer's machine.
 */
export interface ToolRequest__Output {
  'request_id': (string);
  'call': (_hearth_v1_ToolCall__Output | null);
  /**
   * The call's deadline, counted from when the request arrives: the turn's
   * tool timeout (the client's tool_timeout_ms, capped by the server's limit;
   * approval included). The server stops waiting and tells the model the call
   * timed out when it passes; the client stops the tool then too. 0: none.
   */
  'timeout_ms': (number);
}
