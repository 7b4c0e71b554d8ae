/**
 * The team server's McpService: the admin's MCP servers' resources and
 * prompts, for `@` and `/` in remote mode. What comes back is checked like
 * any answer from a server Hearth does not have to trust: list entries that
 * could not be a server name, a URI or a prompt are dropped, and texts are cut
 * to what was asked for. The results are data for the user's message only.
 */
import { toCompletion, type McpCompletion, type McpCompletionRequest, type McpPrompt, type McpPromptContent, type McpResource, type McpResourceTemplate } from '../../agent-host';
import type { CompleteMcpArgumentResponse__Output } from '../../protocol/generated/hearth/v1/CompleteMcpArgumentResponse';
import type { GetMcpPromptResponse__Output } from '../../protocol/generated/hearth/v1/GetMcpPromptResponse';
import type { ListMcpPromptsResponse__Output } from '../../protocol/generated/hearth/v1/ListMcpPromptsResponse';
import type { ListMcpResourcesResponse__Output } from '../../protocol/generated/hearth/v1/ListMcpResourcesResponse';
import type { ReadMcpResourceResponse__Output } from '../../protocol/generated/hearth/v1/ReadMcpResourceResponse';
import type { UnaryStart } from './callUnary';
import type { TeamConnection } from './teamConnection';

const SERVER_NAME = /^[^/\s]{1,128}$/;
const URI = /^\S{1,4096}$/;
const NAMESPACE = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_LISTED = 500;
const MAX_EMBEDDED = 50;
const LIST_DEADLINE_MS = 10_000;
const READ_DEADLINE_MS = 60_000;
/** Suggestions are worth something only while the user still types (the team server waits 5 s for its MCP server). */
const COMPLETE_DEADLINE_MS = 8_000;

/** A unary call with auth; `whileTyping`: one attempt that never waits for the server (as inline completion's), since the user types on. */
type Unary = <T>(start: UnaryStart<T>, signal?: AbortSignal, whileTyping?: boolean) => Promise<T>;

function short(value: string, max: number): string {
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

export class RemoteMcpClient {
  constructor(
    private readonly connection: TeamConnection,
    private readonly unary: Unary,
  ) {}

  async resources(signal?: AbortSignal): Promise<{ resources: McpResource[]; templates: McpResourceTemplate[] }> {
    const res = await this.unary<ListMcpResourcesResponse__Output>((md, cb) => this.connection.mcp.ListResources({}, md, { deadline: Date.now() + LIST_DEADLINE_MS }, cb), signal);
    const valid = res.resources.slice(0, MAX_LISTED).filter((r) => SERVER_NAME.test(r.server) && URI.test(r.uri));
    return {
      resources: valid.filter((r) => !r.template).map((r) => ({ server: r.server, uri: r.uri, name: short(r.name || r.uri, 200) })),
      templates: valid.filter((r) => r.template).map((r) => ({ server: r.server, uriTemplate: r.uri, name: short(r.name || r.uri, 200) })),
    };
  }

  async readResource(server: string, uri: string, maxChars: number, signal?: AbortSignal): Promise<string> {
    const res = await this.unary<ReadMcpResourceResponse__Output>(
      (md, cb) => this.connection.mcp.ReadResource({ server, uri, max_chars: maxChars }, md, { deadline: Date.now() + READ_DEADLINE_MS }, cb),
      signal,
    );
    return res.text.length > maxChars ? `${res.text.slice(0, maxChars)}\n… (truncated at ${maxChars} characters)` : res.text;
  }

  async prompts(signal?: AbortSignal): Promise<McpPrompt[]> {
    const res = await this.unary<ListMcpPromptsResponse__Output>((md, cb) => this.connection.mcp.ListPrompts({}, md, { deadline: Date.now() + LIST_DEADLINE_MS }, cb), signal);
    return res.prompts
      .slice(0, MAX_LISTED)
      .filter((p) => SERVER_NAME.test(p.server) && NAMESPACE.test(p.namespace) && p.name.length > 0 && p.name.length <= 256)
      .map((p) => ({
        server: p.server,
        namespace: p.namespace,
        name: p.name,
        ...(p.title ? { title: short(p.title, 200) } : {}),
        description: short(p.description, 1000),
        arguments: p.arguments.slice(0, 32).filter((a) => a.name.length > 0 && a.name.length <= 128).map((a) => ({ name: a.name, ...(a.description ? { description: short(a.description, 500) } : {}), required: a.required })),
      }));
  }

  async getPrompt(server: string, name: string, args: Record<string, string>, maxChars: number, signal?: AbortSignal): Promise<McpPromptContent> {
    const res = await this.unary<GetMcpPromptResponse__Output>(
      (md, cb) => this.connection.mcp.GetPrompt({ server, name, arguments: args, max_chars: maxChars }, md, { deadline: Date.now() + READ_DEADLINE_MS }, cb),
      signal,
    );
    let left = maxChars;
    const take = (t: string) => {
      const out = t.slice(0, Math.max(0, left));
      left -= out.length;
      return out;
    };
    const text = take(res.text);
    const resources = res.resources.slice(0, MAX_EMBEDDED).filter((r) => URI.test(r.uri)).map((r) => ({ uri: r.uri, text: take(r.text) }));
    return { text, resources };
  }

  /**
   * One argument's suggestions from the team server's MCP server. The answer
   * is bounded as a local server's is (toCompletion: at most 100 one-line
   * values, none too long), since the team server could send anything.
   */
  async complete(server: string, request: McpCompletionRequest, signal?: AbortSignal): Promise<McpCompletion> {
    const ref = request.ref.type === 'prompt' ? { prompt: request.ref.name } : { uri_template: request.ref.uriTemplate };
    const res = await this.unary<CompleteMcpArgumentResponse__Output>(
      (md, cb) =>
        this.connection.mcp.Complete({ server, ...ref, argument: request.argument.name, value: request.argument.value, context: request.context ?? {} }, md, { deadline: Date.now() + COMPLETE_DEADLINE_MS }, cb),
      signal,
      true,
    );
    return toCompletion({ values: res.values, hasMore: res.has_more, ...(res.total !== undefined ? { total: res.total } : {}) });
  }
}
