/**
 * Shared setup for the MCP integration tests: the real language server
 * (dist/language-server.js over stdio) with the editor's MCP side played by
 * the test (trust prompts, tool approvals, status notifications), and the
 * paths of the third-party MCP servers installed from npm.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import { ErrorCodes, ResponseError } from 'vscode-languageserver-protocol/node';
import {
  ChatSendRequest,
  McpElicitationRequest,
  McpListRequest,
  McpLogNotification,
  McpSamplingRequest,
  McpServerStatusNotification,
  McpToolApprovalRequest,
  McpTrustServerRequest,
  WorkspaceTrustNotification,
  type McpElicitationParams,
  type McpSamplingParams,
  type McpServerInfo,
  type McpToolApprovalParams,
  type McpTrustParams,
} from '../../protocol/lspMethods';
import type { ToolResult } from '../../protocol/chat';
import { isProcessGone } from '../fixtures/processGone';
import { until } from '../fixtures/until';
import { useLspSuite, type LspSuite } from './lspSuite';
import { startLspTestClient, type LspTestClient } from './lspTestClient';

const requireFromHere = createRequire(import.meta.url);
/** The servers' own entry points, run with this Node: no npx, no network. */
export const EVERYTHING_SERVER = requireFromHere.resolve('@modelcontextprotocol/server-everything/dist/index.js');
export const FILESYSTEM_SERVER = requireFromHere.resolve('@modelcontextprotocol/server-filesystem/dist/index.js');

export const MODEL = 'qwen2.5-coder:7b';

export interface EverythingSseServer {
  /** The URL of its event stream (GET /sse); it takes messages at /message on the same origin. */
  url: string;
  port: number;
  pid: number;
  /** Kills it (SIGKILL, as a crash) and waits until it is gone. */
  kill(): Promise<void>;
}

/** The everything server with Streamable HTTP: `url` is its MCP endpoint (/mcp). */
export type EverythingStreamableServer = EverythingSseServer;

/**
 * The reference "everything" server with the older HTTP+SSE transport
 * (`dist/index.js sse`, which listens on $PORT), ready once it says it is
 * running. `port` starts it again where a killed one listened.
 */
export function startEverythingSseServer(port: number): Promise<EverythingSseServer> {
  return startEverythingHttpServer(port, 'sse', `Server is running on port ${port}`, '/sse');
}

/** The same server with Streamable HTTP (`dist/index.js streamableHttp`), its endpoint at /mcp. */
export function startEverythingStreamableServer(port: number): Promise<EverythingStreamableServer> {
  return startEverythingHttpServer(port, 'streamableHttp', `listening on port ${port}`, '/mcp');
}

async function startEverythingHttpServer(port: number, mode: string, ready: string, endpoint: string): Promise<EverythingSseServer> {
  const child = spawn(process.execPath, [EVERYTHING_SERVER, mode], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes(ready)) resolve();
    });
    void exited.then(() => reject(new Error(`the everything server (${mode}) exited before listening on ${port}: ${output}`)));
  });
  return {
    url: `http://127.0.0.1:${port}${endpoint}`,
    port,
    pid: child.pid!,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export type ApprovalAnswer = 'accept' | 'reject' | 'alwaysAllow';

export interface McpTestServer {
  client: LspTestClient;
  approvals: McpToolApprovalParams[];
  trustRequests: McpTrustParams[];
  /** Every `hearth/mcp/status` notification, in order. */
  statuses: McpServerInfo[];
  /** Every `hearth/mcp/log` notification, as "server: message". */
  mcpLogs: string[];
  /** How the test answers tool approvals (default: accept). */
  answerApproval: (params: McpToolApprovalParams) => ApprovalAnswer;
  /** Every sampling request shown to the editor, in order. */
  samplingRequests: McpSamplingParams[];
  /** How the test answers sampling requests (default: reject); a promise lets a test hold the answer. */
  answerSampling: (params: McpSamplingParams) => 'accept' | 'reject' | Promise<'accept' | 'reject'>;
  /** Every form shown to the editor, in order. */
  elicitationRequests: McpElicitationParams[];
  /** How the test answers forms (default: cancel). */
  answerElicitation: (params: McpElicitationParams) => { action: 'accept' | 'decline' | 'cancel'; content?: Record<string, unknown> };
  /** How the test answers trust prompts (default: deny); `notReady` answers as an editor whose handler is not registered yet. */
  answerTrust: (params: McpTrustParams) => 'trust' | 'deny' | 'notReady';
  list(): Promise<McpServerInfo[]>;
  /** Polls `hearth/mcp/list` until the server matches, with a deadline. */
  waitForServer(name: string, predicate: (info: McpServerInfo) => boolean, what: string, timeoutMs?: number): Promise<McpServerInfo>;
  /** Sends a message and waits for the reply's `done`; returns its tool results. */
  turn(text: string, timeoutMs?: number): Promise<{ assistantEntryId: string; sessionId: string; results: ToolResult[]; doneReason: string }>;
  /** Every MCP server pid this language server reported, to check they are all gone after it stops. */
  pids: Set<number>;
  stop(): Promise<void>;
}

export async function startMcpTestServer(options: {
  storagePath: string;
  workspace: string;
  settings: Record<string, unknown>;
  trusted?: boolean;
  /** Declare that the test's editor keeps MCP OAuth secrets and answers sign-in requests. */
  mcpOAuth?: boolean;
}): Promise<McpTestServer> {
  const client = await startLspTestClient({
    storagePath: options.storagePath,
    workspace: options.workspace,
    settings: options.settings,
    // As the extension does: the trust VS Code knows at start-up comes with initialize, so servers start once, in the right folder.
    initializationOptions: { workspaceTrusted: options.trusted !== false, ...(options.mcpOAuth ? { mcpOAuth: true } : {}) },
  });
  const pids = new Set<number>();
  const server: McpTestServer = {
    client,
    approvals: [],
    trustRequests: [],
    statuses: [],
    mcpLogs: [],
    answerApproval: () => 'accept',
    answerTrust: () => 'deny',
    samplingRequests: [],
    answerSampling: () => 'reject',
    elicitationRequests: [],
    answerElicitation: () => ({ action: 'cancel' }),
    pids,
    async list() {
      const { servers } = await client.connection.sendRequest(McpListRequest.type, {});
      for (const s of servers) if (s.pid) pids.add(s.pid);
      return servers;
    },
    async waitForServer(name, predicate, what, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      let last: McpServerInfo | undefined;
      for (;;) {
        last = (await server.list()).find((s) => s.name === name);
        if (last && predicate(last)) return last;
        if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for MCP server "${name}" to be ${what}; last seen: ${JSON.stringify(last)}\nServer log:\n${client.logs.join('')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async turn(text, timeoutMs = 30_000) {
      const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text, context: [] } });
      const done = await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', timeoutMs);
      const results = client.events.filter((e) => e.entryId === started.assistantEntryId && e.event.type === 'toolResult').map((e) => (e.event as { result: ToolResult }).result);
      return { assistantEntryId: started.assistantEntryId, sessionId: started.sessionId, results, doneReason: done.event.type === 'done' ? done.event.reason : '' };
    },
    async stop() {
      await client.stop();
      // Every MCP server the language server started is gone once it has shut down.
      await until(() => [...pids].every(isProcessGone), `MCP server processes ${[...pids].join(', ')} to exit`, 10_000);
    },
  };
  client.connection.onRequest(McpToolApprovalRequest.type, (params) => {
    server.approvals.push(params);
    return { decision: server.answerApproval(params) };
  });
  client.connection.onRequest(McpSamplingRequest.type, async (params) => {
    server.samplingRequests.push(params);
    return { decision: await server.answerSampling(params) };
  });
  client.connection.onRequest(McpElicitationRequest.type, (params) => {
    server.elicitationRequests.push(params);
    return server.answerElicitation(params) as { action: 'accept' | 'decline' | 'cancel' };
  });
  client.connection.onRequest(McpTrustServerRequest.type, (params) => {
    server.trustRequests.push(params);
    const answer = server.answerTrust(params);
    if (answer === 'notReady') return new ResponseError(ErrorCodes.MethodNotFound, `Unhandled method ${McpTrustServerRequest.method}`);
    return { decision: answer };
  });
  client.connection.onNotification(McpServerStatusNotification.type, (info) => {
    server.statuses.push(info);
    if (info.pid) pids.add(info.pid);
  });
  client.connection.onNotification(McpLogNotification.type, ({ server: name, message }) => {
    server.mcpLogs.push(`${name}: ${message}`);
  });
  if (options.trusted !== false) await client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
  return server;
}

/** Kills any reported MCP server process still alive (a failed test must not leave them behind). */
export function killLeftovers(pids: Iterable<number>): void {
  for (const pid of pids) {
    if (isProcessGone(pid)) continue;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
}

/**
 * Registers the per-test set-up and clean-up most MCP tests share (mocha
 * hooks in the calling `describe`): `useLspSuite`'s scripted Ollama, storage
 * and workspace folders, with `suite.client` the test's `McpTestServer`.
 * After the test the server is stopped and any MCP server process it
 * reported and left behind is killed, so a failed test does not leak them.
 */
export function useMcpSuite(name: string): LspSuite<McpTestServer> {
  return useLspSuite<McpTestServer>(name, {
    // `pids` is the server's own live set, not a copy: read after the stop it still holds every process reported before it, even when the stop threw.
    afterStop: (server) => killLeftovers(server.pids),
  });
}

/** After a test: stops the language server, kills any MCP server it left behind (a failed test must not), and removes the test's folders. */
export async function stopAndClean(server: McpTestServer | undefined, dirs: string[]): Promise<void> {
  const pids = server?.pids ?? new Set<number>();
  try {
    await server?.stop();
  } finally {
    killLeftovers(pids);
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The tool messages of every request the fixture received, in order. */
export function toolMessages(requests: { path: string; body: { messages?: { role: string; content: string; tool_name?: string }[] } }[]): { content: string; tool_name?: string }[] {
  const chats = requests.filter((r) => r.path === '/api/chat');
  const last = chats.at(-1);
  return (last?.body.messages ?? []).filter((m) => m.role === 'tool');
}
