/** A user message: the text exactly as typed (never Markdown-interpreted), the context and the images it carried. */
import type { ContextItem } from '../protocol/chat';
import type { UserEntry } from '../protocol/sessions';
import { contextChip, contextLabel } from './contextChip';
import { button, el } from './dom';
import { icon } from './icons';
import { imageThumbnail } from './imageAttachments';

/** Opens reference `reference` of the message's context item `context`. */
export type OpenReference = (context: number, reference: number) => void;

/**
 * `edit`: takes the message back into the composer, with its context and
 * images, for the user to change and send again (the chat returns to before
 * it; Redo brings it back).
 */
export function renderUserMessage(doc: Document, entry: UserEntry, openReference?: OpenReference, edit?: () => void): HTMLElement {
  return el(doc, 'article', {
    className: 'message user',
    attrs: { 'data-testid': 'user-message', 'data-entry-id': entry.id, 'aria-label': 'You said' },
    children: [
      edit
        ? button(doc, {
            label: 'Edit this message and send it again (the chat returns to before it)',
            testId: 'edit-message',
            className: 'icon-button subtle edit-message',
            children: [icon(doc, 'edit')],
            onClick: edit,
          })
        : null,
      entry.context.length > 0 ? el(doc, 'div', { className: 'chips', children: entry.context.map((item) => contextChip(doc, item)) }) : null,
      ...entry.context.map((item, i) => (item.references?.length ? referenceList(doc, item, (r) => openReference?.(i, r)) : null)),
      entry.images?.length ? el(doc, 'div', { className: 'chips user-images', children: entry.images.map((image) => imageThumbnail(doc, image)) }) : null,
      // A message of images alone has no text line.
      entry.text !== '' ? el(doc, 'div', { className: 'user-text', text: entry.text }) : null,
    ],
  });
}

/**
 * What a `@codebase` mention attached, collapsed to one line ("Used 4
 * references") that opens to the chunks, each of which opens its file at
 * those lines: the user sees what the answer was based on, and can check it.
 */
function referenceList(doc: Document, item: ContextItem, open: (reference: number) => void): HTMLElement {
  const references = item.references ?? [];
  const files = new Set(references.map((r) => r.path)).size;
  return el(doc, 'details', {
    className: 'context-references',
    attrs: { 'data-testid': 'context-references' },
    children: [
      el(doc, 'summary', { text: `${contextLabel(item)}: used ${references.length} reference${references.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}` }),
      el(doc, 'ul', {
        children: references.map((r, i) =>
          el(doc, 'li', {
            children: [
              button(doc, {
                label: `Open ${r.path} at lines ${r.startLine} to ${r.endLine}`,
                testId: 'context-reference',
                className: 'text-button reference-link',
                children: [`${r.path}:${r.startLine}-${r.endLine}`],
                onClick: () => open(i),
              }),
            ],
          }),
        ),
      }),
    ],
  });
}
