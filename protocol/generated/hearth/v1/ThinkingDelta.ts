// Original file: protocol/hearth.proto


/**
 * The model's reasoning (Ollama's message.thinking), never part of the answer.
 */
export interface ThinkingDelta {
  'delta'?: (string);
}

/**
 * The model's reasoning (Ollama's message.thinking), never part of the answer.
 */
export interface ThinkingDelta__Output {
  'delta': (string);
}
