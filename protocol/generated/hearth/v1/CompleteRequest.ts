// Original file: protocol/hearth.proto


export interface CompleteRequest {
  'model'?: (string);
  /**
   * Text before the cursor.
   */
  'prompt'?: (string);
  /**
   * Text after the cursor.
   */
  'suffix'?: (string);
  'max_tokens'?: (number);
  'temperature'?: (number | string);
  'stop'?: (string)[];
  '_max_tokens'?: "max_tokens";
  '_temperature'?: "temperature";
}

export interface CompleteRequest__Output {
  'model': (string);
  /**
   * Text before the cursor.
   */
  'prompt': (string);
  /**
   * Text after the cursor.
   */
  'suffix': (string);
  'max_tokens'?: (number);
  'temperature'?: (number);
  'stop': (string)[];
  '_max_tokens'?: "max_tokens";
  '_temperature'?: "temperature";
}
