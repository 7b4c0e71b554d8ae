// Original file: protocol/hearth.proto


export interface TextDelta {
  'delta'?: (string);
}

export interface TextDelta__Output {
  'delta': (string);
}
