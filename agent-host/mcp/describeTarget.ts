import type { McpServerConfig } from './mcpTypes';

/** An argument as a reader would type it: quoted only when it has spaces, quotes or shell characters. */
function displayArgument(arg: string): string {
  return arg !== '' && /^[\w@%+=:,./-]+$/.test(arg) ? arg : JSON.stringify(arg);
}

/** The command line of a stdio server, for display only (it is never run through a shell). */
export function displayCommandLine(command: string, args: readonly string[] = []): string {
  return [command, ...args].map(displayArgument).join(' ');
}

/**
 * A URL without its credentials and query, which is where API keys tend to
 * sit; the query is shown as `?…` so the user knows there was one.
 */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}${parsed.search ? '?…' : ''}`;
  } catch {
    return url.replace(/[?#].*$/, '?…');
  }
}

/** What a server runs or talks to, safe to show and log: never environment values or headers. */
export function describeTarget(config: McpServerConfig): string {
  return config.type === 'http' ? displayUrl(config.url) : displayCommandLine(config.command, config.args);
}
