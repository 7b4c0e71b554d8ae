// Original file: protocol/hearth.proto


export interface CompleteMcpArgumentRequest {
  'server'?: (string);
  'prompt'?: (string);
  'uri_template'?: (string);
  /**
   * The prompt argument's or template variable's name, and the text typed so far.
   */
  'argument'?: (string);
  'value'?: (string);
  /**
   * The values of the arguments already filled in, which may narrow the suggestions.
   */
  'context'?: ({[key: string]: string});
  /**
   * What is being filled in: a listed prompt (by name) or a listed resource
   * template (by its URI template, exactly as listed).
   */
  'ref'?: "prompt"|"uri_template";
}

export interface CompleteMcpArgumentRequest__Output {
  'server': (string);
  'prompt'?: (string);
  'uri_template'?: (string);
  /**
   * The prompt argument's or template variable's name, and the text typed so far.
   */
  'argument': (string);
  'value': (string);
  /**
   * The values of the arguments already filled in, which may narrow the suggestions.
   */
  'context': ({[key: string]: string});
  /**
   * What is being filled in: a listed prompt (by name) or a listed resource
   * template (by its URI template, exactly as listed).
   */
  'ref'?: "prompt"|"uri_template";
}
