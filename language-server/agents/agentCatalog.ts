/**
 * The agents a message can go to: Hearth's built-in roles, the user's agent
 * files, then, in a trusted workspace, each folder's. People bring agent
 * files from other assistants, so Claude Code's and Copilot's folders are
 * read too, with the same parser, size cap and link checks:
 *
 *   user (every workspace)      ~/.hearth/agents/*.md, then ~/.claude/agents/*.md
 *   workspace (trusted only)    per folder, in workspace order:
 *                               .hearth/agents/*.md, .github/agents/*.agent.md, .claude/agents/*.md
 *
 * A name is taken by the first that has it, in that order (Hearth's own
 * folder first), except that the user's own file may replace a built-in
 * role: a repository cannot replace a role or the user's agent by shipping a
 * file with the same name, in whichever folder it puts it.
 *
 * The folders are read again on every look-up (a few small files), so an
 * edited or new agent file applies to the next message without a reload.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { BUILTIN_ROLES, type AgentSource, type AgentSummary, type SubagentAgent, type TurnAgent } from '../../protocol/agents';
import { MAX_AGENT_FILE_BYTES, parseAgentFile } from './agentFile';
import { BUILTIN_ROLE_DEFINITIONS } from './builtinRoles';
import { isInsideOrSame } from '../workspace/pathInside';
import { readCheckedText } from '../workspace/readCheckedText';

/** At most this many agent files are read from one folder. */
const MAX_AGENT_FILES = 100;

/** A folder of agent files, relative to the home folder or a workspace folder, and which files in it are agents. */
interface AgentFolder {
  /** Path segments under the home or workspace folder. */
  dir: string[];
  /** Copilot's folder holds other Markdown too; only `*.agent.md` files there are agents. */
  suffix: '.md' | '.agent.md';
}

/** The user's folders, in precedence order: Hearth's own, then Claude Code's. */
export const USER_AGENT_FOLDERS: readonly AgentFolder[] = [
  { dir: ['.hearth', 'agents'], suffix: '.md' },
  { dir: ['.claude', 'agents'], suffix: '.md' },
];

/** A workspace folder's, in precedence order: Hearth's own, Copilot's custom agents, Claude Code's sub-agents. */
export const WORKSPACE_AGENT_FOLDERS: readonly AgentFolder[] = [
  { dir: ['.hearth', 'agents'], suffix: '.md' },
  { dir: ['.github', 'agents'], suffix: '.agent.md' },
  { dir: ['.claude', 'agents'], suffix: '.md' },
];

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
  /** The user's home folder; its `.hearth/agents` and `.claude/agents` hold the user's agents. */
  home: string;
  /** The workspace folders open now; each trusted one may hold agent files. */
  roots(): readonly string[];
  workspaceTrusted(): boolean;
  log(message: string): void;
}

export function toTurnAgent(agent: CatalogAgent): TurnAgent {
  return { name: agent.name, instructions: agent.instructions, ...(agent.tools ? { tools: agent.tools } : {}), source: agent.source };
}

export function toSummary(agent: CatalogAgent): AgentSummary {
  return { name: agent.name, description: agent.description, source: agent.source, ...(agent.file ? { file: agent.file } : {}) };
}


/** Why a later file with a taken name is ignored, for the log. */
function takenBy(existing: CatalogAgent): string {
  return existing.source === 'builtin' ? "one of Hearth's roles" : `defined by ${existing.file ?? 'another agent file'}`;
}

export class AgentCatalog {
  constructor(private readonly deps: AgentCatalogDeps) {}

  async list(): Promise<CatalogAgent[]> {
    const byName = new Map<string, CatalogAgent>();
    for (const role of BUILTIN_ROLES) {
      const def = BUILTIN_ROLE_DEFINITIONS[role];
      byName.set(role, { name: role, description: def.description, instructions: def.instructions, ...(def.tools ? { tools: def.tools } : {}), keywords: [], source: 'builtin', notes: [] });
    }
    for (const folder of USER_AGENT_FOLDERS) {
      for (const agent of await this.readFolder(this.deps.home, folder, 'user')) {
        const existing = byName.get(agent.name);
        // The user's own file may replace a role; between the user's folders, the earlier (Hearth's) wins.
        if (existing && existing.source !== 'builtin') {
          this.deps.log(`Agent file ${agent.file} is ignored: @${agent.name} is already ${takenBy(existing)}.`);
          continue;
        }
        byName.set(agent.name, agent);
      }
    }
    if (this.deps.workspaceTrusted()) {
      for (const root of this.deps.roots()) {
        for (const folder of WORKSPACE_AGENT_FOLDERS) {
          for (const agent of await this.readFolder(root, folder, 'workspace')) {
            const existing = byName.get(agent.name);
            if (existing) {
              this.deps.log(`Agent file ${agent.file} is ignored: @${agent.name} is already ${takenBy(existing)}.`);
              continue;
            }
            byName.set(agent.name, agent);
          }
        }
      }
    }
    return [...byName.values()];
  }

  /**
   * The agents the model may start as sub-agents by name: the agent files
   * (the built-in roles are for the chat itself), each with the model its
   * sub-agents use, chosen by `modelOf` (agentOwnModel in chooseAgent.ts). A failure
   * to read them offers none rather than failing the turn.
   */
  async subagentAgents(modelOf: (agent: CatalogAgent) => Promise<{ model?: string; note?: string }>): Promise<SubagentAgent[]> {
    const agents = await this.list().catch((err: unknown) => {
      this.deps.log(`The agent files could not be read: ${err instanceof Error ? err.message : String(err)}.`);
      return [] as CatalogAgent[];
    });
    return Promise.all(
      agents
        .filter((a) => a.source !== 'builtin')
        .map(async (a) => {
          const { model, note } = await modelOf(a);
          return { ...toTurnAgent(a), description: a.description, ...(model ? { model } : {}), ...(note ? { modelNote: note } : {}) };
        }),
    );
  }

  async get(name: string): Promise<CatalogAgent | undefined> {
    return (await this.list()).find((a) => a.name === name);
  }

  /**
   * The agent files directly in one folder under `base` (the home folder or
   * a workspace folder). A missing folder has none; a file too large, not a
   * regular file, or (in a workspace) a link that leaves the workspace
   * folder is skipped with a note in the log, never an error. The user's own
   * folders may be links (dotfiles kept elsewhere); a repository's may not
   * point out of the repository, whether the file or the folder is the link.
   */
  private async readFolder(base: string, folder: AgentFolder, source: 'user' | 'workspace'): Promise<CatalogAgent[]> {
    const dir = path.join(base, ...folder.dir);
    let names: string[];
    let realRoot: string | undefined;
    try {
      names = (await fs.readdir(dir)).filter((n) => n.toLowerCase().endsWith(folder.suffix) && n.length > folder.suffix.length).sort();
      if (source === 'workspace') realRoot = await fs.realpath(base);
    } catch {
      return [];
    }
    const out: CatalogAgent[] = [];
    for (const fileName of names.slice(0, MAX_AGENT_FILES)) {
      const file = path.join(dir, fileName);
      const shown = source === 'workspace' ? [...folder.dir, fileName].join('/') : `~/${[...folder.dir, fileName].join('/')}`;
      try {
        const real = await fs.realpath(file);
        if (realRoot && !isInsideOrSame(realRoot, real)) {
          this.deps.log(`Agent file ${file} is ignored: it is a link to a file outside the workspace folder.`);
          continue;
        }
        // Read through a descriptor pinned to the checked path: a process in the workspace that swaps the file for a
        // link to a file outside after the check gets a refusal, not the outside file read as the agent's text.
        const text = await readCheckedText(real, { maxBytes: MAX_AGENT_FILE_BYTES, oneLink: source === 'workspace' });
        if (typeof text !== 'string') {
          this.deps.log(`Agent file ${file} is ignored: it ${text.problem}.`);
          continue;
        }
        const parsed = parseAgentFile(text, fileName);
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
