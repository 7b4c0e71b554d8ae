/**
 * Slash commands, decided in one place: which commands exist (the built-ins,
 * the user's and the workspace's prompt files, the MCP servers' prompts) and
 * what each one becomes. The webview sends only the command's name and the
 * text after it; the message the user typed is stored and shown as typed,
 * and the expansion built here is what the model reads.
 *
 * Prompt files and MCP prompts are someone else's text: they become the
 * user message's text (and attached data) and nothing else. They cannot
 * choose a model, a mode, tools or approvals, and a workspace's prompt files
 * are read only in a trusted workspace.
 */
import * as path from 'node:path';
import { HearthException, type McpPrompt, type McpPromptContent } from '../../agent-host';
import { MAX_COMPACT_FOCUS_CHARS } from '../../protocol/chat';
import { resourceMention, type ContextItem } from '../../protocol/chat';
import type { ChatCommandParams, ChatCommandResult, ChatSendParams, ChatTurnStarted } from '../../protocol/lspMethods';
import { MCP_PROMPT_PREFIX, TEAM_PROMPT_PREFIX, type SlashCommandInfo } from '../../protocol/slashCommands';
import { BUILTIN_COMMANDS, COMPACT_COMMAND, COMPACT_EXPANSION, expandCodeCommand, isBuiltinCommand, isCode, NEW_CHAT_COMMAND } from './builtinCommands';
import { bindMcpPromptArguments, mcpPromptArgumentHint, mcpPromptCommandName } from './mcpPromptCommand';
import { readPromptFiles, type PromptFileCommand } from './promptFiles';
import type { DisabledFileMatcher } from '../completion/disabledFileMatcher';
import { substituteArguments } from './substituteArguments';
import type { Skill } from '../skills/skillCatalog';
import { skillForModel } from '../skills/skillText';

/** Where MCP prompts come from: the developer's own servers, or the team server's. */
export interface McpPromptSource {
  listPrompts(): Promise<McpPrompt[]>;
  getPrompt(server: string, name: string, args: Record<string, string>, maxChars: number): Promise<McpPromptContent>;
}

export interface SlashCommandServiceDeps {
  /** Absolute paths of the workspace folders open now; each may hold `.hearth/prompts/`. */
  roots(): readonly string[];
  /** The user's own prompt files, e.g. `~/.hearth/prompts`. */
  userPromptsDir: string;
  /** VS Code Workspace Trust, read whenever it matters: an untrusted workspace's prompt files are not read. */
  workspaceTrusted(): boolean;
  /** The user's secrets files (`hearth.completion.disabledFiles`): a workspace's prompt file may not be a link to one. */
  secretsFiles?(): Promise<DisabledFileMatcher>;
  mcp: McpPromptSource;
  /** The team server's MCP servers (remote mode): their prompts are `/team.<server>.<prompt>`. */
  teamMcp?: McpPromptSource;
  /** The Agent Skills, each also a command (`/release-notes …`); none while skills are turned off. */
  skills?(): Promise<readonly Skill[]>;
  /** The files beside a skill's instructions, listed for the model with them. */
  skillFiles?(skill: Skill): Promise<string[]>;
  /** Starts the turn (ChatService.send): the typed text is stored, the expansion goes to the model. */
  send(params: ChatSendParams, expansion: string, options?: { compact?: boolean; compactFocus?: string }): Promise<ChatTurnStarted>;
  log(message: string): void;
}

/** Where a workspace keeps its prompt files, relative to each folder. */
/** The built-in code commands that run as a role. */
const SLASH_ROLES: Record<string, string | undefined> = { fix: 'coder', tests: 'tester', doc: 'documenter' };

export const WORKSPACE_PROMPTS_DIR = path.join('.hearth', 'prompts');
/** The most an MCP prompt may put into one message. */
const MAX_MCP_PROMPT_CHARS = 100_000;
/** The completion list is short; the query narrows it. */
const MAX_LISTED = 50;

function invalid(message: string): HearthException {
  return new HearthException({ code: 'invalidRequest', message, retryable: false });
}

/** What the composer needs to ask a server for an argument's suggestions (hearth/mcp/complete). */
function promptRef(p: McpPrompt): NonNullable<SlashCommandInfo['prompt']> {
  return { name: p.name, arguments: p.arguments.map((a) => a.name) };
}

/** What `/<skill> task` sends: the skill loaded already (as load_skill would give it), and the task. */
function skillRequest(skill: Skill, files: readonly string[], task: string): string {
  const what = task.trim() ? `The task: ${task.trim()}` : 'Do what the skill describes.';
  return `Use the skill "${skill.name}" for this.\n\n${skillForModel(skill, files)}\n\n${what}`;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class SlashCommandService {
  constructor(private readonly deps: SlashCommandServiceDeps) {}

  /** The commands whose name starts with `query`, then those that contain it; built-ins first, then prompt files, then MCP prompts. */
  async list(query: string): Promise<{ commands: SlashCommandInfo[] }> {
    const [files, skills, prompts, teamPrompts] = await Promise.all([
      this.promptFiles(),
      this.skillCommands(),
      this.deps.mcp.listPrompts().catch(() => [] as McpPrompt[]),
      this.deps.teamMcp?.listPrompts().catch(() => [] as McpPrompt[]) ?? [],
    ]);
    const all: SlashCommandInfo[] = [
      ...BUILTIN_COMMANDS,
      ...files.map((f): SlashCommandInfo => ({
        name: f.name,
        description: f.description ?? `Prompt file ${f.source === 'workspace' ? 'of this workspace' : 'of yours'}`,
        ...(f.argumentHint ? { argumentHint: f.argumentHint } : {}),
        source: f.source,
      })),
      ...skills.map((s): SlashCommandInfo => ({
        name: s.name,
        description: s.source === 'workspace' ? `${s.description} (from this repository)` : s.description,
        argumentHint: '[task]',
        source: 'skill',
      })),
      ...prompts.map((p): SlashCommandInfo => {
        const hint = mcpPromptArgumentHint(p);
        return {
          name: mcpPromptCommandName(p),
          description: p.description || p.title || `Prompt of the MCP server "${p.server}"`,
          ...(hint ? { argumentHint: hint } : {}),
          source: 'mcp',
          server: p.server,
          prompt: promptRef(p),
        };
      }),
      ...teamPrompts.map((p): SlashCommandInfo => {
        const hint = mcpPromptArgumentHint(p);
        return {
          name: mcpPromptCommandName(p, TEAM_PROMPT_PREFIX),
          description: p.description || p.title || `Prompt of the team server's MCP server "${p.server}"`,
          ...(hint ? { argumentHint: hint } : {}),
          source: 'mcp',
          server: p.server,
          team: true,
          prompt: promptRef(p),
        };
      }),
    ];
    const q = query.toLowerCase();
    const starts = all.filter((c) => c.name.toLowerCase().startsWith(q));
    const contains = q ? all.filter((c) => !c.name.toLowerCase().startsWith(q) && c.name.toLowerCase().includes(q)) : [];
    return { commands: [...starts, ...contains].slice(0, MAX_LISTED) };
  }

  /** Runs a command: a new chat, or a turn whose model message is the command's expansion. Bad input throws `invalidRequest` before anything is stored. */
  async run(params: ChatCommandParams): Promise<ChatCommandResult> {
    const { name, args } = params.command ?? {};
    if (typeof name !== 'string' || typeof args !== 'string' || !Array.isArray(params.input?.context)) throw invalid('A slash command needs a name, its argument text and the message\'s context.');
    const context = params.input.context;
    // Attached images go with the command's message like its context (ChatService checks them).
    const images = params.input.images?.length ? { images: params.input.images } : {};
    // The chat's mode goes with the command as with any message: a command that starts a chat would
    // otherwise start it in Agent mode, with every tool, while the header says Ask or Plan.
    const chat = { mode: params.mode, rememberedModel: params.rememberedModel, activeFile: params.activeFile };
    if (name === NEW_CHAT_COMMAND) {
      if (!args) return { newChat: true };
      // The text after /new is an ordinary first message of the new chat (whose rules files are all on).
      const input = { text: args, context, ...images };
      const started = await this.deps.send({ input, model: params.model, ...chat }, args);
      return { newChat: true, started, input };
    }
    if (name === COMPACT_COMMAND) {
      // The text after /compact says what the summary keeps in full detail (as in Claude Code).
      const focus = args.trim();
      if (focus.length > MAX_COMPACT_FOCUS_CHARS) throw invalid(`What /compact should focus on is ${focus.length} characters long; say it in at most ${MAX_COMPACT_FOCUS_CHARS}.`);
      if (!params.sessionId) throw invalid('There is nothing to compact yet: /compact summarises the earlier messages of a chat.');
      const input = { text: params.input.text, context, ...images };
      return { started: await this.deps.send({ sessionId: params.sessionId, input, model: params.model, ...chat, disabledRules: params.disabledRules }, COMPACT_EXPANSION, { compact: true, ...(focus ? { compactFocus: focus } : {}) }), input };
    }
    const prepared = await this.expand(name, args, context, params.editorContext);
    const input = { text: params.input.text, context: prepared.context, ...images };
    // Hearth's code commands run as their role, like the editor actions: /fix as the coder, /tests as the tester, /doc as the documenter.
    const role = SLASH_ROLES[name];
    const started = await this.deps.send(
      { sessionId: params.sessionId, input, model: params.model, ...chat, disabledRules: params.disabledRules, ...(role ? { agent: { name: role, by: `/${name}` } } : {}) },
      prepared.expansion,
    );
    return { started, input };
  }

  private async expand(name: string, args: string, context: ContextItem[], editorContext: ContextItem | undefined): Promise<{ expansion: string; context: ContextItem[] }> {
    const builtin = expandCodeCommand(name, args);
    if (builtin !== undefined) {
      if (context.some(isCode)) return { expansion: builtin, context };
      if (!editorContext) throw invalid(`/${name} works on code: select some code or open a file in the editor (or attach one with @), then send it again.`);
      return { expansion: builtin, context: [...context, editorContext] };
    }
    if (name.startsWith(MCP_PROMPT_PREFIX)) return this.expandMcpPrompt(name, args, context, this.deps.mcp, MCP_PROMPT_PREFIX);
    if (name.startsWith(TEAM_PROMPT_PREFIX) && this.deps.teamMcp) return this.expandMcpPrompt(name, args, context, this.deps.teamMcp, TEAM_PROMPT_PREFIX);
    const file = (await this.promptFiles()).find((f) => f.name === name);
    const skill = file ? undefined : (await this.skillCommands()).find((s) => s.name === name);
    if (skill) return { expansion: skillRequest(skill, await this.deps.skillFiles?.(skill).catch(() => []) ?? [], args), context };
    if (!file) throw invalid(`There is no slash command /${name}. Type / in the chat to see the commands; to send a message that starts with "/", begin it with a space.`);
    if (!file.body) throw invalid(`The prompt file ${file.file} is empty, so /${name} has nothing to send.`);
    return { expansion: substituteArguments(file.body, args), context };
  }

  private async expandMcpPrompt(name: string, args: string, context: ContextItem[], source: McpPromptSource, prefix: string): Promise<{ expansion: string; context: ContextItem[] }> {
    const team = prefix === TEAM_PROMPT_PREFIX;
    const prompt = (await source.listPrompts()).find((p) => mcpPromptCommandName(p, prefix) === name);
    if (!prompt) {
      throw invalid(
        team
          ? `There is no team server prompt /${name}. Hearth may not be connected to the team server, or its MCP server is not running; type / to see the prompts there are.`
          : `There is no MCP prompt /${name}. Its server may not be running: run "Hearth: List MCP Servers" to check, or type / to see the prompts there are.`,
      );
    }
    let values: Record<string, string>;
    try {
      values = bindMcpPromptArguments(prompt, args, prefix);
    } catch (err) {
      throw invalid(messageOf(err));
    }
    let content: McpPromptContent;
    try {
      content = await source.getPrompt(prompt.server, prompt.name, values, MAX_MCP_PROMPT_CHARS);
    } catch (err) {
      throw invalid(`The ${team ? 'team server\'s ' : ''}MCP server "${prompt.server}" could not give the prompt ${prompt.name}: ${messageOf(err)}`);
    }
    if (!content.text.trim() && content.resources.length === 0) throw invalid(`The MCP server "${prompt.server}" returned an empty prompt for ${prompt.name}.`);
    // Embedded resources are data attached to the message, exactly like a resource attached with @.
    // A team prompt's resources are marked as the team server's, so nothing ever reads them from a developer's server.
    const resources = content.resources.map((r): ContextItem => ({ kind: 'mention', path: resourceMention(prompt.server, r.uri, team), text: r.text }));
    return { expansion: content.text || `Prompt ${prompt.name} of the MCP server "${prompt.server}":`, context: [...context, ...resources] };
  }

  /** The skills that are commands: those whose name no built-in or prompt file already has. */
  private async skillCommands(): Promise<readonly Skill[]> {
    const skills = (await this.deps.skills?.().catch(() => [])) ?? [];
    if (skills.length === 0) return [];
    const files = new Set((await this.promptFiles()).map((f) => f.name));
    return skills.filter((s) => !isBuiltinCommand(s.name) && !files.has(s.name));
  }

  /**
   * The user's prompt files, then each trusted workspace folder's. A name is
   * taken by the first that has it: a repository cannot replace a built-in
   * or the user's own command by shipping a file with the same name.
   */
  private async promptFiles(): Promise<PromptFileCommand[]> {
    const dirs: { dir: string; source: 'user' | 'workspace'; root?: string }[] = [{ dir: this.deps.userPromptsDir, source: 'user' }];
    if (this.deps.workspaceTrusted()) for (const root of this.deps.roots()) dirs.push({ dir: path.join(root, WORKSPACE_PROMPTS_DIR), source: 'workspace', root });
    const taken = new Set<string>();
    const out: PromptFileCommand[] = [];
    const secrets = dirs.length > 1 ? await this.deps.secretsFiles?.() : undefined;
    for (const { dir, source, root } of dirs) {
      for (const file of await readPromptFiles(dir, source, this.deps.log, root, secrets)) {
        if (isBuiltinCommand(file.name)) {
          this.deps.log(`Prompt file ${file.file} is ignored: /${file.name} is one of Hearth's own commands.`);
          continue;
        }
        if (taken.has(file.name)) continue;
        taken.add(file.name);
        out.push(file);
      }
    }
    return out;
  }
}
