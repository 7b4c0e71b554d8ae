// Original file: protocol/hearth.proto


export interface TurnOptions {
  'system_prompt'?: (string);
  'max_steps'?: (number);
  'tool_timeout_ms'?: (number);
  'temperature'?: (number | string);
  '_max_steps'?: "max_steps";
  '_tool_timeout_ms'?: "tool_timeout_ms";
  '_temperature'?: "temperature";
}

export interface TurnOptions__Output {
  'system_prompt': (string);
  'max_steps'?: (number);
  'tool_timeout_ms'?: (number);
  'temperature'?: (number);
  '_max_steps'?: "max_steps";
  '_tool_timeout_ms'?: "tool_timeout_ms";
  '_temperature'?: "temperature";
}
