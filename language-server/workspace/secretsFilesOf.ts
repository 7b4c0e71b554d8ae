import type { HearthSettings } from '../../protocol/lspMethods';
import { completionSettingsOf } from '../completion/completionSettingsOf';
import { disabledFileMatcher, type DisabledFileMatcher } from '../completion/disabledFileMatcher';

/**
 * The user's secrets files: the files `hearth.completion.disabledFiles` names,
 * which a repository cannot change. Suggestions are off in them, and every
 * place that shows the model a file it did not ask for by name (a folder
 * mention, a prompt file's folder, a Code Review diff) names them without
 * their content. One function builds the matcher so those places cannot drift.
 */
export function secretsFilesOf(settings: HearthSettings): DisabledFileMatcher {
  return disabledFileMatcher(completionSettingsOf(settings).disabledFiles);
}
