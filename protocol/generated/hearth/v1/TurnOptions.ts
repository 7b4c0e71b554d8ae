// Original file: protocol/hearth.proto


export interface TurnOptions {
  'system_prompt'?: (string);
  'max_steps'?: (number);
  'tool_timeout_ms'?: (number);
  'temperature'?: (number | string);
  /**
   * Whether a thinking model reasons first (Ollama's `think`): "true",
   * "false", "low", "medium" or "high"; absent leaves Ollama's default
   * (thinking models think). The client decides it per model.
   */
  'think'?: (string);
  '_max_steps'?: "max_steps";
  '_tool_timeout_ms'?: "tool_timeout_ms";
  '_temperature'?: "temperature";
  '_think'?: "think";
}

export interface TurnOptions__Output {
  'system_prompt': (string);
  'max_steps'?: (number);
  'tool_timeout_ms'?: (number);
  'temperature'?: (number);
  /**
   * Whether a thinking model reasons first (Ollama's `think`): "true",
   * "false", "low", "medium" or "high"; absent leaves Ollama's default
   * (thinking models think). The client decides it per model.
   */
  'think'?: (string);
  '_max_steps'?: "max_steps";
  '_tool_timeout_ms'?: "tool_timeout_ms";
  '_temperature'?: "temperature";
  '_think'?: "think";
}
