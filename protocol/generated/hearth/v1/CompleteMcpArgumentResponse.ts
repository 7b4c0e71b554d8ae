// Original file: protocol/hearth.proto


export interface CompleteMcpArgumentResponse {
  /**
   * At most 100, each one line.
   */
  'values'?: (string)[];
  /**
   * The server has more: the user should type more.
   */
  'has_more'?: (boolean);
  /**
   * The server's count of all matches, when it gave one.
   */
  'total'?: (number);
  '_total'?: "total";
}

export interface CompleteMcpArgumentResponse__Output {
  /**
   * At most 100, each one line.
   */
  'values': (string)[];
  /**
   * The server has more: the user should type more.
   */
  'has_more': (boolean);
  /**
   * The server's count of all matches, when it gave one.
   */
  'total'?: (number);
  '_total'?: "total";
}
