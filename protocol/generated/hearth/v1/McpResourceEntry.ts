// Original file: protocol/hearth.proto


export interface McpResourceEntry {
  /**
   * The admin's name for the server.
   */
  'server'?: (string);
  /**
   * A resource's URI, or a template's URI template.
   */
  'uri'?: (string);
  'name'?: (string);
  /**
   * True for a resource template (RFC 6570 level 1).
   */
  'template'?: (boolean);
}

export interface McpResourceEntry__Output {
  /**
   * The admin's name for the server.
   */
  'server': (string);
  /**
   * A resource's URI, or a template's URI template.
   */
  'uri': (string);
  'name': (string);
  /**
   * True for a resource template (RFC 6570 level 1).
   */
  'template': (boolean);
}
