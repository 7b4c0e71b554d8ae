/**
 * Context chips: the selection, file or `@` mention attached to a message.
 * Shared by the composer (removable) and the transcript (read-only), so a chip
 * reads the same before and after sending.
 */
import { isFolderMention, isWebPageMention, type ContextItem } from '../protocol/chat';
import { revealHiddenInLine } from '../protocol/hiddenCharacters';
import { button, el } from './dom';
import { icon, type IconName } from './icons';

/** `src/a.ts:10-20` for a selection, the path for a file, `@path` for a mention. */
export function contextLabel(item: ContextItem): string {
  if (item.kind === 'selection' && item.range) return `${item.path}:${item.range.startLine}-${item.range.endLine}`;
  if (item.kind === 'mention') return `@${item.path}`;
  return item.path;
}

/** Two items are the same attachment when kind, path and range agree. */
export function sameContext(a: ContextItem, b: ContextItem): boolean {
  return a.kind === b.kind && a.path === b.path && a.range?.startLine === b.range?.startLine && a.range?.endLine === b.range?.endLine;
}

function chipIcon(item: ContextItem): IconName {
  if (item.kind === 'selection') return 'selection';
  if (item.kind === 'mention' && isFolderMention(item.path)) return 'folder';
  if (item.kind === 'mention' && isWebPageMention(item.path)) return 'globe';
  return 'file';
}

export function contextChip(doc: Document, item: ContextItem, onRemove?: () => void): HTMLElement {
  // A repository's file name may hold hidden characters (see completionPopup.ts); the chip shows each one.
  const label = revealHiddenInLine(contextLabel(item)).text;
  const chip = el(doc, 'span', {
    className: `chip chip-${item.kind}`,
    attrs: { 'data-testid': onRemove ? 'context-chip' : 'user-context', 'data-kind': item.kind, title: label },
    children: [icon(doc, chipIcon(item)), el(doc, 'span', { className: 'chip-label', text: label })],
  });
  if (onRemove) {
    chip.appendChild(
      button(doc, {
        label: `Remove ${label}`,
        testId: 'context-chip-remove',
        className: 'chip-remove',
        children: [icon(doc, 'close')],
        onClick: onRemove,
      }),
    );
  }
  return chip;
}
