import { inertText } from '../inertText';

/** Longest one-line server-chosen text kept: a reason or a name, not a page. */
const MAX_CHARS = 500;

/**
 * Text the team server chose (an error's details or message, the signed-in
 * user's name) made inert for a notification or the status bar (see
 * inertText); a one-line text is also cut at MAX_CHARS. A multi-line message
 * keeps its own length limit (the decoder's).
 */
export function serverText(text: string, multiline = false): string {
  const shown = inertText(text, multiline);
  return !multiline && shown.length > MAX_CHARS ? `${shown.slice(0, MAX_CHARS)}…` : shown;
}
