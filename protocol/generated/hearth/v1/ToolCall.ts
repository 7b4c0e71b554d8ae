// Original file: protocol/hearth.proto


export interface ToolCall {
  'id'?: (string);
  'name'?: (string);
  /**
   * A JSON object.
   */
  'arguments_json'?: (string);
}

export interface ToolCall__Output {
  'id': (string);
  'name': (string);
  /**
   * A JSON object.
   */
  'arguments_json': (string);
}
