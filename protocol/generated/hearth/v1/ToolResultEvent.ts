// Original file: protocol/hearth.proto

import type { ToolResult as _hearth_v1_ToolResult, ToolResult__Output as _hearth_v1_ToolResult__Output } from '../../hearth/v1/ToolResult';

export interface ToolResultEvent {
  'result'?: (_hearth_v1_ToolResult | null);
  /**
   * True when `result.content` is exactly what the client sent for this call;
   * the content is then left out and the client uses its own copy.
   */
  'content_as_sent'?: (boolean);
}

export interface ToolResultEvent__Output {
  'result': (_hearth_v1_ToolResult__Output | null);
  /**
   * True when `result.content` is exactly what the client sent for this call;
   * the content is then left out and the client uses its own copy.
   */
  'content_as_sent': (boolean);
}
