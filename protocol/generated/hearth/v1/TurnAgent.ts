// Original file: protocol/hearth.proto


export interface TurnAgent {
  /**
   * Lowercase letters, digits, "-" and "_".
   */
  'name'?: (string);
  'instructions'?: (string);
  /**
   * Tool names (or "server.*" for an MCP server's tools) the agent may use;
   * only read when tools_restricted is set (an empty list then means none).
   */
  'tools'?: (string)[];
  'tools_restricted'?: (boolean);
  /**
   * "builtin", "user" or "workspace": how the prompt introduces the text.
   */
  'source'?: (string);
}

export interface TurnAgent__Output {
  /**
   * Lowercase letters, digits, "-" and "_".
   */
  'name': (string);
  'instructions': (string);
  /**
   * Tool names (or "server.*" for an MCP server's tools) the agent may use;
   * only read when tools_restricted is set (an empty list then means none).
   */
  'tools': (string)[];
  'tools_restricted': (boolean);
  /**
   * "builtin", "user" or "workspace": how the prompt introduces the text.
   */
  'source': (string);
}
