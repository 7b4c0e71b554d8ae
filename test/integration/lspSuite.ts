/**
 * The set-up most language-server integration tests share: for each test a
 * fresh scripted Ollama, an empty storage folder and an empty workspace
 * folder, and after it the language server stopped and all three removed.
 * The test starts the server itself (its settings differ) and keeps the
 * client in `suite.client`, so the clean-up finds it even when an assertion
 * fails half-way. The client may be a wrapper around the language server
 * (the MCP tests' `McpTestServer`), so the suite only needs it to stop.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ToolResult, UserInput } from '../../protocol/chat';
import { ChatSendRequest, type ChatEventParams, type ChatTurnStarted } from '../../protocol/lspMethods';
import { startOllamaFixture, type OllamaFixture, type OllamaFixtureOptions } from '../fixtures/ollamaFixture';
import type { LspTestClient } from './lspTestClient';

/** What the suite stops after each test: anything that can shut its language server down. */
export interface StoppableClient {
  stop(): Promise<void>;
}

export interface LspSuiteOptions<C extends StoppableClient = LspTestClient> {
  /** How the scripted Ollama starts (the models it lists, for instance). */
  fixture?: OllamaFixtureOptions;
  /**
   * Runs after the client is stopped, even when stopping it throws, so that
   * clean-up a failed stop would otherwise skip (processes the server left
   * behind, say) still happens before the next test.
   */
  afterStop?(client: C): void;
}

export interface LspSuite<C extends StoppableClient = LspTestClient> {
  /** This test's scripted Ollama. */
  readonly fixture: OllamaFixture;
  /** The language server's storage folder (sessions, checkpoints, indexes). */
  readonly storage: string;
  /** The workspace folder, empty until the test writes to it. */
  readonly workspace: string;
  /** The client the test started; stopped after the test. */
  client: C | undefined;
}

/** Registers the per-test set-up and clean-up (mocha hooks) in the calling `describe`; `name` labels the temporary folders. */
export function useLspSuite<C extends StoppableClient = LspTestClient>(name: string, options: LspSuiteOptions<C> = {}): LspSuite<C> {
  let fixture: OllamaFixture | undefined;
  let storage = '';
  let workspace = '';
  const suite: LspSuite<C> = {
    get fixture() {
      if (!fixture) throw new Error('the scripted Ollama is started in beforeEach');
      return fixture;
    },
    get storage() {
      return storage;
    },
    get workspace() {
      return workspace;
    },
    client: undefined,
  };
  beforeEach(async () => {
    fixture = await startOllamaFixture(options.fixture);
    // Real paths: a test compares them with what the server reports, and /tmp may be a link.
    storage = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `hearth-${name}-ls-`)));
    workspace = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `hearth-${name}-ws-`)));
  });
  afterEach(async () => {
    const client = suite.client;
    suite.client = undefined;
    try {
      await client?.stop();
    } finally {
      // A stop that failed must not leave the next test a running fixture, stray processes or folders.
      if (client) options.afterStop?.(client);
      await fixture?.close();
      fixture = undefined;
      for (const dir of [storage, workspace]) fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  return suite;
}

export interface ChatTurn {
  started: ChatTurnStarted;
  /** The reply's `done` event. */
  done: ChatEventParams;
  /** The reply's tool results, in order. */
  results: ToolResult[];
}

/** Sends a chat message (to a new chat, or `sessionId`'s) and waits until its reply is done. */
export async function chatTurn(client: LspTestClient, input: string | UserInput, options: { sessionId?: string; timeoutMs?: number } = {}): Promise<ChatTurn> {
  const message = typeof input === 'string' ? { text: input, context: [] } : input;
  const started = await client.connection.sendRequest(ChatSendRequest.type, { sessionId: options.sessionId, input: message });
  const done = await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', options.timeoutMs ?? 20_000);
  const results = client.events.filter((e) => e.entryId === started.assistantEntryId && e.event.type === 'toolResult').map((e) => (e.event as { result: ToolResult }).result);
  return { started, done, results };
}
