/**
 * A mocha suite's language server signed in to a team server: a real team
 * server on a real TLS port over the scripted Ollama, and the real language
 * server in remote mode connected to it as alice, with the developer's own
 * MCP servers on the developer's side; all stopped after the suite (the MCP
 * servers' processes included). The remote-mode tests that go through the
 * language server share it instead of each spelling out the same set-up.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ServerConfig } from '../../agent-host/server/config/serverConfig';
import type { TeamServer } from '../../agent-host/server/teamServer';
import { TeamConnectRequest } from '../../protocol/lspMethods';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { killLeftovers, MODEL, startMcpTestServer, type McpTestServer } from './mcpHarness';
import { ALICE_KEY, makePki, remoteConfig, startTestServer, type MemoryAudit, type TestPki } from './teamServerHarness';

export interface SignedInHearth {
  pki: TestPki;
  fixture: OllamaFixture;
  server: TeamServer;
  audit: MemoryAudit;
  hearth: McpTestServer;
}

export interface SignedInHearthOptions {
  /** Names the suite's temporary folders. */
  name: string;
  /** The team server's configuration beyond the test defaults (the admin's MCP servers, limits). */
  configure?: (config: ServerConfig) => void;
  /** The language server's `hearth.mcp` settings: the developer's own servers and their options. */
  mcp: Record<string, unknown>;
  /** Waits until the developer's servers are ready, once signed in. */
  ready: (hearth: McpTestServer) => Promise<unknown>;
}

/** Registers before/after hooks in the calling suite and returns the parts, filled in once `before` ran. */
export function useSignedInHearth(options: SignedInHearthOptions): SignedInHearth {
  const suite = {} as SignedInHearth;
  const folders: string[] = [];
  before(async () => {
    suite.pki = makePki();
    suite.fixture = await startOllamaFixture();
    ({ server: suite.server, audit: suite.audit } = await startTestServer(remoteConfig(suite.pki, suite.fixture.url, options.configure)));
    const storage = fs.mkdtempSync(path.join(os.tmpdir(), `hearth-${options.name}-ls-`));
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), `hearth-${options.name}-ws-`));
    folders.push(storage, workspace);
    const url = `grpcs://localhost:${suite.server.port}`;
    suite.hearth = await startMcpTestServer({
      storagePath: storage,
      workspace,
      settings: { server: { mode: 'remote', url, caFile: path.join(suite.pki.dir, 'ca.crt') }, chat: { model: MODEL }, mcp: options.mcp },
    });
    const status = await suite.hearth.client.connection.sendRequest(TeamConnectRequest.type, { url, apiKey: ALICE_KEY });
    assert.equal(status.state, 'connected', JSON.stringify(status));
    await options.ready(suite.hearth);
  });
  after(async () => {
    const pids = suite.hearth?.pids ?? new Set<number>();
    try {
      await suite.hearth?.stop();
    } finally {
      killLeftovers(pids);
      await suite.server?.shutdown(500);
      await suite.fixture?.close();
      suite.pki?.cleanup();
      for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  return suite;
}
