import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { readSmallFile } from '../workspace/readSmallFile';
import { parseJsonc } from './parseJsonc';
import { parseMcpServers, type McpConfigProblem, type ParsedMcpServer } from './parseMcpServers';

/** Far more than any real server list. */
const MAX_MCP_JSON_BYTES = 1024 * 1024;

export interface WorkspaceMcpConfig {
  servers: ParsedMcpServer[];
  problems: McpConfigProblem[];
  /** Whole-file problems (unreadable, not JSON), each naming the file. */
  fileProblems: string[];
}

/** Where a workspace folder declares its MCP servers, as in VS Code. */
export function mcpJsonPath(root: string): string {
  return path.join(root, '.vscode', 'mcp.json');
}

/**
 * Reads `.vscode/mcp.json` of every workspace folder. VS Code's `inputs` key
 * is ignored (its prompts exist only in VS Code), and the Claude/Cursor
 * spelling `mcpServers` is accepted when `servers` is absent. `${workspaceFolder}`
 * is the folder that holds the file, and servers run there by default.
 */
export async function readWorkspaceMcpConfig(roots: readonly string[], env: NodeJS.ProcessEnv): Promise<WorkspaceMcpConfig> {
  const result: WorkspaceMcpConfig = { servers: [], problems: [], fileProblems: [] };
  for (const root of roots) {
    const file = mcpJsonPath(root);
    let text: string;
    try {
      // A repository controls this file, in any workspace: a link to /dev/zero or a huge file is refused, not read.
      text = await readSmallFile(file, { maxBytes: MAX_MCP_JSON_BYTES, followLinks: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') result.fileProblems.push(`${file} could not be read (${code ?? (err as Error).message}); its servers were not started.`);
      continue;
    }
    let parsed: unknown;
    try {
      parsed = parseJsonc(text);
    } catch (err) {
      result.fileProblems.push(`${file} is not valid JSON (${(err as Error).message}); its servers were not started.`);
      continue;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      result.fileProblems.push(`${file} must contain a JSON object with a "servers" object.`);
      continue;
    }
    const doc = parsed as Record<string, unknown>;
    const servers = doc.servers ?? doc.mcpServers;
    const { servers: ok, problems } = parseMcpServers(servers, { source: 'workspace', configPath: file, workspaceFolder: root, env, defaultCwd: root });
    result.servers.push(...ok);
    result.problems.push(...problems);
  }
  return result;
}

/**
 * A cheap fingerprint of the folders and their mcp.json files (size and
 * modification time), so a poll can tell whether one changed without reading it.
 */
export async function mcpJsonSignature(roots: readonly string[]): Promise<string> {
  const parts = await Promise.all(
    roots.map(async (root) => {
      try {
        const stat = await fs.stat(mcpJsonPath(root));
        return `${root}:${stat.size}:${stat.mtimeMs}`;
      } catch {
        // The folder is named too: a folder added or removed changes the fingerprint even without an mcp.json.
        return `${root}:-`;
      }
    }),
  );
  return parts.join('|');
}
