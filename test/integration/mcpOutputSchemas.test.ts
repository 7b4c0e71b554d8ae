/**
 * Tool output schemas through the real language server and a scripted stdio
 * server (test/fixtures/mcpOutputSchemaServer.main.ts) that lists its tools
 * on two pages: every tool's structured result is checked against its
 * declared output schema, whatever page listed it, and a server's schema can
 * neither keep the server from starting nor freeze the language server.
 */
import * as assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { MODEL, startMcpTestServer, toolMessages, useMcpSuite, type McpTestServer } from './mcpHarness';

const OUTPUT_SCHEMAS = fileURLToPath(new URL('../fixtures/mcpOutputSchemaServer.main.mjs', import.meta.url));

describe('MCP: tool output schemas (integration)', function () {
  this.timeout(90_000);
  const suite = useMcpSuite('mcp-output');

  async function start(extra?: 'unresolved' | 'backtracking'): Promise<McpTestServer> {
    suite.client = await startMcpTestServer({
      storagePath: suite.storage,
      workspace: suite.workspace,
      settings: {
        ollama: { host: suite.fixture.url },
        chat: { model: MODEL },
        mcp: { servers: { shapes: { command: process.execPath, args: [OUTPUT_SCHEMAS, ...(extra ? [extra] : [])] } } },
      },
    });
    // Settled either way, so a server that could not start fails here with its reason rather than after a long wait.
    const info = await suite.client.waitForServer('shapes', (s) => s.state === 'running' || s.state === 'failed' || s.state === 'restarting', 'settled');
    assert.equal(info.state, 'running', `the server started (last error: ${info.lastError})`);
    return suite.client;
  }

  it('checks the structured result of a tool listed on the first page of tools/list, not only the last page', async () => {
    const server = await start();
    assert.deepEqual((await server.list()).find((s) => s.name === 'shapes')!.tools.map((t) => t.name), ['shapes.count', 'shapes.echo'], 'both pages were listed');

    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'shapes.count', arguments: { value: 3 } }] }, { kind: 'text', text: 'Three.' });
    const good = await server.turn('Count');
    assert.equal(good.results[0].isError, false, good.results[0].content);
    assert.equal(good.results[0].content, '{"count":3}');

    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'shapes.count', arguments: { value: 'many' } }] }, { kind: 'text', text: 'Broken.' });
    const bad = await server.turn('Count again');
    assert.equal(bad.results[0].isError, true, `a result against the schema is not passed on as valid: ${bad.results[0].content}`);
    assert.equal(
      bad.results[0].content,
      'shapes.count returned structured content that does not match its declared output schema, so Hearth did not use its result: "count" must be an integer, got "many".',
    );
    assert.equal(toolMessages(suite.fixture.requests).at(-1)!.content, bad.results[0].content, 'the model was told');
  });

  it('a tool whose output schema has a $ref to nowhere does not keep the server and its other tools from starting', async () => {
    const server = await start('unresolved');
    assert.deepEqual((await server.list()).find((s) => s.name === 'shapes')!.tools.map((t) => t.name), ['shapes.count', 'shapes.echo', 'shapes.unresolved']);
    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'shapes.unresolved', arguments: { word: 'hearth' } }] }, { kind: 'text', text: 'Done.' });
    const turn = await server.turn('Use it');
    assert.equal(turn.results[0].isError, false, turn.results[0].content);
    assert.equal(turn.results[0].content, '{"word":"hearth"}');
  });

  it('a backtracking pattern in an output schema cannot freeze the language server', async () => {
    const server = await start('backtracking');
    // 40 characters: checked by a backtracking regular expression, this takes longer than the test runs.
    const word = `${'a'.repeat(40)}!`;
    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'shapes.backtracking', arguments: { word } }] }, { kind: 'text', text: 'Done.' });
    const turn = await server.turn('Use it', 20_000);
    assert.equal(turn.results[0].isError, false, turn.results[0].content);
    assert.equal(turn.results[0].content, JSON.stringify({ word }));
  });
});
