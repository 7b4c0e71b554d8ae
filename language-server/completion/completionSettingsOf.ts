import type { CompletionSettings, HearthSettings } from '../../protocol/lspMethods';
import { COMPLETION_DEFAULTS } from '../settings/settingsReader';

/** The `hearth.completion` settings with every field present (the reader fills them; objects built elsewhere may not). */
export function completionSettingsOf(settings: HearthSettings): CompletionSettings {
  return { ...COMPLETION_DEFAULTS, ...settings.completion };
}
