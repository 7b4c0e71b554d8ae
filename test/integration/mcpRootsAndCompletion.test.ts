/**
 * Roots that follow the workspace folders, and argument completion, with
 * @modelcontextprotocol/server-everything through the real language server.
 * When the editor reports added or removed folders
 * (`workspace/didChangeWorkspaceFolders`), running servers are sent
 * `notifications/roots/list_changed` and their next `roots/list` gets the new
 * folders; `hearth/mcp/complete` asks a server that offers completions for a
 * prompt argument's or a template variable's values, and the chat input
 * offers them while a prompt's arguments are typed (the webview in jsdom,
 * its questions passed on as the extension passes them).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DidChangeWorkspaceFoldersNotification, ResponseError } from 'vscode-languageserver-protocol/node';
import { McpCompleteRequest, SlashCommandsRequest, type McpCompleteParams } from '../../protocol/lspMethods';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { until, untilValue } from '../fixtures/until';
import { keydown, type } from '../unit/webviewTestHarness';
import { composerOverLsp } from './composerOverLsp';
import { EVERYTHING_SERVER, MODEL, startMcpTestServer, stopAndClean, type McpTestServer } from './mcpHarness';

/** A server that offers logging only, not completions (test/fixtures/mcpLogFloodServer.main.ts, without its flood). */
const NO_COMPLETIONS_SERVER = fileURLToPath(new URL('../fixtures/mcpLogFloodServer.main.mjs', import.meta.url));

describe('MCP roots that follow the workspace folders, and argument completion (integration)', function () {
  this.timeout(60_000);
  let fixture: OllamaFixture;
  let storage: string;
  let first: string;
  let second: string;
  let hearth: McpTestServer | undefined;

  beforeEach(async () => {
    fixture = await startOllamaFixture();
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-mcp-roots-ls-'));
    first = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-mcp-roots-a-'));
    second = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-mcp-roots-b-'));
    hearth = await startMcpTestServer({
      storagePath: storage,
      workspace: first,
      settings: {
        ollama: { host: fixture.url },
        chat: { model: MODEL },
        mcp: {
          // At info, server-everything's "Roots updated" records show when it fetched the roots again.
          logLevel: 'info',
          servers: { everything: { command: process.execPath, args: [EVERYTHING_SERVER, 'stdio'] }, plain: { command: process.execPath, args: [NO_COMPLETIONS_SERVER] } },
        },
      },
    });
    await hearth.waitForServer('everything', (s) => s.state === 'running', 'running');
    await hearth.waitForServer('plain', (s) => s.state === 'running', 'running');
  });

  afterEach(async () => {
    const server = hearth;
    hearth = undefined;
    try {
      await stopAndClean(server, [storage, first, second]);
    } finally {
      await fixture.close();
    }
  });

  const rootsUpdated = (count: number) => hearth!.mcpLogs.filter((l) => l === `everything: [info] everything-server: Roots updated: ${count} root(s) received from client`).length;

  /** The roots server-everything knows now, through its get-roots-list tool, as the model would see them. */
  async function rootsSeenByServer(): Promise<{ uri: string; name: string }[]> {
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'everything.get-roots-list', arguments: {} }] }, { kind: 'text', text: 'Listed.' });
    const { results } = await hearth!.turn('Which roots do you see?');
    assert.equal(results[0].isError, false, results[0].content);
    return [...results[0].content.matchAll(/\d+\. (.+)\n\s+URI: (file:\/\/\S+)/g)].map((m) => ({ name: m[1], uri: m[2] }));
  }

  it('tells running servers when folders are added or removed, and answers roots/list with the folders open now', async () => {
    await until(() => rootsUpdated(1) === 1, 'server-everything to fetch the roots at start', 20_000);
    assert.deepEqual(await rootsSeenByServer(), [{ name: path.basename(first), uri: pathToFileURL(first).href }]);

    await hearth!.client.connection.sendNotification(DidChangeWorkspaceFoldersNotification.type, {
      event: { added: [{ uri: pathToFileURL(second).href, name: 'second' }], removed: [] },
    });
    await until(() => rootsUpdated(2) === 1, 'server-everything to fetch the roots again after roots/list_changed', 10_000);
    assert.deepEqual(await rootsSeenByServer(), [
      { name: path.basename(first), uri: pathToFileURL(first).href },
      { name: path.basename(second), uri: pathToFileURL(second).href },
    ]);

    await hearth!.client.connection.sendNotification(DidChangeWorkspaceFoldersNotification.type, {
      event: { added: [], removed: [{ uri: pathToFileURL(first).href, name: 'first' }] },
    });
    await until(() => rootsUpdated(1) === 2, 'server-everything to fetch the roots after a folder was removed', 10_000);
    assert.deepEqual(await rootsSeenByServer(), [{ name: path.basename(second), uri: pathToFileURL(second).href }]);
  });

  const complete = (params: McpCompleteParams) => hearth!.client.connection.sendRequest(McpCompleteRequest.type, params);

  it('completes a prompt argument, narrowed by the arguments already filled', async () => {
    const department = await complete({ server: 'everything', ref: { type: 'prompt', name: 'completable-prompt' }, argument: { name: 'department', value: 'S' } });
    assert.deepEqual(department.values, ['Sales', 'Support']);
    assert.equal(department.hasMore, false);
    const name = await complete({
      server: 'everything',
      ref: { type: 'prompt', name: 'completable-prompt' },
      argument: { name: 'name', value: '' },
      context: { department: 'Marketing' },
    });
    assert.deepEqual(name.values, ['Grace', 'Henry', 'Iris']);
  });

  it('completes a resource template variable', async () => {
    const uriTemplate = 'demo://resource/dynamic/text/{resourceId}';
    assert.deepEqual((await complete({ server: 'everything', ref: { type: 'resourceTemplate', uriTemplate }, argument: { name: 'resourceId', value: '7' } })).values, ['7']);
    assert.deepEqual((await complete({ server: 'everything', ref: { type: 'resourceTemplate', uriTemplate }, argument: { name: 'resourceId', value: 'x' } })).values, []);
  });

  it('offers the server\'s values in the chat input while a prompt\'s arguments are typed, each narrowed by the one before', async () => {
    const name = 'mcp.everything.completable-prompt';
    await untilValue(
      async () => ((await hearth!.client.connection.sendRequest(SlashCommandsRequest.type, { query: name })).commands.some((c) => c.name === name) ? true : undefined),
      'the prompt to be listed',
      10_000,
    );
    // The view's questions go where the extension sends them: the / list to hearth/slash/list, argument questions through PromptArgumentSuggestions.
    const { h, composer, showing, dispose } = composerOverLsp(hearth!.client.connection);
    try {
      type(composer, '/mcp.everything.compl');
      await until(() => h.$$('slash-suggestion').some((o) => o.getAttribute('data-command') === name), 'the prompt in the / list', 10_000);
      keydown(composer, 'Enter');
      await until(showing(['Engineering', 'Sales', 'Marketing', 'Support']), 'the departments offered for the first argument', 10_000);

      type(composer, `/${name} Mar`);
      await until(showing(['Marketing']), 'the departments narrowed to what was typed', 10_000);
      keydown(composer, 'Tab');
      assert.equal(composer.value, `/${name} Marketing `);
      await until(showing(['Grace', 'Henry', 'Iris']), 'Marketing\'s people for the second argument (the first passed as context)', 10_000);
      keydown(composer, 'ArrowUp');
      keydown(composer, 'Enter');
      assert.equal(composer.value, `/${name} Marketing Iris`);
      await until(() => h.api.of('completeArgument').some((q) => q.value === 'Iris'), 'the question for the accepted value');
      keydown(composer, 'Enter');
      assert.deepEqual(h.api.last('send')?.command, { name, args: 'Marketing Iris' });
    } finally {
      dispose();
    }
  });

  it('offers nothing from a server without completions, and refuses an unknown server or a malformed request with the reason', async () => {
    assert.deepEqual(await complete({ server: 'plain', ref: { type: 'prompt', name: 'anything' }, argument: { name: 'a', value: '' } }), { values: [], hasMore: false });
    await assert.rejects(complete({ server: 'nowhere', ref: { type: 'prompt', name: 'p' }, argument: { name: 'a', value: '' } }), (err: unknown) => {
      assert.ok(err instanceof ResponseError);
      assert.match(err.message, /there is no MCP server "nowhere"/);
      return true;
    });
    const malformed = { server: 'everything', ref: { type: 'tool', name: 'echo' }, argument: { name: 'a', value: '' } } as unknown as McpCompleteParams;
    await assert.rejects(complete(malformed), /ref\.type must be "prompt" or "resourceTemplate"/);
    const long: McpCompleteParams = { server: 'everything', ref: { type: 'prompt', name: 'completable-prompt' }, argument: { name: 'department', value: 'x'.repeat(1001) } };
    await assert.rejects(complete(long), /argument\.value must be a string of up to 1000 characters/);
  });
});
