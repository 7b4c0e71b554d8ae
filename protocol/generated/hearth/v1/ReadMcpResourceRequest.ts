// Original file: protocol/hearth.proto


export interface ReadMcpResourceRequest {
  'server'?: (string);
  'uri'?: (string);
  /**
   * The most characters the client wants; the server caps it too.
   */
  'max_chars'?: (number);
}

export interface ReadMcpResourceRequest__Output {
  'server': (string);
  'uri': (string);
  /**
   * The most characters the client wants; the server caps it too.
   */
  'max_chars': (number);
}
