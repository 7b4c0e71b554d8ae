// Original file: protocol/hearth.proto


export interface GetMcpPromptRequest {
  'server'?: (string);
  'name'?: (string);
  'arguments'?: ({[key: string]: string});
  'max_chars'?: (number);
}

export interface GetMcpPromptRequest__Output {
  'server': (string);
  'name': (string);
  'arguments': ({[key: string]: string});
  'max_chars': (number);
}
