// Original file: protocol/hearth.proto

import type { ToolResult as _hearth_v1_ToolResult, ToolResult__Output as _hearth_v1_ToolResult__Output } from '../../hearth/v1/ToolResult';

/**
 * The client's answer to a ToolRequest.
 */
export interface ToolResultReply {
  'request_id'?: (string);
  'result'?: (_hearth_v1_ToolResult | null);
}

/**
 * The client's answer to a ToolRequest.
 */
export interface ToolResultReply__Output {
  'request_id': (string);
  'result': (_hearth_v1_ToolResult__Output | null);
}
