// Original file: protocol/hearth.proto


export interface ToolResult {
  'call_id'?: (string);
  'name'?: (string);
  'content'?: (string);
  'is_error'?: (boolean);
  'summary'?: (string);
  'duration_ms'?: (number);
  '_duration_ms'?: "duration_ms";
}

export interface ToolResult__Output {
  'call_id': (string);
  'name': (string);
  'content': (string);
  'is_error': (boolean);
  'summary': (string);
  'duration_ms'?: (number);
  '_duration_ms'?: "duration_ms";
}
