/**
 * Token counts without a tokenizer. Code and English average about four
 * characters per token; dividing by 3.5 overestimates on purpose so that a
 * prompt we think fits really does. Characters outside ASCII (CJK, emoji)
 * often take a token each or more, so each counts as one.
 */
export function estimateTokens(text: string): number {
  let ascii = 0;
  let other = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) < 128) ascii++;
    else other++;
  }
  return Math.ceil(ascii / 3.5) + other;
}

/** Role markers and separators the chat template adds around each message. */
export const MESSAGE_OVERHEAD_TOKENS = 4;
