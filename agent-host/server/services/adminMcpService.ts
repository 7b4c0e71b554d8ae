/**
 * McpService: the admin's MCP servers' resources and prompts for every
 * signed-in developer (their tools are offered in Chat). A developer reads
 * only what these servers list: a listed resource, or a URI made from a
 * listed template by level-1 expansion, and gets only a listed prompt. The
 * lists are the same for everyone, so they are cached for a few seconds
 * rather than asked of the servers on every `@` keystroke of every user.
 * Reads and prompts are audited with the user. Argument completion asks a
 * server only about a listed prompt's declared argument or a listed
 * template's variable, so no client picks the method or the server it reaches.
 */
import { status } from '@grpc/grpc-js';
import type { CompleteMcpArgumentRequest__Output } from '../../../protocol/generated/hearth/v1/CompleteMcpArgumentRequest';
import type { CompleteMcpArgumentResponse } from '../../../protocol/generated/hearth/v1/CompleteMcpArgumentResponse';
import type { GetMcpPromptRequest__Output } from '../../../protocol/generated/hearth/v1/GetMcpPromptRequest';
import type { GetMcpPromptResponse } from '../../../protocol/generated/hearth/v1/GetMcpPromptResponse';
import type { ListMcpPromptsResponse } from '../../../protocol/generated/hearth/v1/ListMcpPromptsResponse';
import type { ListMcpResourcesResponse } from '../../../protocol/generated/hearth/v1/ListMcpResourcesResponse';
import type { ReadMcpResourceRequest__Output } from '../../../protocol/generated/hearth/v1/ReadMcpResourceRequest';
import type { ReadMcpResourceResponse } from '../../../protocol/generated/hearth/v1/ReadMcpResourceResponse';
import { check, text } from '../../../protocol/grpc/protocolViolation';
import { matchesUriTemplate, templateVariables } from '../../../protocol/uriTemplate';
import type { McpManager } from '../../mcp/mcpManager';
import type { McpCompletionRequest, McpPrompt, McpResource, McpResourceTemplate } from '../../mcp/mcpTypes';
import type { AuditLog } from '../ops/auditLog';
import type { ServerMetrics } from '../ops/serverMetrics';
import type { RateLimit } from '../scheduler/rateLimiter';
import { retryHint } from '../scheduler/schedulerErrors';
import { exhausted, ServiceFailure } from './serviceFailure';

const LIST_TTL_MS = 5_000;
/** The most a developer gets of one resource or prompt (the client's own caps are the same). */
export const MAX_RESOURCE_CHARS = 200_000;
export const MAX_PROMPT_CHARS = 100_000;
const MAX_ARGUMENTS = 32;
/** The language server's own bounds on a completion question (language-server/mcp/parseMcpCompleteParams.ts). */
const MAX_COMPLETE_VALUE_CHARS = 1_000;
const MAX_COMPLETE_NAME_CHARS = 200;
const MAX_URI_TEMPLATE_CHARS = 2_048;

export interface AdminMcpDeps {
  /** Undefined when the admin configured no MCP servers: every list is empty. */
  manager?: McpManager;
  audit: AuditLog;
  /** Per user: argument completion is asked as developers type. */
  completionLimiter: RateLimit;
  metrics: ServerMetrics;
  now?: () => number;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class AdminMcpService {
  private resourceList: { at: number; list: Promise<[McpResource[], McpResourceTemplate[]]> } | undefined;
  private promptList: { at: number; list: Promise<McpPrompt[]> } | undefined;

  constructor(private readonly deps: AdminMcpDeps) {}

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  private resources(): Promise<[McpResource[], McpResourceTemplate[]]> {
    const manager = this.deps.manager;
    if (!manager) return Promise.resolve([[], []]);
    if (!this.resourceList || this.now() - this.resourceList.at > LIST_TTL_MS) {
      this.resourceList = { at: this.now(), list: Promise.all([manager.resources(), manager.resourceTemplates()]) };
    }
    return this.resourceList.list;
  }

  private prompts(): Promise<McpPrompt[]> {
    const manager = this.deps.manager;
    if (!manager) return Promise.resolve([]);
    if (!this.promptList || this.now() - this.promptList.at > LIST_TTL_MS) this.promptList = { at: this.now(), list: manager.prompts() };
    return this.promptList.list;
  }

  async listResources(): Promise<ListMcpResourcesResponse> {
    const [resources, templates] = await this.resources();
    return {
      resources: [
        ...resources.map((r) => ({ server: r.server, uri: r.uri, name: r.name, template: false })),
        ...templates.map((t) => ({ server: t.server, uri: t.uriTemplate, name: t.name, template: true })),
      ],
    };
  }

  async readResource(req: ReadMcpResourceRequest__Output, user: string): Promise<ReadMcpResourceResponse> {
    const server = text(req.server, 'server', 128, { nonEmpty: true });
    const uri = text(req.uri, 'uri', 4096, { nonEmpty: true });
    const maxChars = Math.min(req.max_chars > 0 ? req.max_chars : MAX_RESOURCE_CHARS, MAX_RESOURCE_CHARS);
    const [resources, templates] = await this.resources();
    const offered = resources.some((r) => r.server === server && r.uri === uri) || templates.some((t) => t.server === server && matchesUriTemplate(t.uriTemplate, uri));
    if (!offered) throw new ServiceFailure(status.NOT_FOUND, `The team server's MCP server "${server}" does not offer ${uri}. Type @ again to see the resources it offers now.`);
    let content: string;
    try {
      content = await this.deps.manager!.readResource(server, uri, maxChars);
    } catch (err) {
      throw new ServiceFailure(status.UNAVAILABLE, `The team server's MCP server "${server}" could not read ${uri}: ${messageOf(err)}`);
    }
    this.deps.audit.record({ event: 'mcp.resource.read', user, server, uri, chars: content.length });
    return { text: content.slice(0, maxChars) };
  }

  async listPrompts(): Promise<ListMcpPromptsResponse> {
    const prompts = await this.prompts();
    return {
      prompts: prompts.map((p) => ({
        server: p.server,
        namespace: p.namespace,
        name: p.name,
        title: p.title ?? '',
        description: p.description,
        arguments: p.arguments.map((a) => ({ name: a.name, description: a.description ?? '', required: a.required })),
      })),
    };
  }

  async getPrompt(req: GetMcpPromptRequest__Output, user: string): Promise<GetMcpPromptResponse> {
    const server = text(req.server, 'server', 128, { nonEmpty: true });
    const name = text(req.name, 'name', 256, { nonEmpty: true });
    const entries = Object.entries(req.arguments ?? {});
    check(entries.length <= MAX_ARGUMENTS, 'arguments', `has more than ${MAX_ARGUMENTS} entries`);
    const args = Object.fromEntries(entries.map(([k, v]) => [text(k, 'arguments key', 128, { nonEmpty: true }), text(v, `arguments.${k}`, 10_000)]));
    const maxChars = Math.min(req.max_chars > 0 ? req.max_chars : MAX_PROMPT_CHARS, MAX_PROMPT_CHARS);
    const prompt = (await this.prompts()).find((p) => p.server === server && p.name === name);
    if (!prompt) throw new ServiceFailure(status.NOT_FOUND, `The team server's MCP server "${server}" has no prompt ${name}. Type / again to see the prompts there are now.`);
    let content;
    try {
      content = await this.deps.manager!.getPrompt(server, name, args, maxChars);
    } catch (err) {
      throw new ServiceFailure(status.UNAVAILABLE, `The team server's MCP server "${server}" could not give the prompt ${name}: ${messageOf(err)}`);
    }
    this.deps.audit.record({ event: 'mcp.prompt.get', user, server, prompt: name, chars: content.text.length });
    return { text: content.text, resources: content.resources.map((r) => ({ uri: r.uri, text: r.text })) };
  }

  /**
   * One argument's suggestions from the admin's server. Only a listed prompt's
   * declared argument, or a listed template's variable, is asked about, and
   * only `completion/complete`; a server without the `completions` capability
   * gives none, as in local mode. Not audited: it is asked on every pause in
   * typing, and the value is sent again, complete, with the prompt or read.
   */
  async complete(req: CompleteMcpArgumentRequest__Output, user: string, signal: AbortSignal): Promise<CompleteMcpArgumentResponse> {
    const server = text(req.server, 'server', 128, { nonEmpty: true });
    const argument = text(req.argument, 'argument', MAX_COMPLETE_NAME_CHARS, { nonEmpty: true });
    const value = text(req.value, 'value', MAX_COMPLETE_VALUE_CHARS);
    const entries = Object.entries(req.context ?? {});
    check(entries.length <= MAX_ARGUMENTS, 'context', `has more than ${MAX_ARGUMENTS} entries`);
    const context = Object.fromEntries(entries.map(([k, v]) => [text(k, 'context key', MAX_COMPLETE_NAME_CHARS, { nonEmpty: true }), text(v, `context.${k}`, MAX_COMPLETE_VALUE_CHARS)]));
    check(req.ref === 'prompt' || req.ref === 'uri_template', 'ref', 'must be a prompt or a uri_template');
    let ref: McpCompletionRequest['ref'];
    let names: readonly string[];
    if (req.ref === 'prompt') {
      const name = text(req.prompt, 'prompt', 256, { nonEmpty: true });
      const prompt = (await this.prompts()).find((p) => p.server === server && p.name === name);
      if (!prompt) throw new ServiceFailure(status.NOT_FOUND, `The team server's MCP server "${server}" has no prompt ${name}. Type / again to see the prompts there are now.`);
      ref = { type: 'prompt', name };
      names = prompt.arguments.map((a) => a.name);
    } else {
      const uriTemplate = text(req.uri_template, 'uri_template', MAX_URI_TEMPLATE_CHARS, { nonEmpty: true });
      const [, templates] = await this.resources();
      if (!templates.some((t) => t.server === server && t.uriTemplate === uriTemplate)) {
        throw new ServiceFailure(status.NOT_FOUND, `The team server's MCP server "${server}" has no resource template ${uriTemplate}. Type @ again to see the resources it offers now.`);
      }
      ref = { type: 'resourceTemplate', uriTemplate };
      names = templateVariables(uriTemplate) ?? [];
    }
    check(names.includes(argument), 'argument', `is not an argument of ${ref.type === 'prompt' ? `the prompt ${ref.name}` : ref.uriTemplate} (it has ${names.join(', ') || 'none'})`);
    const wait = await this.deps.completionLimiter.take(user);
    if (wait > 0) {
      this.deps.metrics.rejected.inc({ kind: 'mcp_completion', reason: 'rate_limit' });
      throw exhausted(`You have reached this team server's limit of completions per minute; ${retryHint(wait)}.`, wait);
    }
    try {
      // McpManager.complete bounds the answer (toCompletion) and answers nothing for a server without completions.
      const completion = await this.deps.manager!.complete(server, { ref, argument: { name: argument, value }, ...(entries.length > 0 ? { context } : {}) }, signal);
      return { values: completion.values, has_more: completion.hasMore, ...(completion.total !== undefined ? { total: completion.total } : {}) };
    } catch (err) {
      if (signal.aborted) throw new ServiceFailure(status.CANCELLED, 'The completion request was cancelled.');
      throw new ServiceFailure(status.UNAVAILABLE, `The team server's MCP server "${server}" could not suggest values for ${argument}: ${messageOf(err)}`);
    }
  }
}
