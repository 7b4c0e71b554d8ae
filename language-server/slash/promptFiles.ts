import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { holdsPrivateKey } from '../../agent-host';
import type { DisabledFileMatcher } from '../completion/disabledFileMatcher';
import { MAX_PROMPT_FILE_BYTES, parsePromptFile, PROMPT_FILE_NAME, type PromptFile } from './promptFile';
import { isInsideOrSame } from '../workspace/pathInside';
import { readCheckedText } from '../workspace/readCheckedText';

/** At most this many prompt files are read from one folder. */
const MAX_PROMPT_FILES = 200;

export interface PromptFileCommand extends PromptFile {
  name: string;
  source: 'workspace' | 'user';
  /** The file, for the log. */
  file: string;
}


/**
 * The `*.md` prompt files directly in `dir`. A missing folder has none; a file
 * too large, not a regular file, badly named or (a workspace's) hard-linked
 * is skipped with a note in the log, never an error. With `confineTo` (a
 * workspace folder), a file whose real path leaves that folder is skipped
 * too: a repository's symlink `.hearth/prompts/review.md -> ~/.ssh/id_rsa`
 * must not send a key to the model. A link that stays inside may lead to
 * no secrets file (one `isSecretsFile` names: the user's
 * `hearth.completion.disabledFiles`, `.env` and keys by default) and no
 * file may hold a private key: `.hearth/prompts/deploy.md -> ../../.env`
 * would otherwise send the developer's own secrets, which a repository
 * ships beside but never holds, when they type /deploy.
 */
export async function readPromptFiles(
  dir: string,
  source: 'workspace' | 'user',
  log: (message: string) => void,
  confineTo?: string,
  isSecretsFile: DisabledFileMatcher = () => false,
): Promise<PromptFileCommand[]> {
  let names: string[];
  let realRoot: string | undefined;
  try {
    names = (await fs.readdir(dir)).filter((n) => n.toLowerCase().endsWith('.md')).sort();
    if (confineTo) realRoot = await fs.realpath(confineTo);
  } catch {
    return [];
  }
  const out: PromptFileCommand[] = [];
  for (const fileName of names.slice(0, MAX_PROMPT_FILES)) {
    const file = path.join(dir, fileName);
    const name = fileName.slice(0, -3);
    if (!PROMPT_FILE_NAME.test(name)) {
      log(`Prompt file ${file} is ignored: a command name may only have letters, digits, "-" and "_".`);
      continue;
    }
    try {
      const real = await fs.realpath(file);
      if (realRoot && !isInsideOrSame(realRoot, real)) {
        log(`Prompt file ${file} is ignored: it is a link to a file outside the workspace folder.`);
        continue;
      }
      if (realRoot && isSecretsFile(pathToFileURL(real).href, [realRoot])) {
        log(`Prompt file ${file} is ignored: it is a link to a secrets file (hearth.completion.disabledFiles names it).`);
        continue;
      }
      // Read through a descriptor pinned to the checked path: a file swapped for a link after the check is refused, not followed.
      const text = await readCheckedText(real, { maxBytes: MAX_PROMPT_FILE_BYTES, oneLink: source === 'workspace' });
      if (typeof text !== 'string') {
        log(`Prompt file ${file} is ignored: it ${text.problem}.`);
        continue;
      }
      if (source === 'workspace' && holdsPrivateKey(text)) {
        log(`Prompt file ${file} is ignored: it holds a private key.`);
        continue;
      }
      out.push({ ...parsePromptFile(text), name, source, file });
    } catch (err) {
      log(`Prompt file ${file} could not be read: ${err instanceof Error ? err.message : String(err)}.`);
    }
  }
  return out;
}
