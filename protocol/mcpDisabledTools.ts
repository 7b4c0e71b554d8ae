/**
 * `hearth.mcp.disabledTools`: the MCP servers and single tools the user
 * turned off. An entry is either a configured server's name (`github`: the
 * server is not started) or that name, a dot and the tool's own name on its
 * server (`github.create_issue`: only that tool is not offered). It is a
 * list of what is off, not of what is on, so a missing or unreadable value
 * turns nothing off and nothing here can turn a tool on that the
 * configuration did not already offer.
 *
 * The language server reads it (which servers run, which tools the model is
 * offered) and the extension writes it when the user flips a switch in
 * "Hearth: List MCP Servers"; both use these functions, so they agree on
 * what an entry means.
 */

/** The setting's entries: strings only, trimmed, without empty ones or repeats, in the order written. */
export function parseDisabledMcpTools(raw: unknown): string[] {
  if (!Array.isArray(raw)) return [];
  const entries = raw.filter((e): e is string => typeof e === 'string').map((e) => e.trim());
  return [...new Set(entries.filter((e) => e !== ''))];
}

/**
 * What the model reads when it calls a tool the user turned off: the same
 * words whether the language server refuses it (local mode) or the team
 * server does (remote mode, told the names in ChatStart.turned_off_tools).
 */
export function turnedOffToolRefusal(toolName: string): string {
  return `The user turned the tool ${toolName} off, so Hearth does not run it. Do not call it again: do the task with the tools you are offered, or tell the user which tool you would need.`;
}

/** Whether the user turned the whole server `server` (its configured name) off. */
export function isMcpServerOff(disabled: readonly string[], server: string): boolean {
  return disabled.includes(server);
}

/** Whether the tool `toolName` (its own name on its server) of `server` is off, by itself or with its server. */
export function isMcpToolOff(disabled: readonly string[], server: string, toolName: string): boolean {
  return isMcpServerOff(disabled, server) || disabled.includes(`${server}.${toolName}`);
}

/**
 * The list with `server` turned off or on. Its single tools' entries stay as
 * they are, so a server turned on again comes back with the tools the user
 * had chosen.
 */
export function withMcpServerOff(disabled: readonly string[], server: string, off: boolean): string[] {
  const rest = disabled.filter((e) => e !== server);
  return off ? [...rest, server] : rest;
}

/**
 * The list after the user chose which of `server`'s tools (`tools`, their
 * own names as the server lists them now) stay on: the others are turned off.
 * Entries for tools the server does not list now are kept, so a tool turned
 * off does not come back on because its server was briefly without it.
 */
export function withMcpToolsOn(disabled: readonly string[], server: string, tools: readonly string[], on: readonly string[]): string[] {
  const listed = new Set(tools.map((t) => `${server}.${t}`));
  const rest = disabled.filter((e) => !listed.has(e));
  return [...rest, ...tools.filter((t) => !on.includes(t)).map((t) => `${server}.${t}`)];
}

/**
 * The configured server, among `names`, whose name and `name` would share
 * entries of this list: `a` and `a.b`, where the entry `a.b` would mean both
 * the server `a.b` and the tool `b` of `a` (so turning the server `a.b` on
 * again would turn that tool back on, unasked). Undefined when there is none;
 * the language server does not run a server whose name clashes with one it
 * already runs.
 */
export function clashingServerName(name: string, names: Iterable<string>): string | undefined {
  for (const other of names) if (other !== name && (name.startsWith(`${other}.`) || other.startsWith(`${name}.`))) return other;
  return undefined;
}
