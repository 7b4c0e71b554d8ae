/**
 * Error texts end with what to do next, often "press Retry". Only the last
 * answer has a Retry button (retry reruns the session's last message), so an
 * older error that kept saying "press Retry" would point at a button that is
 * no longer there. This removes that advice and keeps the rest of the text.
 */
export function withoutRetryHint(message: string): string {
  return (
    message
      // "Press Retry, or tell the server's admin." → "Tell the server's admin."
      .replace(/(^|[.!?]\s+)Press Retry, or (\p{L})/gu, (_m, lead: string, first: string) => `${lead}${first.toUpperCase()}`)
      // "The message is kept; press Retry, or see Hearth: Show Logs." → "The message is kept; see Hearth: Show Logs."
      .replace(/press Retry, or /gi, '')
      // "…, then press Retry." / "…; press Retry to ask again." / "…: press Retry in a moment." / "… time. Press Retry."
      .replace(/(?:\s*[;:,]\s*(?:then\s+)?|\s+)press Retry(?: in a moment| to [^.!?]*)?(?=[.!?]|$)/gi, '')
      .replace(/([.!?])[.!?]+/g, '$1')
      .replace(/^[.!?]\s*/, '')
      .trim()
  );
}
