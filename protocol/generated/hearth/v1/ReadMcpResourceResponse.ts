// Original file: protocol/hearth.proto


export interface ReadMcpResourceResponse {
  'text'?: (string);
}

export interface ReadMcpResourceResponse__Output {
  'text': (string);
}
