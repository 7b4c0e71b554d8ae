import * as vscode from 'vscode';
import { parseResourceMention, resourceMention } from '../../protocol/chat';
import type { McpCompleteParams, McpCompleteResult } from '../../protocol/lspMethods';
import { expandUriTemplate, templateVariables } from '../../protocol/uriTemplate';

/** The longest value one template variable takes. */
const MAX_VALUE = 1_000;
/** Suggestions are asked for once the user paused this long: one request per burst of keys, not per key. */
const COMPLETE_DELAY_MS = 150;

/** Asks the language server for a server's suggestions (`hearth/mcp/complete`); cancelled when the user types on. */
export type CompleteValues = (params: McpCompleteParams, token: vscode.CancellationToken) => Promise<McpCompleteResult>;

interface ValueItem extends vscode.QuickPickItem {
  value: string;
}

/**
 * One variable's value, typed or picked among the server's suggestions. The
 * typed text is always the first item, so Enter takes what the user typed
 * unless they chose a suggestion. Undefined when the user cancelled.
 */
function askValue(title: string, prompt: string, name: string, complete: ((value: string, token: vscode.CancellationToken) => Promise<McpCompleteResult>) | undefined): Promise<string | undefined> {
  return new Promise((resolve) => {
    const pick = vscode.window.createQuickPick<ValueItem>();
    pick.title = title;
    pick.placeholder = `${prompt} (${name})`;
    pick.ignoreFocusOut = true;
    let suggestions: string[] = [];
    let more = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let request: vscode.CancellationTokenSource | undefined;
    const render = () => {
      const typed = pick.value.trim();
      const items: ValueItem[] = [];
      // alwaysShow: the server already matched its suggestions to what was typed; VS Code must not hide them again.
      if (typed) items.push({ label: typed, value: typed, description: typed.length > MAX_VALUE ? `too long: at most ${MAX_VALUE} characters` : 'as typed', alwaysShow: true });
      for (const s of suggestions) if (s !== typed) items.push({ label: s, value: s, description: 'suggested by the server', alwaysShow: true });
      if (more) items.push({ label: 'type more to narrow the suggestions', value: '', kind: vscode.QuickPickItemKind.Separator });
      pick.items = items;
    };
    const ask = () => {
      if (!complete) return;
      request?.cancel();
      const source = new vscode.CancellationTokenSource();
      request = source;
      pick.busy = true;
      complete(pick.value.trim(), source.token).then(
        (result) => {
          if (request !== source) return;
          suggestions = result.values;
          more = result.hasMore;
          pick.busy = false;
          render();
        },
        // A server that cannot suggest (stopped, slow, refused) leaves the user typing, as without completions.
        () => {
          if (request === source) pick.busy = false;
        },
      );
    };
    pick.onDidChangeValue(() => {
      render();
      clearTimeout(timer);
      timer = setTimeout(ask, COMPLETE_DELAY_MS);
    });
    let accepted: string | undefined;
    pick.onDidAccept(() => {
      const value = (pick.selectedItems[0] ?? pick.activeItems[0])?.value ?? pick.value.trim();
      if (!value || value.length > MAX_VALUE) return;
      accepted = value;
      pick.hide();
    });
    pick.onDidHide(() => {
      clearTimeout(timer);
      request?.cancel();
      pick.dispose();
      resolve(accepted);
    });
    render();
    ask();
    pick.show();
  });
}

/**
 * Asks for the values of an MCP resource template's `{variables}` (one picker
 * each, naming the server and the template, with the server's suggestions
 * when it offers completions) and returns the resource mention with them
 * filled in, RFC 6570 level 1: each value is percent-encoded, so it stays one
 * value. Undefined when the user cancelled or the mention is not a template.
 */
export async function askTemplateValues(mention: string, complete?: CompleteValues): Promise<string | undefined> {
  const resource = parseResourceMention(mention);
  const variables = resource ? templateVariables(resource.uri) : undefined;
  if (!resource || !variables) return undefined;
  const values: Record<string, string> = {};
  for (const [i, name] of variables.entries()) {
    // A team server's template is asked through the team server (`team`), never of a developer's server of the same name.
    const suggest = complete
      ? (value: string, token: vscode.CancellationToken) =>
          complete({ server: resource.server, ...(resource.team ? { team: true } : {}), ref: { type: 'resourceTemplate', uriTemplate: resource.uri }, argument: { name, value }, ...(i > 0 ? { context: { ...values } } : {}) }, token)
      : undefined;
    const value = await askValue(
      `Hearth: attach a resource from the ${resource.team ? 'team server’s ' : ''}MCP server “${resource.server}” (${i + 1}/${variables.length})`,
      `The value of {${name}} in ${resource.uri}`,
      name,
      suggest,
    );
    if (value === undefined) return undefined;
    values[name] = value;
  }
  return resourceMention(resource.server, expandUriTemplate(resource.uri, values), resource.team);
}
