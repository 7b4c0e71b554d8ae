import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { canonicalJson, describeTarget } from '../../agent-host';
import type { McpHttpTransport, McpServerConfig, McpServerSource } from '../../protocol/lspMethods';
import { substituteVariables, type LocalPathVariable, type SubstitutionContext } from './substituteVariables';

/** One valid server entry, with variables substituted. */
export interface ParsedMcpServer {
  name: string;
  source: McpServerSource;
  /** The mcp.json that declares a workspace server. */
  configPath?: string;
  /** Final: what is spawned or requested. */
  config: McpServerConfig;
  /**
   * sha256 of the entry as written (before substitution). A workspace server
   * is trusted for this exact entry: a changed command, argument, env entry
   * or URL needs the user's trust again.
   */
  configHash: string;
  envNames: string[];
  headerNames: string[];
  /**
   * The variables of the user's environment the entry reads (`${env:NAME}`
   * anywhere in it): their values go to the server, so the trust prompt names them.
   */
  envReads: string[];
  /**
   * http: the user's own paths its headers carry (`${userHome}`,
   * `${workspaceFolder}`, …), which the trust prompt names since it shows
   * header names only; the URL is shown as it will be requested.
   */
  headerPathReads: LocalPathVariable[];
  /** Non-fatal notes for the log (for example `${env:X}` not set). */
  warnings: string[];
}

/** An entry Hearth cannot run, with what to fix. */
export interface McpConfigProblem {
  name: string;
  source: McpServerSource;
  configPath?: string;
  transport: 'stdio' | 'http';
  target: string;
  message: string;
}

export interface ParseContext extends SubstitutionContext {
  source: McpServerSource;
  configPath?: string;
  /** The working directory of stdio servers without `cwd`, and the base of a relative one. */
  defaultCwd: string;
}

export interface ParsedMcpServers {
  servers: ParsedMcpServer[];
  problems: McpConfigProblem[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The hash a workspace server's trust is tied to: its name and its entry exactly as written. */
export function serverConfigHash(name: string, entry: unknown): string {
  return createHash('sha256').update(canonicalJson({ name, entry })).digest('hex');
}

/** A string-valued map (env, headers). Numbers and booleans are accepted as VS Code does; null removes nothing and is skipped. */
function stringMap(value: unknown, field: string, errors: string[]): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) {
    errors.push(`"${field}" must be an object of strings.`);
    return {};
  }
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[key] = String(v);
    else errors.push(`"${field}.${key}" must be a string.`);
  }
  return out;
}

/**
 * Reads the `servers` object of .vscode/mcp.json or `hearth.mcp.servers`:
 * `{ name: { type?: "stdio", command, args?, env?, cwd? } | { type: "http" | "sse", url, headers?, transport? } }`.
 * Every entry is checked: a bad one becomes a problem the user sees in the
 * server list, with what to fix, and never stops the others.
 */
export function parseMcpServers(raw: unknown, ctx: ParseContext): ParsedMcpServers {
  const servers: ParsedMcpServer[] = [];
  const problems: McpConfigProblem[] = [];
  if (raw === undefined || raw === null) return { servers, problems };
  const where = ctx.source === 'workspace' ? (ctx.configPath ?? '.vscode/mcp.json') : 'the hearth.mcp.servers setting';
  if (!isRecord(raw)) {
    problems.push({ name: '(servers)', source: ctx.source, configPath: ctx.configPath, transport: 'stdio', target: '', message: `"servers" in ${where} must be an object mapping names to servers.` });
    return { servers, problems };
  }
  for (const [name, entry] of Object.entries(raw)) {
    const result = parseEntry(name, entry, ctx);
    if ('message' in result) problems.push({ ...result, message: `${result.message} (in ${where})` });
    else servers.push(result);
  }
  return { servers, problems };
}

/**
 * The transport an http entry asks for: `"transport": "sse" | "streamable-http"`
 * beside its url, or VS Code's `"type": "sse"`; none means "probe".
 */
function httpTransport(type: unknown, value: unknown, errors: string[]): McpHttpTransport | undefined {
  if (value !== undefined && value !== 'sse' && value !== 'streamable-http') {
    errors.push(`"transport" must be "streamable-http" or "sse" (or left out, so Hearth tries Streamable HTTP, then SSE).`);
    return undefined;
  }
  if (type === 'sse' && value === 'streamable-http') {
    errors.push(`"type": "sse" contradicts "transport": "streamable-http"; keep one.`);
    return undefined;
  }
  return type === 'sse' ? 'sse' : value;
}

function parseEntry(name: string, entry: unknown, ctx: ParseContext): ParsedMcpServer | McpConfigProblem {
  const problem = (message: string, transport: 'stdio' | 'http' = 'stdio', target = ''): McpConfigProblem => ({ name, source: ctx.source, configPath: ctx.configPath, transport, target, message });
  if (name.trim() === '') return problem('A server needs a non-empty name.');
  if (!isRecord(entry)) return problem(`The server "${name}" must be an object.`);
  const type = entry.type ?? (typeof entry.url === 'string' && entry.command === undefined ? 'http' : 'stdio');
  const errors: string[] = [];
  const warnings: string[] = [];
  const envReads = new Set<string>();
  const sub = (value: string, field: string, pathReads?: Set<LocalPathVariable>): string => {
    const r = substituteVariables(value, ctx);
    for (const v of r.envReads) envReads.add(v);
    for (const p of r.pathReads) pathReads?.add(p);
    for (const p of r.problems) errors.push(`"${field}": ${p}`);
    for (const v of r.unsetEnv) warnings.push(`"${field}" uses \${env:${v}}, which is not set; it is empty.`);
    return r.value;
  };
  const configHash = serverConfigHash(name, entry);

  if (type === 'http' || type === 'sse') {
    if (typeof entry.url !== 'string' || entry.url.trim() === '') return problem(`The server "${name}" needs a "url".`, 'http');
    const url = sub(entry.url.trim(), 'url');
    const rawHeaders = stringMap(entry.headers, 'headers', errors);
    const headerPathReads = new Set<LocalPathVariable>();
    const headers = Object.fromEntries(Object.entries(rawHeaders).map(([k, v]) => [k, sub(v, `headers.${k}`, headerPathReads)]));
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      errors.push(`"url" is not a valid URL.`);
    }
    if (parsed && parsed.protocol !== 'http:' && parsed.protocol !== 'https:') errors.push('"url" must start with http:// or https://.');
    const transport = httpTransport(type, entry.transport, errors);
    const config: McpServerConfig = { type: 'http', url, headers, ...(transport ? { transport } : {}) };
    if (errors.length > 0) return problem(`The server "${name}" cannot start: ${errors.join(' ')}`, 'http', describeTarget(config));
    return { name, source: ctx.source, configPath: ctx.configPath, config, configHash, envNames: [], headerNames: Object.keys(headers), envReads: [...envReads], headerPathReads: [...headerPathReads], warnings };
  }
  if (type !== 'stdio') return problem(`The server "${name}" has an unknown "type" ${JSON.stringify(type)}; use "stdio", "http" or "sse".`);

  if (typeof entry.command !== 'string' || entry.command.trim() === '') return problem(`The server "${name}" needs a "command" (the program to run).`);
  const command = sub(entry.command.trim(), 'command');
  let args: string[] = [];
  if (entry.args !== undefined) {
    if (!Array.isArray(entry.args) || !entry.args.every((a) => typeof a === 'string' || typeof a === 'number')) errors.push('"args" must be a list of strings.');
    else args = entry.args.map((a, i) => sub(String(a), `args[${i}]`));
  }
  const rawEnv = stringMap(entry.env, 'env', errors);
  const env = Object.fromEntries(Object.entries(rawEnv).map(([k, v]) => [k, sub(v, `env.${k}`)]));
  let cwd = ctx.defaultCwd;
  if (entry.cwd !== undefined) {
    if (typeof entry.cwd !== 'string') errors.push('"cwd" must be a string.');
    else cwd = path.resolve(ctx.defaultCwd, sub(entry.cwd, 'cwd'));
  }
  const config: McpServerConfig = { type: 'stdio', command, args, env, cwd };
  if (errors.length > 0) return problem(`The server "${name}" cannot start: ${errors.join(' ')}`, 'stdio', describeTarget(config));
  return { name, source: ctx.source, configPath: ctx.configPath, config, configHash, envNames: Object.keys(env), headerNames: [], envReads: [...envReads], headerPathReads: [], warnings };
}
