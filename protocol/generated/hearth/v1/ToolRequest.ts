// Original file: protocol/hearth.proto

import type { ToolCall as _hearth_v1_ToolCall, ToolCall__Output as _hearth_v1_ToolCall__Output } from '../../hearth/v1/ToolCall';

/**
 * The server asks the client to run one tool call on the developer's machine.
 */
export interface ToolRequest {
  'request_id'?: (string);
  'call'?: (_hearth_v1_ToolCall | null);
  /**
   * How long the server waits for the result.
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
   * How long the server waits for the result.
   */
  'timeout_ms': (number);
}
