/** What stands in an error's text where the server repeated the key. */
export const HIDDEN_KEY = '[API key]';

/**
 * `text` with every copy of `apiKey` replaced. Some gateways repeat the key
 * they received in their errors ("Received API Key = sk-…"), and a server's
 * error text is shown in the chat, stored with the session, exported with
 * it, and on a team server sent to every user of the backend, so the key
 * would travel wherever the error does. A key of under four characters is
 * left alone: replacing it would garble the message and it guards nothing.
 */
export function hideApiKey(text: string, apiKey: string | undefined): string {
  if (!apiKey || apiKey.length < 4) return text;
  return text.split(apiKey).join(HIDDEN_KEY);
}
