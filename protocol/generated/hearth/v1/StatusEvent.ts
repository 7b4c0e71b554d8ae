// Original file: protocol/hearth.proto


export interface StatusEvent {
  'message'?: (string);
  /**
   * "info" or "warning".
   */
  'level'?: (string);
}

export interface StatusEvent__Output {
  'message': (string);
  /**
   * "info" or "warning".
   */
  'level': (string);
}
