/**
 * A Streamable HTTP MCP server built in the test with the SDK's own server
 * classes (McpServer + StreamableHTTPServerTransport) on 127.0.0.1, one MCP
 * session per client. Its tool description can be changed between sessions,
 * and it records what it saw: the headers, the calls, and cancellations.
 */
import { createServer, type Server } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { listenOnLoopback, McpHttpSessions, readJsonBody } from '../fixtures/mcpHttpSessions';

export interface HttpMcpTestServer {
  url: string;
  /** The `lookup` tool's description for sessions that start from now on. */
  description: string;
  authorizations: string[];
  calls: { tool: string; args: Record<string, unknown> }[];
  /** Calls of `wait` whose request signal fired (the client sent notifications/cancelled). */
  cancelled: number;
  close(): Promise<void>;
}

export async function startHttpMcpTestServer(initialDescription: string): Promise<HttpMcpTestServer> {
  const state: HttpMcpTestServer = {
    url: '',
    description: initialDescription,
    authorizations: [],
    calls: [],
    cancelled: 0,
    close: async () => undefined,
  };

  function buildServer(): McpServer {
    const server = new McpServer({ name: 'hearth-test-docs', version: '1.0.0' });
    server.registerTool(
      'lookup',
      {
        description: state.description,
        inputSchema: { topic: z.string().describe('What to look up'), limit: z.number().int().min(1).max(20).optional(), exact: z.boolean().optional() },
      },
      async (args) => {
        state.calls.push({ tool: 'lookup', args });
        return { content: [{ type: 'text', text: `Docs about ${args.topic} (limit ${args.limit ?? 'none'}, exact ${args.exact ?? false})` }] };
      },
    );
    server.registerTool('huge', { description: 'Returns a result of the given size in megabytes.', inputSchema: { mb: z.number() } }, async (args) => {
      state.calls.push({ tool: 'huge', args });
      return { content: [{ type: 'text', text: 'x'.repeat(Math.round(args.mb * 1024 * 1024)) }] };
    });
    server.registerTool('wait', { description: 'Waits until it is cancelled.', inputSchema: {} }, async (args, extra) => {
      state.calls.push({ tool: 'wait', args });
      await new Promise<void>((resolve) => {
        if (extra.signal.aborted) return resolve();
        extra.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      state.cancelled++;
      return { content: [{ type: 'text', text: 'cancelled' }] };
    });
    return server;
  }

  const sessions = new McpHttpSessions(buildServer);
  const http: Server = createServer((req, res) => {
    void (async () => {
      state.authorizations.push(String(req.headers.authorization ?? ''));
      const body = req.method === 'POST' ? await readJsonBody(req) : undefined;
      await sessions.handle(req, res, body);
    })().catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(err));
    });
  });
  const listening = await listenOnLoopback(http, sessions);
  state.url = `${listening.origin}/mcp`;
  state.close = listening.close;
  return state;
}
