import * as path from 'node:path';
import { THINK_SETTINGS, type AgentSettings, type CompletionSettings, type HearthSettings, MCP_LOG_LEVELS, type McpLogLevel, type McpSettings, type TeamServerSettings, type ThinkSetting, type CodebaseSearchSettings } from '../../protocol/lspMethods';
import { SUBAGENT_ROLES, type SubagentRole } from '../../protocol/chat';
import { DEFAULT_COMMAND_ALLOW_LIST, DEFAULT_COMMAND_DENY_LIST, DEFAULT_DISABLED_FILES } from '../tools/agentPolicyDefaults';
import { readOllamaHost } from './readOllamaHost';
import { checkProviders } from '../../agent-host';
import { parseDisabledMcpTools } from '../../protocol/mcpDisabledTools';

/** Reads the `hearth` section as the client reports it; undefined when the client cannot answer. */
export type ConfigurationSource = () => Promise<unknown>;

/**
 * The server's view of the user's settings, with defaults applied. It is read
 * from the client (`workspace/configuration`), cached, and dropped whenever the
 * client reports a change, so a new host or model applies to the next request.
 */
export class SettingsReader {
  private cached: Promise<HearthSettings> | undefined;

  constructor(private readonly source: ConfigurationSource, private readonly env: NodeJS.ProcessEnv = process.env) {}

  get(): Promise<HearthSettings> {
    if (this.cached) return this.cached;
    // A read the client could not answer (an error, or no value while the window is still loading its
    // settings) gives defaults for now but is not kept: the next read asks again, so a request made
    // during start-up cannot leave the server on the default Ollama host until the user edits a setting.
    const attempt: Promise<HearthSettings> = this.source().then(
      (raw) => {
        if (raw === undefined || raw === null) this.forget(attempt);
        return toSettings(raw, this.env);
      },
      () => {
        this.forget(attempt);
        return toSettings(undefined, this.env);
      },
    );
    this.cached = attempt;
    return attempt;
  }

  private forget(attempt: Promise<HearthSettings>): void {
    if (this.cached === attempt) this.cached = undefined;
  }

  invalidate(): void {
    this.cached = undefined;
  }

  /** Reads the client again now: for a chat turn, which must never run on settings a missed change left stale. */
  fresh(): Promise<HearthSettings> {
    this.invalidate();
    return this.get();
  }
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function section(value: unknown, key: string): Record<string, unknown> {
  const v = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
}

export function toSettings(raw: unknown, env: NodeJS.ProcessEnv = process.env): HearthSettings {
  const providers = checkProviders(raw && typeof raw === 'object' ? (raw as Record<string, unknown>).providers : undefined);
  return {
    ollama: readOllamaHost(str(section(raw, 'ollama').host), env),
    providers: providers.providers,
    providerProblems: providers.problems,
    chat: toChatSettings(section(raw, 'chat')),
    completion: toCompletionSettings(section(raw, 'completion')),
    agent: toAgentSettings(section(raw, 'agent')),
    server: toServerSettings(section(raw, 'server')),
    mcp: toMcpSettings(section(raw, 'mcp')),
    // The index is on unless turned off; memory is off unless a workspace (or the user) turns it on.
    index: { enabled: section(raw, 'index').enabled !== false },
    memory: { enabled: section(raw, 'memory').enabled === true },
    codebaseSearch: toCodebaseSearchSettings(section(raw, 'codebaseSearch')),
  };
}

/** Defaults as package.json declares them: on, with nomic-embed-text. */
function toCodebaseSearchSettings(raw: Record<string, unknown>): CodebaseSearchSettings {
  return {
    enabled: typeof raw.enabled === 'boolean' ? raw.enabled : true,
    embeddingModel: typeof raw.embeddingModel === 'string' ? raw.embeddingModel.trim() : 'nomic-embed-text',
    // Absolute paths only: a relative one would depend on the process's working folder.
    documentationFolders: Array.isArray(raw.documentationFolders) ? raw.documentationFolders.filter((f): f is string => typeof f === 'string' && path.isAbsolute(f.trim())).map((f) => f.trim()) : [],
  };
}

/**
 * `hearth.mcp.servers` is passed on entry by entry: language-server/mcp checks
 * each entry's shape and shows the user what is wrong with a bad one, rather
 * than this reader dropping it silently.
 */
function toMcpSettings(raw: Record<string, unknown>): McpSettings {
  const servers = raw.servers && typeof raw.servers === 'object' && !Array.isArray(raw.servers) ? (raw.servers as McpSettings['servers']) : {};
  const perHour = raw.samplingPerHour;
  const logLevel = raw.logLevel;
  const disabledTools = parseDisabledMcpTools(raw.disabledTools);
  return {
    servers,
    ...(disabledTools.length > 0 ? { disabledTools } : {}),
    ...(typeof perHour === 'number' && Number.isFinite(perHour) && perHour >= 0 ? { samplingPerHour: Math.floor(perHour) } : {}),
    ...(logLevel === 'off' || (MCP_LOG_LEVELS as readonly unknown[]).includes(logLevel) ? { logLevel: logLevel as McpLogLevel } : {}),
  };
}

function thinkSetting(value: unknown): ThinkSetting | undefined {
  return typeof value === 'string' && (THINK_SETTINGS as readonly string[]).includes(value) ? (value as ThinkSetting) : undefined;
}

function toChatSettings(raw: Record<string, unknown>): HearthSettings['chat'] {
  const byModel: Record<string, ThinkSetting> = {};
  if (raw.thinkByModel && typeof raw.thinkByModel === 'object' && !Array.isArray(raw.thinkByModel)) {
    for (const [model, value] of Object.entries(raw.thinkByModel as Record<string, unknown>)) {
      const setting = thinkSetting(value);
      if (setting && model.trim() !== '') byModel[model.trim()] = setting;
    }
  }
  const threshold = typeof raw.compactionThreshold === 'number' && Number.isFinite(raw.compactionThreshold) ? Math.min(1, Math.max(0.3, raw.compactionThreshold)) : 0.7;
  return { model: str(raw.model).trim(), think: thinkSetting(raw.think) ?? 'auto', thinkByModel: byModel, compactionThreshold: threshold, fetchWebPages: raw.fetchWebPages !== false };
}

function toServerSettings(raw: Record<string, unknown>): TeamServerSettings {
  return { mode: raw.mode === 'remote' ? 'remote' : 'local', url: str(raw.url).trim(), caFile: str(raw.caFile).trim() };
}

function stringList(value: unknown, fallback: string[]): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim()) : fallback;
}

function toAgentSettings(raw: Record<string, unknown>): AgentSettings {
  const d = AGENT_DEFAULTS;
  return {
    autoApproveEdits: typeof raw.autoApproveEdits === 'boolean' ? raw.autoApproveEdits : d.autoApproveEdits,
    commandAllowList: stringList(raw.commandAllowList, d.commandAllowList),
    commandDenyList: stringList(raw.commandDenyList, d.commandDenyList),
    maxSteps: bounded(raw.maxSteps, 1, 200, d.maxSteps),
    commandTimeoutSeconds: bounded(raw.commandTimeoutSeconds, 1, 3600, d.commandTimeoutSeconds),
    subagents: typeof raw.subagents === 'boolean' ? raw.subagents : d.subagents,
    subagentMaxParallel: bounded(raw.subagentMaxParallel, 1, 4, d.subagentMaxParallel),
    subagentModels: subagentModels(raw.subagentModels),
    todoList: typeof raw.todoList === 'boolean' ? raw.todoList : d.todoList,
    skills: typeof raw.skills === 'boolean' ? raw.skills : d.skills,
    roleModels: roleModels(raw.roleModels),
    routing: raw.routing === 'off' || raw.routing === 'auto' || raw.routing === 'keywords' ? raw.routing : 'keywords',
    routerModel: str(raw.routerModel).trim(),
    defaultAgent: str(raw.defaultAgent).trim().toLowerCase(),
  };
}

/** `hearth.agent.roleModels`: agent name → model; blanks and other types are dropped. */
function roleModels(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!value || typeof value !== 'object' || Array.isArray(value)) return out;
  for (const [name, model] of Object.entries(value as Record<string, unknown>)) {
    if (typeof model === 'string' && model.trim() !== '' && name.trim() !== '') out[name.trim().toLowerCase()] = model.trim();
  }
  return out;
}

function subagentModels(value: unknown): Partial<Record<SubagentRole, string>> {
  const out: Partial<Record<SubagentRole, string>> = {};
  if (!value || typeof value !== 'object') return out;
  for (const role of SUBAGENT_ROLES) {
    const model = (value as Record<string, unknown>)[role];
    if (typeof model === 'string' && model.trim() !== '') out[role] = model.trim();
  }
  return out;
}

/** Defaults for `hearth.agent`, kept equal to package.json's contributed defaults. */
export const AGENT_DEFAULTS: AgentSettings = {
  autoApproveEdits: false,
  commandAllowList: [...DEFAULT_COMMAND_ALLOW_LIST],
  commandDenyList: [...DEFAULT_COMMAND_DENY_LIST],
  maxSteps: 25,
  commandTimeoutSeconds: 60,
  subagents: true,
  subagentMaxParallel: 2,
  subagentModels: {},
  todoList: true,
  skills: true,
};


/** Defaults for `hearth.completion`, also applied to values of the wrong type. */
export const COMPLETION_DEFAULTS: CompletionSettings = {
  enabled: true,
  disabledLanguages: ['plaintext', 'scminput'],
  disabledFiles: [...DEFAULT_DISABLED_FILES],
  model: '',
  maxLines: 8,
  debounceMs: 30,
  pipeline: 'optimized',
};

function bounded(value: unknown, min: number, max: number, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, Math.round(value))) : fallback;
}

function toCompletionSettings(raw: Record<string, unknown>): CompletionSettings {
  const d = COMPLETION_DEFAULTS;
  return {
    enabled: typeof raw.enabled === 'boolean' ? raw.enabled : d.enabled,
    disabledLanguages: Array.isArray(raw.disabledLanguages) ? raw.disabledLanguages.filter((l): l is string => typeof l === 'string') : d.disabledLanguages,
    // An empty list is the user's choice (suggestions everywhere); only a value that is not a list falls back to the defaults.
    disabledFiles: stringList(raw.disabledFiles, d.disabledFiles),
    model: str(raw.model).trim(),
    maxLines: bounded(raw.maxLines, 1, 100, d.maxLines),
    debounceMs: bounded(raw.debounceMs, 0, 2000, d.debounceMs),
    pipeline: raw.pipeline === 'baseline' ? 'baseline' : 'optimized',
  };
}
