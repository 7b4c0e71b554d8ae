// Original file: protocol/hearth.proto


export interface McpEmbeddedResource {
  'uri'?: (string);
  'text'?: (string);
}

export interface McpEmbeddedResource__Output {
  'uri': (string);
  'text': (string);
}
