/**
 * The set-up every test of an OpenAI-compatible provider through the real
 * language server shares: a scripted Ollama (the server still asks it for
 * its own models), a fresh storage folder and workspace, and a language
 * server whose chat model is `<provider>::<model>` on the provider under test,
 * in a trusted workspace. Everything is stopped and removed after each test.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WorkspaceTrustNotification } from '../../protocol/lspMethods';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { startLspTestClient, type LspTestClient } from './lspTestClient';

export interface ProviderLanguageServer {
  readonly ollama: OllamaFixture;
  readonly storage: string;
  readonly workspace: string;
  /** The client `start` started (undefined before). */
  readonly client: LspTestClient | undefined;
  /** Starts the language server with one OpenAI-compatible provider, `name` at `baseUrl`, whose `model` is the chat model. */
  start(provider: { name: string; baseUrl: string; model: string }): Promise<LspTestClient>;
  /** A provider server (or anything with `close`) to stop after the test. */
  closeAfter<T extends { close(): Promise<void> }>(server: T): T;
}

/** Registers the set-up and tear-down with mocha's beforeEach and afterEach; `files` are written into the workspace. */
export function useProviderLanguageServer(prefix: string, files: Record<string, string> = {}): ProviderLanguageServer {
  let ollama: OllamaFixture | undefined;
  let storage = '';
  let workspace = '';
  let client: LspTestClient | undefined;
  let servers: { close(): Promise<void> }[] = [];

  beforeEach(async () => {
    ollama = await startOllamaFixture();
    storage = fs.mkdtempSync(path.join(os.tmpdir(), `hearth-${prefix}-`));
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), `hearth-${prefix}-ws-`));
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(workspace, name), text);
  });

  afterEach(async () => {
    await client?.stop();
    client = undefined;
    for (const server of servers) await server.close();
    servers = [];
    await ollama?.close();
    fs.rmSync(storage, { recursive: true, force: true });
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  return {
    get ollama() {
      if (!ollama) throw new Error('the scripted Ollama starts in beforeEach');
      return ollama;
    },
    get storage() {
      return storage;
    },
    get workspace() {
      return workspace;
    },
    get client() {
      return client;
    },
    async start({ name, baseUrl, model }) {
      client = await startLspTestClient({
        storagePath: storage,
        workspace,
        settings: { ollama: { host: this.ollama.url }, providers: [{ name, kind: 'openai', baseUrl }], chat: { model: `${name}::${model}` } },
      });
      await client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
      return client;
    },
    closeAfter(server) {
      servers.push(server);
      return server;
    },
  };
}
