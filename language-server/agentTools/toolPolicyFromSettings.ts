import type { HearthSettings } from '../../protocol/lspMethods';
import { completionSettingsOf } from '../completion/completionSettingsOf';
import { DEFAULT_TOOL_POLICY, type ToolPolicy } from '../tools';

/** The executor's policy from the user's settings and the workspace's trust. */
export function toolPolicyFromSettings(settings: HearthSettings, trusted: boolean): ToolPolicy {
  const agent = settings.agent;
  return {
    ...DEFAULT_TOOL_POLICY,
    trusted,
    autoApproveEdits: agent?.autoApproveEdits ?? DEFAULT_TOOL_POLICY.autoApproveEdits,
    commandAllowList: agent?.commandAllowList ?? DEFAULT_TOOL_POLICY.commandAllowList,
    commandDenyList: agent?.commandDenyList ?? DEFAULT_TOOL_POLICY.commandDenyList,
    commandTimeoutMs: (agent?.commandTimeoutSeconds ?? DEFAULT_TOOL_POLICY.commandTimeoutMs / 1000) * 1000,
    // The same list that keeps suggestions out of them (secretsFilesOf), so there is one list of secrets files.
    secretsFiles: completionSettingsOf(settings).disabledFiles,
  };
}
