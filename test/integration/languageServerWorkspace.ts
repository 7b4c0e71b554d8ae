/**
 * The set-up the integration tests of a chat through the real language
 * server share: a scripted Ollama, a fresh storage folder and workspace, and
 * a language server started on them in a trusted workspace, with the chat
 * model on Ollama or on an OpenAI-compatible provider. Everything is stopped
 * and removed after each test.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WorkspaceTrustNotification } from '../../protocol/lspMethods';
import { startOllamaFixture, type OllamaFixture, type OllamaFixtureOptions } from '../fixtures/ollamaFixture';
import { startLspTestClient, type LspTestClient } from './lspTestClient';

export interface LanguageServerWorkspace {
  readonly ollama: OllamaFixture;
  readonly storage: string;
  readonly workspace: string;
  /** Starts the language server on Ollama's `model` (or with `settings` of its own), in a trusted workspace. */
  start(model: string, settings?: Record<string, unknown>): Promise<LspTestClient>;
  /** Starts it with one OpenAI-compatible provider, `name` at `baseUrl`, whose `model` is the chat model. */
  startWithProvider(provider: { name: string; baseUrl: string; model: string }): Promise<LspTestClient>;
  /** A provider server (or anything with `close`) to stop after the test. */
  closeAfter<T extends { close(): Promise<void> }>(server: T): T;
}

export interface LanguageServerWorkspaceOptions {
  /** What the scripted Ollama serves (its default models unless given). */
  ollama?: OllamaFixtureOptions;
  /** Files written into the workspace before each test, by name. */
  files?: Record<string, string>;
}

/** Registers the set-up and tear-down with mocha's beforeEach and afterEach. */
export function useLanguageServerWorkspace(prefix: string, options: LanguageServerWorkspaceOptions = {}): LanguageServerWorkspace {
  let ollama: OllamaFixture | undefined;
  let storage = '';
  let workspace = '';
  let client: LspTestClient | undefined;
  let servers: { close(): Promise<void> }[] = [];

  beforeEach(async () => {
    ollama = await startOllamaFixture(options.ollama);
    storage = fs.mkdtempSync(path.join(os.tmpdir(), `hearth-${prefix}-`));
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), `hearth-${prefix}-ws-`));
    for (const [name, text] of Object.entries(options.files ?? {})) fs.writeFileSync(path.join(workspace, name), text);
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

  const fixture = (): OllamaFixture => {
    if (!ollama) throw new Error('the scripted Ollama starts in beforeEach');
    return ollama;
  };

  const start = async (settings: Record<string, unknown>): Promise<LspTestClient> => {
    client = await startLspTestClient({ storagePath: storage, workspace, settings: { ollama: { host: fixture().url }, ...settings } });
    await client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
    return client;
  };

  return {
    get ollama() {
      return fixture();
    },
    get storage() {
      return storage;
    },
    get workspace() {
      return workspace;
    },
    start: (model, settings = {}) => start({ chat: { model }, ...settings }),
    startWithProvider: ({ name, baseUrl, model }) => start({ providers: [{ name, kind: 'openai', baseUrl }], chat: { model: `${name}::${model}` } }),
    closeAfter(server) {
      servers.push(server);
      return server;
    },
  };
}
