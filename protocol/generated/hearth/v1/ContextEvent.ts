// Original file: protocol/hearth.proto


/**
 * How full the model's context is for the request about to be sent.
 */
export interface ContextEvent {
  'prompt_tokens'?: (number);
  'budget_tokens'?: (number);
  'num_ctx'?: (number);
}

/**
 * How full the model's context is for the request about to be sent.
 */
export interface ContextEvent__Output {
  'prompt_tokens': (number);
  'budget_tokens': (number);
  'num_ctx': (number);
}
