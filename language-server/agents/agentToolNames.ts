/**
 * Tool names from other assistants' agent files, as Hearth's tools. Claude's
 * sub-agent files (`tools: Read, Grep, Glob, Bash`) and Copilot's
 * `.agent.md` files (`tools: ['codebase', 'search', 'editFiles']`) name
 * tools their own way; where Hearth has a clear equivalent the name maps to
 * it, and anything else is left out with a note the chat shows. Mapping
 * only ever yields names: the agent core still intersects them with the
 * mode's tools, so no name here can add a tool.
 */
import { ToolName } from '../../protocol/tools';

const R = ToolName;
/** Keys are lowercase; a Copilot `set/tool` name is looked up whole, then by its last part. */
const EQUIVALENTS: Record<string, string[]> = {
  // Claude Code
  read: [R.ReadFile, R.ListDir, R.GetProblems],
  grep: [R.Grep],
  glob: [R.Glob],
  ls: [R.ListDir],
  edit: [R.EditFile, R.WriteFile],
  multiedit: [R.EditFile],
  write: [R.WriteFile],
  bash: [R.RunCommand],
  todowrite: ['update_todos'],
  task: ['run_subagents'],
  agent: ['run_subagents'],
  skill: [R.LoadSkill],
  // Copilot (VS Code tool sets and tools)
  codebase: [R.CodebaseSearch, R.FindSymbol],
  search: [R.Grep, R.Glob, R.ListDir, R.CodebaseSearch, R.FindSymbol],
  usages: [R.FindSymbol],
  problems: [R.GetProblems],
  editfiles: [R.EditFile, R.WriteFile],
  createfile: [R.WriteFile],
  readfile: [R.ReadFile],
  listdirectory: [R.ListDir],
  filesearch: [R.Glob],
  textsearch: [R.Grep],
  runcommands: [R.RunCommand],
  runinterminal: [R.RunCommand],
  execute: [R.RunCommand],
  terminal: [R.RunCommand],
  todos: ['update_todos'],
  todo: ['update_todos'],
  runsubagent: ['run_subagents'],
};

const HEARTH_NAMES = new Set<string>([...Object.values(ToolName), 'update_todos', 'run_subagents']);

export interface MappedTools {
  /** Hearth tool names (and `server.*` patterns), without duplicates. */
  tools: string[];
  /** The names that have no Hearth equivalent. */
  unknown: string[];
}

/** Maps an agent file's tool names to Hearth's. */
export function mapAgentTools(names: string[]): MappedTools {
  const tools = new Set<string>();
  const unknown: string[] = [];
  for (const raw of names) {
    const name = raw.trim();
    if (!name) continue;
    if (HEARTH_NAMES.has(name)) {
      tools.add(name);
      continue;
    }
    // An MCP server's tools: Copilot's `server/*`, or Hearth's own `server.*` / `server.tool`.
    const mcpAll = /^([A-Za-z0-9_-]+)[/.]\*$/.exec(name);
    if (mcpAll) {
      tools.add(`${mcpAll[1]}.*`);
      continue;
    }
    const lower = name.toLowerCase();
    const found = EQUIVALENTS[lower] ?? EQUIVALENTS[lower.split('/').pop() ?? ''];
    if (found) found.forEach((t) => tools.add(t));
    else if (/^[A-Za-z0-9_-]+\.[A-Za-z0-9_.-]+$/.test(name)) tools.add(name);
    else unknown.push(name);
  }
  return { tools: [...tools], unknown };
}
