/**
 * A checkpoint on the chat's timeline: a thin row with "Restore…", which
 * opens the three choices (files and conversation, files only, conversation
 * only) and then a confirmation that says what will happen. Nothing is
 * restored here: the choice goes to the extension, and the language server
 * decides and does it.
 */
import type { RedoableRestore, RestoreScope } from '../protocol/sessions';
import { button, el } from './dom';
import { icon } from './icons';
import type { ViewContext } from './viewContext';

const CHOICES: { scope: RestoreScope; label: string; confirm: string }[] = [
  { scope: 'both', label: 'Files and conversation', confirm: 'Put the files back as they were here and end the conversation at this point?' },
  { scope: 'files', label: 'Files only', confirm: 'Put the files back as they were here? The conversation stays as it is.' },
  { scope: 'conversation', label: 'Conversation only', confirm: 'End the conversation at this point? The files stay as they are.' },
];

export function renderCheckpointMarker(ctx: ViewContext, checkpointId: string, label: string): HTMLElement {
  const doc = ctx.doc;
  const panel = el(doc, 'div', { className: 'checkpoint-panel', attrs: { 'data-testid': 'checkpoint-panel' } });
  panel.hidden = true;
  const showChoices = () => {
    panel.replaceChildren(
      ...CHOICES.map((c) =>
        button(doc, { label: `Restore ${c.label.toLowerCase()}`, testId: `checkpoint-restore-${c.scope}`, className: 'text-button', children: [c.label], onClick: () => confirm(c) }),
      ),
      button(doc, { label: 'Cancel', testId: 'checkpoint-cancel', className: 'text-button', children: ['Cancel'], onClick: () => (panel.hidden = true) }),
    );
    panel.hidden = false;
  };
  const confirm = (choice: (typeof CHOICES)[number]) => {
    panel.replaceChildren(
      el(doc, 'span', { className: 'checkpoint-confirm', text: `${choice.confirm} Redo brings back the current state.` }),
      button(doc, {
        label: 'Restore',
        testId: 'checkpoint-confirm',
        className: 'text-button primary',
        children: ['Restore'],
        onClick: () => {
          panel.hidden = true;
          ctx.restoreCheckpoint(checkpointId, choice.scope);
        },
      }),
      button(doc, { label: 'Cancel', testId: 'checkpoint-cancel', className: 'text-button', children: ['Cancel'], onClick: () => (panel.hidden = true) }),
    );
  };
  return el(doc, 'div', {
    className: 'checkpoint-marker',
    attrs: { 'data-testid': 'checkpoint', 'data-checkpoint-id': checkpointId, role: 'group', 'aria-label': `Checkpoint ${label}` },
    children: [
      el(doc, 'div', {
        className: 'checkpoint-row',
        children: [
          el(doc, 'span', { className: 'checkpoint-label', attrs: { title: `Checkpoint · ${label}` }, text: `Checkpoint · ${label}` }),
          button(doc, { label: `Restore to the checkpoint ${label}`, testId: 'checkpoint-restore', className: 'text-button subtle', children: [icon(doc, 'undo'), el(doc, 'span', { text: 'Restore…' })], onClick: showChoices }),
        ],
      }),
      panel,
    ],
  });
}

/** The bar after a restore, until the next message: what happened, and Redo. */
export function renderRedoBar(ctx: ViewContext, redo: RedoableRestore): HTMLElement {
  const doc = ctx.doc;
  const what = redo.scope === 'both' ? 'files and conversation' : redo.scope === 'files' ? 'files' : 'conversation';
  // A restore the language server did not finish (it was killed, or a write failed) leaves the files mixed; the user must know.
  const text = redo.interrupted
    ? 'The restore of the files stopped partway (Hearth was closed or a file could not be written): some files are as in the checkpoint, others as before. Redo puts every file back as it was before the restore.'
    : `Restored the ${what} to a checkpoint. Sending a message continues from here.`;
  return el(doc, 'div', {
    className: 'notice redo-bar',
    attrs: { 'data-testid': 'redo-bar', role: 'status' },
    children: [
      el(doc, 'span', { text }),
      button(doc, { label: 'Redo: bring back the state before the restore', testId: 'checkpoint-redo', className: 'text-button', children: ['Redo'], onClick: () => ctx.redoRestore() }),
    ],
  });
}
