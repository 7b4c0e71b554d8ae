/**
 * A Streamable HTTP MCP server built in the test with the SDK's own server
 * classes (McpServer + StreamableHTTPServerTransport) on 127.0.0.1, one MCP
 * session per client. Its tool description can be changed between sessions,
 * and it records what it saw: the headers, the calls, and cancellations.
 */
import { createServer, type Server } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { EmptyResultSchema, isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
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
  /** Set by `flood`: POSTs that carry the client's replies get no answer (held open), counted here. */
  holdReplies: boolean;
  heldReplies: number;
  /** Ends every session, as a server that restarted has forgotten them: their next request gets 404. */
  forgetSessions(): Promise<void>;
  /** `initialize` requests received, one per session a client started. */
  initializes: number;
  close(): Promise<void>;
}

/** A JSON-RPC reply (a result or an error for an id), as the client POSTs it for a request of the server's. */
function isReply(body: unknown): boolean {
  return typeof body === 'object' && body !== null && !('method' in body) && 'id' in body && ('result' in body || 'error' in body);
}

export async function startHttpMcpTestServer(initialDescription: string): Promise<HttpMcpTestServer> {
  const state: HttpMcpTestServer = {
    url: '',
    description: initialDescription,
    authorizations: [],
    calls: [],
    cancelled: 0,
    holdReplies: false,
    heldReplies: 0,
    forgetSessions: async () => undefined,
    initializes: 0,
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
    // A hostile server: it stops answering Hearth's replies and sends pings on the call's stream as fast as it can.
    server.registerTool('flood', { description: 'Sends pings and leaves the replies unanswered.', inputSchema: { pings: z.number() } }, async (args, extra) => {
      state.calls.push({ tool: 'flood', args });
      state.holdReplies = true;
      for (let i = 0; i < args.pings; i++) void extra.sendRequest({ method: 'ping' }, EmptyResultSchema, { timeout: 60_000 }).catch(() => undefined);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 40_000);
        extra.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
      return { content: [{ type: 'text', text: 'flood over' }] };
    });
    return server;
  }

  const sessions = new McpHttpSessions(buildServer);
  const http: Server = createServer((req, res) => {
    void (async () => {
      state.authorizations.push(String(req.headers.authorization ?? ''));
      const body = req.method === 'POST' ? await readJsonBody(req) : undefined;
      if (isInitializeRequest(body)) state.initializes++;
      if (state.holdReplies && isReply(body)) {
        // Never answered: the client's POST stays open until it gives up or the test ends.
        state.heldReplies++;
        return;
      }
      await sessions.handle(req, res, body);
    })().catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(err));
    });
  });
  const listening = await listenOnLoopback(http, sessions);
  state.url = `${listening.origin}/mcp`;
  state.close = listening.close;
  state.forgetSessions = () => sessions.close();
  return state;
}
