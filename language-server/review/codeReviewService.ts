/**
 * The model side of Review Uncommitted Changes and Review Selection: lists
 * the changed lines with their current line numbers, asks the reviewer role
 * for findings in one JSON shape, and anchors each finding to lines of the
 * file as it is now. It only reads: the client shows the findings as
 * comments, and a finding's fix goes through the same diff review as every
 * other change.
 */
import * as fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { HearthException } from '../../agent-host';
import { looksBinary, openPinnedPath, readPinnedPrefix } from '../tools';
import type { CodeReviewParams, CodeReviewResult, ReviewFileChange } from '../../protocol/lspMethods';
import { MAX_REVIEWED_FILE_BYTES, reviewedFileSizeRefusal } from '../../protocol/reviewLimits';
import type { ActionRole } from '../agents/actionRole';
import type { EditActionService } from '../completion/editActionService';
import { isStrictlyInside } from '../workspace/pathInside';
import { displayPath } from '../completion/displayPath';
import { readReviewFindings, type ReviewedFile } from './readReviewFindings';
import { cutListing, hunkOfLines, hunksFromDiff, listing, renderListing } from './reviewListing';
import { REVIEW_SYSTEM_PROMPT, reviewUserMessage } from './reviewPrompts';

/** What one review shows the model at most (about 10,000 tokens), so a local model's context holds it with room to answer. */
export const MAX_REVIEW_CHARS = 40_000;
/** One file's share at most, so one generated file cannot take the whole review. */
export const MAX_FILE_REVIEW_CHARS = 16_000;

export interface CodeReviewDeps {
  documents: { get(uri: string): TextDocument | undefined };
  edits: Pick<EditActionService, 'ask' | 'roleFor'>;
  /** The workspace folders open now: files outside them are not read. */
  roots(): readonly string[];
}

/** `file` (a real path) is inside one of `roots` (compared by real path, so a link cannot lead out). */
async function insideRoots(file: string, roots: readonly string[]): Promise<boolean> {
  for (const root of roots) {
    const real = await fs.realpath(root).catch(() => undefined);
    if (!real) continue;
    if (isStrictlyInside(real, file)) return true;
  }
  return false;
}

export class CodeReviewService {
  constructor(private readonly deps: CodeReviewDeps) {}

  async review(params: CodeReviewParams, signal: AbortSignal): Promise<CodeReviewResult> {
    const leftOut = [...(params.withheld ?? [])];
    const files = params.selection ? this.selectionFile(params.selection) : await this.changedFiles(params.changes ?? [], leftOut);
    if (files.length === 0) {
      const why = leftOut.length > 0 ? ` (${leftOut.map((f) => `${f.path}: ${f.reason}`).join('; ')})` : '';
      throw new HearthException({ code: 'invalidRequest', message: `There is nothing to review${why}.`, retryable: false });
    }
    const notes = leftOut.length > 0 ? [`Not shown (do not comment on them): ${leftOut.map((f) => f.path).join(', ')}.`] : [];
    const text = reviewUserMessage(
      files.map((f) => f.listing),
      params.selection ? 'selection' : 'changes',
      notes,
    );
    const role: ActionRole | undefined = params.model ? undefined : await this.deps.edits.roleFor('review', signal);
    const system = role?.prompt ? `${REVIEW_SYSTEM_PROMPT}\n\n${role.prompt}` : REVIEW_SYSTEM_PROMPT;
    const { answer, model } = await this.deps.edits.ask(system, text, params.model ?? role?.model, 'chat', signal);
    const read = readReviewFindings(answer, files);
    return {
      findings: read.findings,
      model,
      ...(role ? { agent: role.role } : {}),
      reviewedFiles: files.map((f) => f.listing.path),
      leftOut,
      dropped: read.dropped,
      ...(read.beyondLimit > 0 ? { beyondLimit: read.beyondLimit } : {}),
      ...(read.unreadable ? { unreadable: answer } : {}),
    };
  }

  /** The selected lines of an open document, as the editor has them now. */
  private selectionFile(selection: NonNullable<CodeReviewParams['selection']>): ReviewedFile[] {
    const doc = this.deps.documents.get(selection.textDocument.uri);
    if (!doc) throw new HearthException({ code: 'invalidRequest', message: 'Hearth does not have this document open. Open it in the editor and try again.', retryable: true });
    const text = doc.getText();
    const { start, end } = selection.range;
    // A selection that ends at the start of a line does not include that line.
    const last = end.character === 0 && end.line > start.line ? end.line : end.line + 1;
    const hunk = hunkOfLines(text, start.line + 1, last, ' ');
    if (hunk.every((l) => l.text.trim() === '')) throw new HearthException({ code: 'invalidRequest', message: 'There is no code in the selection. Select the code to review and try again.', retryable: false });
    const l = cutListing(listing(displayPath(doc.uri, this.deps.roots()), doc.uri, [hunk]), MAX_REVIEW_CHARS).listing;
    return [{ listing: l, lines: splitLines(text) }];
  }

  /** Each changed file's listing from its diff (or its whole text when new), in order, until the review is full. */
  private async changedFiles(changes: readonly ReviewFileChange[], leftOut: CodeReviewResult['leftOut']): Promise<ReviewedFile[]> {
    const files: ReviewedFile[] = [];
    let size = 0;
    for (const change of changes) {
      const shownPath = displayPath(change.uri, this.deps.roots());
      const text = await this.readFile(change.uri);
      if (typeof text !== 'string') {
        leftOut.push({ path: shownPath, reason: text.reason });
        continue;
      }
      const lines = splitLines(text);
      const hunks = change.diff === undefined ? [hunkOfLines(text, 1, lines.length, '+')] : hunksFromDiff(change.diff);
      if (!hunks.some((h) => h.some((l) => l.mark === '+'))) {
        leftOut.push({ path: shownPath, reason: change.diff === undefined ? 'it is empty' : 'no line was added or changed (deleted lines, or a binary file)' });
        continue;
      }
      const room = Math.min(MAX_FILE_REVIEW_CHARS, MAX_REVIEW_CHARS - size);
      if (room < 500) {
        leftOut.push({ path: shownPath, reason: 'the review was full' });
        continue;
      }
      const { listing: l, cut } = cutListing(listing(shownPath, change.uri, hunks), room);
      if (l.hunks.length === 0) {
        leftOut.push({ path: shownPath, reason: 'the review was full' });
        continue;
      }
      if (cut) leftOut.push({ path: shownPath, reason: 'only its first changes fit in the review' });
      size += renderListing(l).length;
      files.push({ listing: l, lines });
    }
    return files;
  }

  /** A changed file's text as it is on disk (the diff's new side), or why it cannot be read. */
  private async readFile(uri: string): Promise<string | { reason: string }> {
    let file: string;
    try {
      file = await fs.realpath(fileURLToPath(uri));
    } catch {
      return { reason: 'it could not be read' };
    }
    if (!(await insideRoots(file, this.deps.roots()))) return { reason: 'it is outside the workspace folders' };
    // Opened pinned, as the tools and @file open files: the checks below and the read are of the same file.
    const pinned = await openPinnedPath(file, file).catch(() => undefined);
    if (!pinned) return { reason: 'it could not be read' };
    try {
      const { stat } = pinned;
      if (!stat.isFile()) return { reason: 'it is not a file' };
      const tooLarge = reviewedFileSizeRefusal(stat.size);
      if (tooLarge) return { reason: tooLarge };
      // A second hard link can be a file outside the workspace under another name (the @file rule).
      if (stat.nlink > 1) return { reason: `it has ${stat.nlink} hard links, so it may be a file outside the workspace` };
      // One byte past the cap tells a file that grew past it after the stat; the read never takes more.
      const bytes = await readPinnedPrefix(pinned, MAX_REVIEWED_FILE_BYTES + 1).catch(() => undefined);
      if (!bytes) return { reason: 'it could not be read' };
      const grown = reviewedFileSizeRefusal(bytes.length);
      if (grown) return { reason: grown };
      if (looksBinary(bytes)) return { reason: 'it is a binary file' };
      return bytes.toString('utf8');
    } finally {
      await pinned.close();
    }
  }
}

function splitLines(text: string): string[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines.length > 1 && lines.at(-1) === '') lines.pop();
  return lines;
}
