// Original file: protocol/hearth.proto


export interface HearthError {
  /**
   * One of protocol/chat.ts HearthErrorCode.
   */
  'code'?: (string);
  'message'?: (string);
  'host'?: (string);
  'model'?: (string);
  'installed_models'?: (string)[];
  'retryable'?: (boolean);
}

export interface HearthError__Output {
  /**
   * One of protocol/chat.ts HearthErrorCode.
   */
  'code': (string);
  'message': (string);
  'host': (string);
  'model': (string);
  'installed_models': (string)[];
  'retryable': (boolean);
}
