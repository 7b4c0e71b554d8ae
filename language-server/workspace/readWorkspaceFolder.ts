import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { holdsPrivateKey } from '../../agent-host';
import type { DisabledFileMatcher } from '../completion/disabledFileMatcher';
import { looksBinary, readPinnedPrefix, showHiddenCharacters, walkFiles } from '../tools';
import { confineMention } from './confineMention';

/**
 * The most characters of file contents a folder mention attaches. About 8,000
 * tokens: enough for a small module whole, and small enough that the message
 * still fits a modest context window beside the conversation. Files that do
 * not fit are listed by name for the model to read with read_file.
 */
export const FOLDER_CONTENT_CHARS = 32_000;
/** The most files named in the listing; a larger folder is summarised by a count. */
export const FOLDER_LISTED_FILES = 300;
/** The walk stops after this many entries, so a huge folder costs a bounded time. */
const MAX_WALKED_ENTRIES = 5_000;

type FileEntry = { path: string; size: number; note?: string; text?: string };

/**
 * Reads a workspace folder for an `@folder/` mention: the names of its files
 * (sizes beside them) and the contents of as many as fit in
 * FOLDER_CONTENT_CHARS, in the listing's order. It walks exactly as the
 * agent's glob and grep do (workspaceWalker.ts): `.git/` and what .gitignore
 * excludes are left out (also when the mentioned folder itself is excluded)
 * and symlinks are never followed, so a link in the folder cannot bring in a
 * file from elsewhere. A file with a second hard link is named but not read
 * (it may be a file outside the workspace under another name), as is a
 * binary one. So is a secrets file, one `isSecretsFile` names (the user's
 * `hearth.completion.disabledFiles`: `.env`, keys, credentials) or one
 * that holds a private key: the user aimed at a folder, not at the keys in
 * it, and in team mode the message goes to the team server. Every path in
 * the text is the one the agent's tools take, so the model can read what
 * was left out.
 */
export async function readWorkspaceFolder(roots: string[], mentioned: string, signal: AbortSignal, isSecretsFile: DisabledFileMatcher = () => false): Promise<string> {
  const typed = mentioned.replace(/\/+$/, '') || '.';
  const { confinement, target } = await confineMention(roots, typed, 'folders');
  if (!(await fs.stat(target.absolute)).isDirectory()) throw new Error(`${typed} is a file, not a folder; mention it without the trailing /`);

  const folderDisplay = target.display === '.' ? './' : `${target.display}/`;
  const prefix = target.relativeToRoot === '' ? '' : `${target.relativeToRoot}/`;
  const files: FileEntry[] = [];
  const limits = { truncated: false };
  let budget = FOLDER_CONTENT_CHARS;
  const rootPath = target.root.realPath;
  for await (const file of walkFiles(rootPath, target.relativeToRoot, { signal, maxEntries: MAX_WALKED_ENTRIES, limits, skipIgnoredStart: true })) {
    const entry: FileEntry = { path: file.relativeToRoot.slice(prefix.length), size: 0 };
    files.push(entry);
    const handle = await file.open().catch(() => undefined);
    if (!handle) {
      entry.note = 'changed while being read, not included';
      continue;
    }
    try {
      entry.size = handle.stat.size;
      // Listed as a file, but replaced (by a pipe, say) before it was opened: never read.
      if (!handle.stat.isFile()) entry.note = 'no longer a regular file, not included';
      else if (isSecretsFile(pathToFileURL(path.join(rootPath, file.relativeToRoot)).href, [rootPath])) entry.note = 'a secrets file (hearth.completion.disabledFiles), not included';
      else if (handle.stat.nlink > 1) entry.note = `${handle.stat.nlink} hard links, so it may be a file outside the workspace; not included`;
      // Bytes are at least as many as characters, so a file larger than what is left is not read at all.
      else if (entry.size > budget) entry.note = 'not included: it does not fit in what is left of the attachment';
      else {
        // At most one byte past what is left: a file that grew since its stat is not read past the budget.
        const bytes = await readPinnedPrefix(handle, budget + 1);
        if (bytes.length > budget) entry.note = 'not included: it does not fit in what is left of the attachment';
        else if (looksBinary(bytes)) entry.note = 'binary, not included';
        else if (holdsPrivateKey(bytes)) entry.note = 'holds a private key, not included';
        else {
          entry.text = bytes.toString('utf8');
          budget -= entry.text.length;
        }
      }
    } finally {
      await handle.close();
    }
  }

  const shown = files.filter((f) => f.text !== undefined);
  const more = limits.truncated ? ` (the folder has more than ${MAX_WALKED_ENTRIES} entries; the listing stops there)` : '';
  const lines = [
    files.length === 0
      ? `${folderDisplay} has no files (symlinks, .git/ and what .gitignore excludes are left out).`
      : `${folderDisplay} holds ${files.length} file${files.length === 1 ? '' : 's'}${more}; the contents of ${shown.length === files.length ? 'all of them' : `${shown.length}`} follow the list.` +
        (shown.length < files.length ? ' The others are named only: read them with read_file if you need them.' : ''),
  ];
  if (files.length > 0) lines.push('');
  // A name is shown on one line whatever it holds: a repository's file named "a.ts", newline,
  // "=== config.ts ===", newline, "…" would otherwise forge another file's section of this text.
  for (const f of files.slice(0, FOLDER_LISTED_FILES)) lines.push(`${showHiddenCharacters(f.path)} (${formatSize(f.size)}${f.note ? `, ${f.note}` : ''})`);
  if (files.length > FOLDER_LISTED_FILES) lines.push(`… and ${files.length - FOLDER_LISTED_FILES} more files`);
  for (const f of shown) {
    const display = confinement.display(target.root, `${prefix}${f.path}`);
    lines.push('', `=== ${display} ===`, f.text!.endsWith('\n') ? f.text!.slice(0, -1) : f.text!);
  }
  return `${lines.join('\n')}\n`;
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
