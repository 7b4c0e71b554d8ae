// Original file: protocol/hearth.proto


export interface McpPromptArgumentInfo {
  'name'?: (string);
  'description'?: (string);
  'required'?: (boolean);
}

export interface McpPromptArgumentInfo__Output {
  'name': (string);
  'description': (string);
  'required': (boolean);
}
