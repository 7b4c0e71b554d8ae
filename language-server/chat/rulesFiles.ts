/**
 * Finds and reads the repository's rules files for a message, on the
 * developer's machine (also in remote mode: the team server gets only the
 * text). Which files apply:
 *
 * - at each workspace folder's root, always: AGENTS.md, CLAUDE.md,
 *   .github/copilot-instructions.md, and .clinerules (a file, or a folder of
 *   .md files);
 * - for each file the message attaches or mentions (and the active file), the
 *   nearest AGENTS.md in a folder between that file and the root: the nearest
 *   one wins for files in its folder, as in the AGENTS.md convention.
 *
 * Every read goes through the agent tools' confinement (real paths, no
 * symlink out of the workspace, no hard-linked files), and each file is
 * capped at MAX_RULES_FILE_CHARS. The text is untrusted repository content:
 * it only ever becomes part of the system prompt.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { RulesFile } from '../../protocol/chat';
import type { RulesFileInfo } from '../../protocol/lspMethods';
import { MAX_RULES_FILE_CHARS, MAX_RULES_FILES } from '../../agent-host';
import { looksBinary, openPinnedPath, readPinnedPrefix, WorkspaceConfinement, type WorkspaceRoot } from '../tools';

/** Rules files at a folder's root, in the order they go into the prompt. */
const ROOT_FILES = ['AGENTS.md', 'CLAUDE.md', '.github/copilot-instructions.md', '.clinerules'];
/** The most .md files read from a .clinerules folder. */
const MAX_CLINERULES_FILES = 8;

export interface FoundRulesFile {
  info: RulesFileInfo;
  /** What goes into the prompt (capped). */
  file: RulesFile;
}

/**
 * The rules files for a message that names `paths` (workspace-relative, as
 * the chat shows them). `disabled` (workspace-relative) are reported with
 * `enabled: false`; callers leave them out of the prompt.
 */
export async function findRulesFiles(roots: string[], paths: string[], disabled: readonly string[] = []): Promise<FoundRulesFile[]> {
  if (roots.length === 0) return [];
  const confinement = await WorkspaceConfinement.create(roots);
  const found: FoundRulesFile[] = [];
  const seen = new Set<string>();
  const add = async (absolute: string) => {
    if (found.length >= MAX_RULES_FILES) return;
    const read = await readRulesFile(confinement, absolute);
    if (!read || seen.has(read.info.absolutePath)) return;
    seen.add(read.info.absolutePath);
    read.info.enabled = !disabled.includes(read.info.path);
    found.push(read);
  };

  for (const root of confinement.roots) {
    for (const name of ROOT_FILES) {
      const absolute = path.join(root.realPath, name);
      if (name === '.clinerules' && (await isDirectory(absolute))) {
        for (const entry of await clinerulesEntries(absolute)) await add(path.join(absolute, entry));
      } else {
        await add(absolute);
      }
    }
  }
  // The nearest AGENTS.md below the root for each named file; several files may share one.
  for (const named of paths) {
    const nearest = await nearestAgentsFile(confinement, named);
    if (nearest) await add(nearest);
  }
  return found;
}

/** The files that go into the prompt: the enabled ones. */
export function promptRules(found: FoundRulesFile[]): RulesFile[] {
  return found.filter((f) => f.info.enabled).map((f) => f.file);
}

async function isDirectory(absolute: string): Promise<boolean> {
  try {
    return (await fs.lstat(absolute)).isDirectory();
  } catch {
    return false;
  }
}

async function clinerulesEntries(dir: string): Promise<string[]> {
  try {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.md'))
      .map((e) => e.name)
      .sort()
      .slice(0, MAX_CLINERULES_FILES);
  } catch {
    return [];
  }
}

/** The AGENTS.md in the folder nearest to `named`, strictly below its workspace folder's root (the root's own is always included). */
async function nearestAgentsFile(confinement: WorkspaceConfinement, named: string): Promise<string | undefined> {
  if (named.startsWith('mcp:')) return undefined;
  let target;
  try {
    target = await confinement.resolve(named, 'read');
  } catch {
    return undefined;
  }
  const root: WorkspaceRoot = target.root;
  let dir = target.exists && (await isDirectory(target.absolute)) ? target.absolute : path.dirname(target.absolute);
  while (dir.length > root.realPath.length && dir.startsWith(root.realPath + path.sep)) {
    const candidate = path.join(dir, 'AGENTS.md');
    try {
      // Whether it may be read (a plain file inside the workspace) is checked when it is read.
      await fs.lstat(candidate);
      return candidate;
    } catch {
      // No AGENTS.md here: look one folder up.
    }
    dir = path.dirname(dir);
  }
  return undefined;
}

/** Reads one rules file under the confinement; undefined when it is missing, outside the workspace, binary or not a plain file. */
async function readRulesFile(confinement: WorkspaceConfinement, absolute: string): Promise<FoundRulesFile | undefined> {
  let target;
  try {
    target = await confinement.resolve(absolute, 'read');
  } catch {
    // A rules file that is a symlink out of the workspace is not read, exactly as a tool would refuse it.
    return undefined;
  }
  if (!target.exists) return undefined;
  let file;
  try {
    file = await openPinnedPath(target.absolute, target.display);
  } catch {
    return undefined;
  }
  try {
    // A second hard link may be a file outside the workspace under another name.
    if (!file.stat.isFile() || file.stat.nlink > 1) return undefined;
    // Read a little past the cap (UTF-8 may take up to 4 bytes a character) and no more, whatever the file's size.
    const limit = MAX_RULES_FILE_CHARS * 4;
    const bytes = await readPinnedPrefix(file, limit);
    if (looksBinary(bytes)) return undefined;
    let text = bytes.toString('utf8');
    let truncated = file.stat.size > limit;
    if (text.length > MAX_RULES_FILE_CHARS) {
      text = text.slice(0, MAX_RULES_FILE_CHARS);
      truncated = true;
    }
    return {
      info: { path: target.display, absolutePath: target.absolute, bytes: file.stat.size, truncated, enabled: true },
      file: { path: target.display, text, truncated },
    };
  } catch {
    return undefined;
  } finally {
    await file.close();
  }
}
