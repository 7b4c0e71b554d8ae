// Original file: protocol/hearth.proto


export interface RulesFile {
  /**
   * Workspace-relative path.
   */
  'path'?: (string);
  'text'?: (string);
  /**
   * The file was longer than the cap; `text` is its start.
   */
  'truncated'?: (boolean);
}

export interface RulesFile__Output {
  /**
   * Workspace-relative path.
   */
  'path': (string);
  'text': (string);
  /**
   * The file was longer than the cap; `text` is its start.
   */
  'truncated': (boolean);
}
