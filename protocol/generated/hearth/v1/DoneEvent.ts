// Original file: protocol/hearth.proto


export interface DoneEvent {
  /**
   * "stop", "length", "cancelled", "error" or "limit".
   */
  'reason'?: (string);
}

export interface DoneEvent__Output {
  /**
   * "stop", "length", "cancelled", "error" or "limit".
   */
  'reason': (string);
}
