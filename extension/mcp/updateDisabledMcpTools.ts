import * as vscode from 'vscode';
import { parseDisabledMcpTools } from '../../protocol/mcpDisabledTools';
import { showErrorMessage } from '../notifications';

/**
 * Changes `hearth.mcp.disabledTools` in the user's settings: `change` gets
 * the list as the user settings hold it now and returns the new one. Only
 * user settings are written (the setting is application-scoped, see its
 * description in package.json), so the switch is the user's own and visible
 * in settings.json. The language server hears of it through the settings
 * change notification and stops, starts or hides what changed.
 */
export async function updateDisabledMcpTools(change: (disabled: readonly string[]) => string[]): Promise<boolean> {
  const config = vscode.workspace.getConfiguration('hearth');
  const current = parseDisabledMcpTools(config.inspect<unknown>('mcp.disabledTools')?.globalValue);
  const next = change(current);
  try {
    await config.update('mcp.disabledTools', next.length > 0 ? next : undefined, vscode.ConfigurationTarget.Global);
    return true;
  } catch (err) {
    void showErrorMessage(`Hearth could not change hearth.mcp.disabledTools in your user settings: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  }
}
