// Original file: protocol/hearth.proto


export interface LineRange {
  'start_line'?: (number);
  'end_line'?: (number);
}

export interface LineRange__Output {
  'start_line': (number);
  'end_line': (number);
}
