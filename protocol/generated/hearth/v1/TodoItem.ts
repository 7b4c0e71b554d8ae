// Original file: protocol/hearth.proto


export interface TodoItem {
  'text'?: (string);
  /**
   * "pending", "inProgress" or "done".
   */
  'status'?: (string);
}

export interface TodoItem__Output {
  'text': (string);
  /**
   * "pending", "inProgress" or "done".
   */
  'status': (string);
}
