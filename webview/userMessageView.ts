/** A user message: the text exactly as typed (never Markdown-interpreted), the context and the images it carried. */
import type { UserEntry } from '../protocol/sessions';
import { contextChip } from './contextChip';
import { el } from './dom';
import { imageThumbnail } from './imageAttachments';

export function renderUserMessage(doc: Document, entry: UserEntry): HTMLElement {
  return el(doc, 'article', {
    className: 'message user',
    attrs: { 'data-testid': 'user-message', 'data-entry-id': entry.id, 'aria-label': 'You said' },
    children: [
      entry.context.length > 0 ? el(doc, 'div', { className: 'chips', children: entry.context.map((item) => contextChip(doc, item)) }) : null,
      entry.images?.length ? el(doc, 'div', { className: 'chips user-images', children: entry.images.map((image) => imageThumbnail(doc, image)) }) : null,
      // A message of images alone has no text line.
      entry.text !== '' ? el(doc, 'div', { className: 'user-text', text: entry.text }) : null,
    ],
  });
}
