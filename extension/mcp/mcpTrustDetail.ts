import { codePointLabel, revealHidden } from '../../protocol/hiddenCharacters';
import type { McpTrustParams } from '../../protocol/lspMethods';

/**
 * A value of the repository's entry on one line of the prompt: invisible and
 * direction-changing characters and line breaks shown as ⟨U+XXXX⟩, so no
 * value can look like another, fake a line of the prompt or push the rest
 * out of sight. `found.hidden` is set when there was one.
 */
function shown(text: string, found: { hidden: boolean }): string {
  const revealed = revealHidden(text);
  if (revealed.hidden) found.hidden = true;
  return revealed.text.replace(/[\n\t]/g, (c) => {
    found.hidden = true;
    return `⟨${codePointLabel(c)}⟩`;
  });
}

/** What each of the user's paths a header can carry tells the server. */
const PATH_WORDS: Record<McpTrustParams['headerPathReads'][number], string> = {
  userHome: "your home folder's path (with your user name)",
  workspaceFolder: "this workspace folder's path",
  workspaceFolderBasename: "this workspace folder's name",
};

/** The question of the prompt, naming the server as the repository did (made visible). */
export function mcpTrustMessage(params: McpTrustParams): string {
  const verb = params.transport === 'stdio' ? 'Start' : 'Connect to';
  return `${verb} the MCP server "${shown(params.name, { hidden: false })}" from this workspace${params.changed ? ' (changed)' : ''}?`;
}

/**
 * The body of the prompt that asks whether to start a workspace MCP server:
 * exactly what will run (program, arguments, working directory, or URL), the
 * names of the environment variables and headers it sets (never their
 * values), and the variables of the user's own environment whose values it
 * gets (`${env:NAME}` anywhere in the entry), and the user's paths its headers
 * carry (`${userHome}`). A repository's entry can send a
 * token of the user's to a site of its choosing in a header whose name says
 * nothing ("Authorization"); the user must see whose value that is before
 * agreeing.
 */
export function mcpTrustDetail(params: McpTrustParams): string {
  const found = { hidden: false };
  shown(params.name, found);
  const list = (names: readonly string[]) => names.map((n) => shown(n, found)).join(', ');
  const lines: string[] = [];
  if (params.transport === 'stdio') {
    lines.push(`Command: ${shown(params.commandLine ?? params.command ?? '', found)}`);
    if (params.cwd) lines.push(`Working directory: ${shown(params.cwd, found)}`);
  } else {
    lines.push(`URL: ${shown(params.url ?? '', found)}`);
  }
  if (params.envNames.length > 0) lines.push(`Environment variables it sets: ${list(params.envNames)}`);
  if (params.headerNames.length > 0) lines.push(`HTTP headers it sends: ${list(params.headerNames)}`);
  if (params.envReads.length > 0) {
    const names = list(params.envReads);
    lines.push(params.transport === 'http' ? `It sends the server the values of your environment variables: ${names}` : `It gives the program the values of your environment variables: ${names}`);
  }
  if (params.transport === 'http' && params.headerPathReads.length > 0) {
    lines.push(`Its headers send the server ${params.headerPathReads.map((p) => PATH_WORDS[p]).join(', ')}`);
  }
  lines.push(`Declared in: ${shown(params.configPath, found)}`);
  if (found.hidden) lines.push('', 'This entry contains invisible, direction-changing or line-break characters, shown as ⟨U+…⟩. Read it carefully: it may not be what it seems.');
  if (params.changed) lines.push('', 'This entry changed since you last trusted it.');
  lines.push('', 'An MCP server runs with your permissions and its tools are offered to the agent. Start it only if you trust this workspace\'s configuration.');
  return lines.join('\n');
}
