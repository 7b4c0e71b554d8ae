// Original file: protocol/hearth.proto


/**
 * The server no longer needs a result (turn cancelled or timed out); the client aborts the execution.
 */
export interface ToolRequestCancel {
  'request_id'?: (string);
}

/**
 * The server no longer needs a result (turn cancelled or timed out); the client aborts the execution.
 */
export interface ToolRequestCancel__Output {
  'request_id': (string);
}
