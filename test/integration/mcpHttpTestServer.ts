/**
 * A Streamable HTTP MCP server built in the test with the SDK's own server
 * classes (McpServer + StreamableHTTPServerTransport) on 127.0.0.1, one MCP
 * session per client. Its tool description can be changed between sessions,
 * and it records what it saw: the headers, the calls, and cancellations.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

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

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text === '' ? undefined : JSON.parse(text));
      } catch (err) {
        reject(err);
      }
    });
    req.on('error', reject);
  });
}

export async function startHttpMcpTestServer(initialDescription: string): Promise<HttpMcpTestServer> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
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

  const http: Server = createServer((req, res) => {
    void (async () => {
      state.authorizations.push(String(req.headers.authorization ?? ''));
      const sessionId = req.headers['mcp-session-id'];
      const body = req.method === 'POST' ? await readBody(req) : undefined;
      let transport = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
      if (!transport) {
        if (req.method !== 'POST' || !isInitializeRequest(body)) {
          res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }));
          return;
        }
        const created: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          onsessioninitialized: (id) => void sessions.set(id, created),
        });
        created.onclose = () => {
          if (created.sessionId) sessions.delete(created.sessionId);
        };
        await buildServer().connect(created);
        transport = created;
      }
      await transport.handleRequest(req, res, body);
    })().catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(err));
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => resolve());
  });
  state.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
  state.close = async () => {
    for (const t of sessions.values()) await t.close().catch(() => undefined);
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  };
  return state;
}
