/**
 * A real LSP client for integration tests: starts `dist/language-server.js`
 * as a child process and speaks JSON-RPC to it, answering
 * `workspace/configuration` with the settings a test chooses. The transport
 * is stdio (what other LSP editors use) unless `transport: 'ipc'` asks for
 * Node's IPC channel, which is what Hearth's own extension uses.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  IPCMessageReader,
  IPCMessageWriter,
  StreamMessageReader,
  StreamMessageWriter,
  ConfigurationRequest,
  InitializeRequest,
  InitializedNotification,
  DidChangeConfigurationNotification,
  DidChangeWorkspaceFoldersNotification,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { ChatEventNotification, IndexStatusNotification, StatusNotification, type BackendStatus, type ChatEventParams, type IndexProgress } from '../../protocol/lspMethods';

export interface LspTestClient {
  connection: ProtocolConnection;
  process: ChildProcess;
  events: ChatEventParams[];
  statuses: BackendStatus[];
  /** The symbol index's progress notifications, from the first one. */
  indexStatuses: IndexProgress[];
  /** Everything the server wrote to stderr and window/logMessage. */
  logs: string[];
  /** Replaces the `hearth` settings and tells the server they changed. */
  setSettings(settings: Record<string, unknown>): void;
  /** Replaces VS Code's `http` settings (the proxy) and tells the server they changed. */
  setHttpSettings(settings: Record<string, unknown>): void;
  /** Adds and removes workspace folders, as VS Code does when the user changes the window's folders (`workspace/didChangeWorkspaceFolders`). */
  changeFolders(added: readonly string[], removed: readonly string[]): Promise<void>;
  /** Resolves when an event matching the predicate has arrived (including ones already received). */
  waitForEvent(predicate: (e: ChatEventParams) => boolean, timeoutMs?: number): Promise<ChatEventParams>;
  /** Shuts the server down politely. */
  stop(): Promise<void>;
  /** Kills the server process outright (SIGKILL), as a crash would. */
  kill(): Promise<void>;
}

export const SERVER_PATH = path.resolve('dist/language-server.js');

export interface LspTestClientOptions {
  storagePath: string;
  workspace?: string;
  settings?: Record<string, unknown>;
  /** VS Code's own `http` section (proxy settings), answered for `workspace/configuration` of `http`. */
  httpSettings?: Record<string, unknown>;
  serverPath?: string;
  /** stdio (the default) or Node IPC, as vscode-languageclient's TransportKind.ipc uses. */
  transport?: 'stdio' | 'ipc';
  /** The server's environment (default: this process's), e.g. a fake HOME holding decoy secrets. */
  env?: NodeJS.ProcessEnv;
  /** More `initializationOptions`, e.g. `mcpOAuth: true` for an editor that keeps MCP OAuth secrets. */
  initializationOptions?: Record<string, unknown>;
}

export async function startLspTestClient(options: LspTestClientOptions): Promise<LspTestClient> {
  const serverPath = options.serverPath ?? SERVER_PATH;
  const ipc = options.transport === 'ipc';
  const child = ipc
    ? fork(serverPath, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: options.env ?? process.env })
    : spawn(process.execPath, [serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env });
  const logs: string[] = [];
  child.stderr!.on('data', (d: Buffer) => logs.push(d.toString()));
  const connection = ipc
    ? createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child))
    : createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  let settings = options.settings ?? {};
  let httpSettings: Record<string, unknown> | null = options.httpSettings ?? null;
  const events: ChatEventParams[] = [];
  const statuses: BackendStatus[] = [];
  const indexStatuses: IndexProgress[] = [];
  const waiters = new Set<{ predicate: (e: ChatEventParams) => boolean; resolve: (e: ChatEventParams) => void }>();
  connection.onRequest(ConfigurationRequest.type, (params) => params.items.map((item) => (item.section === 'hearth' ? settings : item.section === 'http' ? httpSettings : null)));
  connection.onNotification(ChatEventNotification.type, (e) => {
    events.push(e);
    for (const w of [...waiters]) {
      if (w.predicate(e)) {
        waiters.delete(w);
        w.resolve(e);
      }
    }
  });
  connection.onNotification(StatusNotification.type, (s) => {
    statuses.push(s);
  });
  connection.onNotification(IndexStatusNotification.type, (p) => {
    indexStatuses.push(p);
  });
  connection.onNotification('window/logMessage', (p: { message: string }) => {
    logs.push(p.message);
  });
  connection.onRequest('client/registerCapability', () => null);
  connection.listen();

  const workspaceUri = options.workspace ? pathToFileURL(options.workspace).toString() : null;
  await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: workspaceUri,
    workspaceFolders: workspaceUri ? [{ uri: workspaceUri, name: 'workspace' }] : null,
    capabilities: { workspace: { configuration: true, workspaceFolders: true } },
    initializationOptions: { storagePath: options.storagePath, ...options.initializationOptions },
  });
  await connection.sendNotification(InitializedNotification.type, {});

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    connection,
    process: child,
    events,
    statuses,
    indexStatuses,
    logs,
    setSettings(next) {
      settings = next;
      void connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { hearth: next } });
    },
    setHttpSettings(next) {
      httpSettings = next;
      void connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { http: next } });
    },
    changeFolders(added, removed) {
      const folder = (f: string) => ({ uri: pathToFileURL(f).href, name: path.basename(f) });
      return connection.sendNotification(DidChangeWorkspaceFoldersNotification.type, { event: { added: added.map(folder), removed: removed.map(folder) } });
    },
    waitForEvent(predicate, timeoutMs = 10_000) {
      const existing = events.find(predicate);
      if (existing) return Promise.resolve(existing);
      return new Promise((resolve, reject) => {
        const waiter = { predicate, resolve: (e: ChatEventParams) => (clearTimeout(timer), resolve(e)) };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`No matching chat event within ${timeoutMs} ms. Received: ${JSON.stringify(events.map((e) => e.event.type))}\nServer log:\n${logs.join('')}`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    async stop() {
      if (child.exitCode !== null) return;
      try {
        await connection.sendRequest('shutdown');
        await connection.sendNotification('exit');
      } catch {
        // The server may already be gone.
      }
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
      connection.dispose();
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
      connection.dispose();
    },
  };
}
