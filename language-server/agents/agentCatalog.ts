/**
 * The agents a message can go to: Hearth's built-in roles, the user's agent
 * files (`~/.hearth/agents/`), then, in a trusted workspace, each folder's
 * `.hearth/agents/`. Files are `*.md` or `*.agent.md`. A name is taken by the
 * first that has it, except that the user's own file may replace a built-in
 * role: a repository cannot replace a role or the user's agent by shipping a
 * file with the same name.
 *
 * The folders are read again on every look-up (a few small files), so an
 * edited or new agent file applies to the next message without a reload.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { BUILTIN_ROLES, type AgentSource, type AgentSummary, type TurnAgent } from '../../protocol/agents';
import { MAX_AGENT_FILE_BYTES, parseAgentFile } from './agentFile';
import { BUILTIN_ROLE_DEFINITIONS } from './builtinRoles';

/** At most this many agent files are read from one folder. */
const MAX_AGENT_FILES = 100;
export const WORKSPACE_AGENTS_DIR = path.join('.hearth', 'agents');

export interface CatalogAgent {
  name: string;
  description: string;
  instructions: string;
  tools?: string[];
  keywords: string[];
  model?: string;
  source: AgentSource;
  /** The file it came from: `~/.hearth/agents/x.md` for the user's, workspace-relative for the repository's. */
  file?: string;
  notes: string[];
}

export interface AgentCatalogDeps {
  userAgentsDir: string;
  roots: string[];
  workspaceTrusted(): boolean;
  log(message: string): void;
  /** How the user's folder is shown ("~/.hearth/agents"). */
  userDirLabel?: string;
}

export function toTurnAgent(agent: CatalogAgent): TurnAgent {
  return { name: agent.name, instructions: agent.instructions, ...(agent.tools ? { tools: agent.tools } : {}), source: agent.source };
}

export function toSummary(agent: CatalogAgent): AgentSummary {
  return { name: agent.name, description: agent.description, source: agent.source };
}

function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export class AgentCatalog {
  constructor(private readonly deps: AgentCatalogDeps) {}

  async list(): Promise<CatalogAgent[]> {
    const byName = new Map<string, CatalogAgent>();
    for (const role of BUILTIN_ROLES) {
      const def = BUILTIN_ROLE_DEFINITIONS[role];
      byName.set(role, { name: role, description: def.description, instructions: def.instructions, ...(def.tools ? { tools: def.tools } : {}), keywords: [], source: 'builtin', notes: [] });
    }
    for (const agent of await this.readFolder(this.deps.userAgentsDir, 'user')) {
      const existing = byName.get(agent.name);
      if (existing && existing.source !== 'builtin') continue;
      byName.set(agent.name, agent);
    }
    if (this.deps.workspaceTrusted()) {
      for (const root of this.deps.roots) {
        for (const agent of await this.readFolder(path.join(root, WORKSPACE_AGENTS_DIR), 'workspace', root)) {
          if (byName.has(agent.name)) {
            this.deps.log(`Agent file ${agent.file} is ignored: @${agent.name} is already ${byName.get(agent.name)!.source === 'builtin' ? "one of Hearth's roles" : 'defined'}.`);
            continue;
          }
          byName.set(agent.name, agent);
        }
      }
    }
    return [...byName.values()];
  }

  async get(name: string): Promise<CatalogAgent | undefined> {
    return (await this.list()).find((a) => a.name === name);
  }

  /**
   * The agent files directly in `dir`. A missing folder has none; a file too
   * large, not a regular file, or (in a workspace) a link that leaves the
   * folder is skipped with a note in the log, never an error.
   */
  private async readFolder(dir: string, source: 'user' | 'workspace', root?: string): Promise<CatalogAgent[]> {
    let names: string[];
    let realRoot: string | undefined;
    try {
      names = (await fs.readdir(dir)).filter((n) => n.toLowerCase().endsWith('.md')).sort();
      if (root) realRoot = await fs.realpath(root);
    } catch {
      return [];
    }
    const out: CatalogAgent[] = [];
    for (const fileName of names.slice(0, MAX_AGENT_FILES)) {
      const file = path.join(dir, fileName);
      const shown = root ? path.relative(root, file).split(path.sep).join('/') : `${this.deps.userDirLabel ?? dir}/${fileName}`;
      try {
        if (realRoot && !isInside(realRoot, await fs.realpath(file))) {
          this.deps.log(`Agent file ${file} is ignored: it is a link to a file outside the workspace folder.`);
          continue;
        }
        const stat = await fs.stat(file);
        if (!stat.isFile()) continue;
        if (stat.size > MAX_AGENT_FILE_BYTES) {
          this.deps.log(`Agent file ${file} is ignored: it is larger than ${MAX_AGENT_FILE_BYTES / 1024} KiB.`);
          continue;
        }
        const parsed = parseAgentFile(await fs.readFile(file, 'utf8'), fileName);
        if (!parsed) {
          this.deps.log(`Agent file ${file} is ignored: it has no usable name (letters, digits, "-" and "_").`);
          continue;
        }
        out.push({ ...parsed, source, file: shown });
      } catch (err) {
        this.deps.log(`Agent file ${file} could not be read: ${err instanceof Error ? err.message : String(err)}.`);
      }
    }
    return out;
  }
}
