import type { McpCompletion, McpCompletionRequest, McpPrompt, McpPromptContent, McpResource, McpResourceTemplate } from '../../agent-host';
import { resourceMention } from '../../protocol/chat';
import type { McpResourceChoice } from '../../protocol/lspMethods';
import { templateVariables } from '../../protocol/uriTemplate';
import type { RemoteAgent } from '../remote/remoteAgent';

/** How long one listing answers `@` and `/` (as for the developer's own servers). */
const LIST_TTL_MS = 5_000;

export interface TeamMcpDeps {
  /** The connected team server while remote mode is on; undefined otherwise (then there is nothing to offer). */
  team(): Promise<RemoteAgent | undefined>;
  log(message: string): void;
  now?: () => number;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The team server's (the admin's) MCP servers in remote mode: their
 * resources beside the developer's own in `@`, read through the team server
 * with the developer's sign-in when a message is sent, and their prompts as
 * `/team.<server>.<prompt>` commands. Their mentions are `mcp-team:` ones,
 * so they are never read from a developer's server of the same name, and
 * nothing the team server lists reaches the developer's servers.
 */
export class TeamMcp {
  private resourceList: { at: number; host: string; list: Promise<{ resources: McpResource[]; templates: McpResourceTemplate[] }> } | undefined;
  private promptList: { at: number; host: string; list: Promise<McpPrompt[]> } | undefined;

  constructor(private readonly deps: TeamMcpDeps) {}

  private fresh(entry: { at: number; host: string } | undefined, host: string): boolean {
    return entry !== undefined && entry.host === host && (this.deps.now ?? Date.now)() - entry.at <= LIST_TTL_MS;
  }

  private async listResources(): Promise<{ resources: McpResource[]; templates: McpResourceTemplate[] }> {
    const team = await this.deps.team();
    if (!team) return { resources: [], templates: [] };
    if (!this.fresh(this.resourceList, team.host)) {
      const list = team.mcp.resources(AbortSignal.timeout(15_000)).catch((err: unknown) => {
        this.deps.log(`The team server's MCP resources could not be listed: ${messageOf(err)}`);
        return { resources: [], templates: [] };
      });
      this.resourceList = { at: (this.deps.now ?? Date.now)(), host: team.host, list };
    }
    return this.resourceList!.list;
  }

  /** The team server's resources and level-1 templates matching `query`, as `@` choices. */
  async resources(query: string): Promise<McpResourceChoice[]> {
    const { resources, templates } = await this.listResources();
    const q = query.toLowerCase();
    const matches = (r: { name: string; server: string }, uri: string) => !q || r.name.toLowerCase().includes(q) || uri.toLowerCase().includes(q) || r.server.toLowerCase().includes(q);
    const plain = resources.filter((r) => matches(r, r.uri)).map((r): McpResourceChoice => ({ server: r.server, uri: r.uri, name: r.name, mention: resourceMention(r.server, r.uri, true) }));
    const templated = templates
      .filter((t) => matches(t, t.uriTemplate))
      .flatMap((t): McpResourceChoice[] => {
        const variables = templateVariables(t.uriTemplate);
        return variables ? [{ server: t.server, uri: t.uriTemplate, name: t.name, mention: resourceMention(t.server, t.uriTemplate, true), variables }] : [];
      });
    return [...plain.slice(0, 20), ...templated.slice(0, 10)];
  }

  /** One resource's text, read through the team server. Throws an Error with a user-facing message. */
  async readResource(server: string, uri: string, maxChars: number): Promise<string> {
    const team = await this.deps.team();
    if (!team) throw new Error('Hearth is not connected to the team server this resource belongs to');
    return team.mcp.readResource(server, uri, maxChars, AbortSignal.timeout(90_000));
  }

  /** The team server's prompts; empty when not connected or when the team server cannot list them. */
  async listPrompts(): Promise<McpPrompt[]> {
    const team = await this.deps.team();
    if (!team) return [];
    if (!this.fresh(this.promptList, team.host)) {
      const list = team.mcp.prompts(AbortSignal.timeout(15_000)).catch((err: unknown) => {
        this.deps.log(`The team server's MCP prompts could not be listed: ${messageOf(err)}`);
        return [] as McpPrompt[];
      });
      this.promptList = { at: (this.deps.now ?? Date.now)(), host: team.host, list };
    }
    return this.promptList!.list;
  }

  /** One prompt's messages, got through the team server. Throws an Error with a user-facing message. */
  async getPrompt(server: string, name: string, args: Record<string, string>, maxChars: number): Promise<McpPromptContent> {
    const team = await this.deps.team();
    if (!team) throw new Error('Hearth is not connected to the team server');
    return team.mcp.getPrompt(server, name, args, maxChars, AbortSignal.timeout(90_000));
  }

  /** Suggestions for an argument of one of the team server's prompts or templates, asked through the team server. Throws an Error with a user-facing message. */
  async complete(server: string, request: McpCompletionRequest, signal?: AbortSignal): Promise<McpCompletion> {
    const team = await this.deps.team();
    if (!team) throw new Error('Hearth is not connected to the team server');
    return team.mcp.complete(server, request, signal);
  }
}
