/**
 * A mocha suite's team server with a developer's MCP server beside it: a
 * real team server on a real TLS port over the scripted Ollama, a
 * connection to it, and an McpManager running one stdio server on the
 * developer's side, all stopped after the suite (the MCP server's process
 * included). The remote-mode MCP tests share it instead of each spelling
 * out the same set-up and teardown.
 */
import { McpManager } from '../../agent-host';
import type { TeamServer } from '../../agent-host/server/teamServer';
import type { TeamConnection } from '../../language-server/remote/teamConnection';
import { startOllamaFixture, type OllamaFixture, type OllamaFixtureOptions } from '../fixtures/ollamaFixture';
import { isProcessGone } from '../fixtures/processGone';
import { until } from '../fixtures/until';
import { makePki, remoteConfig, startTestServer, teamConnection, type TestPki } from './teamServerHarness';

export interface RemoteMcpSuite {
  pki: TestPki;
  fixture: OllamaFixture;
  server: TeamServer;
  connection: TeamConnection;
  manager: McpManager;
}

export interface RemoteMcpSuiteOptions {
  /** The developer's MCP server: its name and the stdio command that starts it. */
  mcp: { name: string; command: string; args: string[] };
  /** When the server counts as started (its tools listed), and what the wait is called in a failure. */
  ready: { until: (manager: McpManager) => boolean; what: string };
  fixture?: OllamaFixtureOptions;
}

/** Registers before/after hooks in the calling suite and returns the parts, filled in once `before` ran. */
export function useRemoteMcpSuite(options: RemoteMcpSuiteOptions): RemoteMcpSuite {
  const suite = {} as RemoteMcpSuite;
  let pid: number | undefined;
  before(async () => {
    suite.pki = makePki();
    suite.fixture = await startOllamaFixture(options.fixture);
    ({ server: suite.server } = await startTestServer(remoteConfig(suite.pki, suite.fixture.url)));
    suite.connection = teamConnection(suite.server.port, suite.pki);
    suite.manager = new McpManager({ log: () => undefined });
    await suite.manager.configure([{ name: options.mcp.name, config: { command: options.mcp.command, args: options.mcp.args } }]);
    await until(() => options.ready.until(suite.manager), options.ready.what, 20_000);
    pid = suite.manager.status(options.mcp.name)?.pid;
  });
  after(async () => {
    await suite.manager?.dispose();
    if (pid) await until(() => isProcessGone(pid!), 'the MCP server to exit');
    suite.connection?.close();
    await suite.server?.shutdown(500);
    await suite.fixture?.close();
    suite.pki?.cleanup();
  });
  return suite;
}
