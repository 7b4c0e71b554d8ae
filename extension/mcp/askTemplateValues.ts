import * as vscode from 'vscode';
import { parseResourceMention, resourceMention } from '../../protocol/chat';
import { expandUriTemplate, templateVariables } from '../../protocol/uriTemplate';

/** The longest value one template variable takes. */
const MAX_VALUE = 1_000;

/**
 * Asks for the values of an MCP resource template's `{variables}` (one input
 * box each, naming the server and the template) and returns the resource
 * mention with them filled in, RFC 6570 level 1: each value is
 * percent-encoded, so it stays one value. Undefined when the user cancelled
 * or the mention is not a template.
 */
export async function askTemplateValues(mention: string): Promise<string | undefined> {
  const resource = parseResourceMention(mention);
  const variables = resource ? templateVariables(resource.uri) : undefined;
  if (!resource || !variables) return undefined;
  const values: Record<string, string> = {};
  for (const [i, name] of variables.entries()) {
    const value = await vscode.window.showInputBox({
      title: `Hearth: attach a resource from the ${resource.team ? 'team server’s ' : ''}MCP server “${resource.server}” (${i + 1}/${variables.length})`,
      prompt: `The value of {${name}} in ${resource.uri}`,
      placeHolder: name,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() === '' ? `Enter a value for {${name}}.` : v.length > MAX_VALUE ? `At most ${MAX_VALUE} characters.` : undefined),
    });
    if (value === undefined) return undefined;
    values[name] = value.trim();
  }
  return resourceMention(resource.server, expandUriTemplate(resource.uri, values), resource.team);
}
