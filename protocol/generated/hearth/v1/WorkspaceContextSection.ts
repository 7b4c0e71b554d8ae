// Original file: protocol/hearth.proto


export interface WorkspaceContextSection {
  'title'?: (string);
  'text'?: (string);
  'max_tokens'?: (number);
  '_max_tokens'?: "max_tokens";
}

export interface WorkspaceContextSection__Output {
  'title': (string);
  'text': (string);
  'max_tokens'?: (number);
  '_max_tokens'?: "max_tokens";
}
