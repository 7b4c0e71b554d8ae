// Original file: protocol/hearth.proto


export interface CancelTurn {
  'reason'?: (string);
}

export interface CancelTurn__Output {
  'reason': (string);
}
