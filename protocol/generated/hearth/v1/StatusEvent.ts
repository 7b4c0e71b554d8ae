// Original file: protocol/hearth.proto


export interface StatusEvent {
  'message'?: (string);
  /**
   * "info" or "warning".
   */
  'level'?: (string);
  /**
   * Set when this note replaces the reply's earlier note with the same id
   * (a tool's progress); empty for a note of its own.
   */
  'id'?: (string);
}

export interface StatusEvent__Output {
  'message': (string);
  /**
   * "info" or "warning".
   */
  'level': (string);
  /**
   * Set when this note replaces the reply's earlier note with the same id
   * (a tool's progress); empty for a note of its own.
   */
  'id': (string);
}
