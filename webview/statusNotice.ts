import type { AssistantPart } from '../protocol/sessions';

/**
 * Shows a reply's note (a status part) in its element. Called on every
 * update, because a note with an id changes in place: touching the DOM only
 * when the text or level changed keeps screen readers from re-reading it.
 */
export function updateStatusNotice(element: HTMLElement, part: Extract<AssistantPart, { kind: 'status' }>): void {
  if (element.textContent !== part.message) element.textContent = part.message;
  if (element.dataset.level !== part.level) {
    element.dataset.level = part.level;
    element.className = `status-notice status-${part.level}`;
  }
}
