import type { McpHttpTransport, McpServerSpec } from '../../mcp/mcpTypes';
import { unreadKeys } from './unknownConfigKeys';

/** Every key this reader reads of an entry of `mcp.servers`, by its type; any other is warned of as unread. */
const HTTP_KEYS = ['type', 'url', 'headers', 'transport'];
const STDIO_KEYS = ['type', 'command', 'args', 'env', 'cwd'];

function isStringRecord(v: unknown): v is Record<string, string> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
}

function isHttpTransport(v: unknown): v is McpHttpTransport {
  return v === 'sse' || v === 'streamable-http';
}

/**
 * The admin's MCP servers from config.yaml, in the shape developers already
 * use in .vscode/mcp.json:
 *   mcp:
 *     servers:
 *       docs: { type: stdio, command: /usr/bin/docs-mcp, args: [--index, /srv/docs] }
 *       search: { type: http, url: https://search.internal/mcp, headers: { Authorization: "Bearer ${SEARCH_TOKEN}" } }
 *       legacy: { type: http, url: https://old.internal/sse, transport: sse }
 * Each bad entry is reported with its name; none is dropped silently. A key
 * this reader does not read (`mcp.server`, `headers` on a stdio server, a
 * misspelt field) goes to `warnings`.
 */
export function readMcpServers(value: unknown, problems: string[], warnings: string[] = []): McpServerSpec[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'object' && !Array.isArray(value)) warnings.push(...unreadKeys('mcp.', value as Record<string, unknown>, ['servers']));
  const servers = (value as { servers?: unknown }).servers;
  if (servers === undefined || servers === null) return [];
  if (typeof servers !== 'object' || Array.isArray(servers)) {
    problems.push('mcp.servers: must be a map of server name to { type, command, args, env } or { type: http, url, headers, transport }');
    return [];
  }
  const specs: McpServerSpec[] = [];
  for (const [name, raw] of Object.entries(servers as Record<string, unknown>)) {
    const e = (raw ?? {}) as Record<string, unknown>;
    const where = `mcp.servers.${name}`;
    if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) warnings.push(...unreadKeys(`${where}.`, e, e.type === 'http' || e.type === 'sse' ? HTTP_KEYS : STDIO_KEYS));
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(name)) {
      problems.push(`${where}: the name must be 1–32 letters, digits, - or _ (it prefixes the tool names)`);
      continue;
    }
    if (e.type === 'http' || e.type === 'sse') {
      // `type: sse` (VS Code's spelling) or `transport: sse` pins the older HTTP+SSE transport; without either the connection probes.
      const transport = e.type === 'sse' ? 'sse' : e.transport;
      if (typeof e.url !== 'string' || !/^https?:\/\//.test(e.url)) problems.push(`${where}.url: must be an http(s) URL`);
      else if (e.headers !== undefined && !isStringRecord(e.headers)) problems.push(`${where}.headers: must map names to strings`);
      else if (transport !== undefined && !isHttpTransport(transport)) problems.push(`${where}.transport: must be streamable-http or sse`);
      else if (e.type === 'sse' && e.transport !== undefined && e.transport !== 'sse') problems.push(`${where}.transport: type sse contradicts transport ${String(e.transport)}`);
      else specs.push({ name, config: { type: 'http', url: e.url, ...(e.headers ? { headers: e.headers } : {}), ...(isHttpTransport(transport) ? { transport } : {}) } });
      continue;
    }
    if (e.type !== undefined && e.type !== 'stdio') {
      problems.push(`${where}.type: "${String(e.type)}" must be stdio, http or sse`);
      continue;
    }
    if (typeof e.command !== 'string' || e.command.trim() === '') problems.push(`${where}.command: required for a stdio server`);
    else if (e.args !== undefined && !(Array.isArray(e.args) && e.args.every((a) => typeof a === 'string'))) problems.push(`${where}.args: must be a list of strings`);
    else if (e.env !== undefined && !isStringRecord(e.env)) problems.push(`${where}.env: must map names to strings`);
    else if (e.cwd !== undefined && typeof e.cwd !== 'string') problems.push(`${where}.cwd: must be a path`);
    else
      specs.push({
        name,
        config: { type: 'stdio', command: e.command, ...(e.args ? { args: e.args as string[] } : {}), ...(e.env ? { env: e.env } : {}), ...(typeof e.cwd === 'string' ? { cwd: e.cwd } : {}) },
      });
  }
  return specs;
}
