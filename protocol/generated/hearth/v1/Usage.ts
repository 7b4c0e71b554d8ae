// Original file: protocol/hearth.proto


export interface Usage {
  'prompt_tokens'?: (number);
  'completion_tokens'?: (number);
  'total_duration_ms'?: (number | string);
  'load_duration_ms'?: (number | string);
  'eval_duration_ms'?: (number | string);
  '_total_duration_ms'?: "total_duration_ms";
  '_load_duration_ms'?: "load_duration_ms";
  '_eval_duration_ms'?: "eval_duration_ms";
}

export interface Usage__Output {
  'prompt_tokens': (number);
  'completion_tokens': (number);
  'total_duration_ms'?: (number);
  'load_duration_ms'?: (number);
  'eval_duration_ms'?: (number);
  '_total_duration_ms'?: "total_duration_ms";
  '_load_duration_ms'?: "load_duration_ms";
  '_eval_duration_ms'?: "eval_duration_ms";
}
