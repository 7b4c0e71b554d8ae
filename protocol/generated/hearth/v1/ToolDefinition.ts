// Original file: protocol/hearth.proto


export interface ToolDefinition {
  'name'?: (string);
  'description'?: (string);
  /**
   * A JSON Schema object (type "object").
   */
  'parameters_json'?: (string);
  'read_only'?: (boolean);
}

export interface ToolDefinition__Output {
  'name': (string);
  'description': (string);
  /**
   * A JSON Schema object (type "object").
   */
  'parameters_json': (string);
  'read_only': (boolean);
}
