/**
 * MCP server log messages through the real language server: a server that
 * offers logging is asked for the level of `hearth.mcp.logLevel` (warning by
 * default, changed at once when the setting changes), and its records reach
 * the editor's MCP log prefixed with the level and logger. A scripted server
 * (test/fixtures/mcpLogFloodServer.main.ts) ignores the level and floods: what
 * is below the level stays hidden, each record is cut, terminal escapes and
 * forged lines are defused, and past a short burst records are counted, not
 * shown, with every one of them accounted for.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { until } from '../fixtures/until';
import { startMcpTestServer, stopAndClean, type McpTestServer } from './mcpHarness';

const FLOOD_SERVER = fileURLToPath(new URL('../fixtures/mcpLogFloodServer.main.mjs', import.meta.url));
/** The fixture's records at warning or above: its 3,000 "record N" and four special ones. */
const RECORDS_AT_WARNING = 3004;

describe('MCP server log messages (integration)', function () {
  this.timeout(60_000);
  let storage: string;
  let workspace: string;
  let hearth: McpTestServer | undefined;

  beforeEach(() => {
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-mcp-log-ls-'));
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-mcp-log-ws-'));
  });

  afterEach(async () => {
    const server = hearth;
    hearth = undefined;
    await stopAndClean(server, [storage, workspace]);
  });

  function settings(mcp: Record<string, unknown> = {}, args: string[] = []) {
    return { ollama: { host: 'http://127.0.0.1:9' }, mcp: { servers: { flood: { command: process.execPath, args: [FLOOD_SERVER, ...args] } }, ...mcp } };
  }

  /** The flood server's log lines as the output channel shows them (without the "flood: " the harness adds). */
  function floodLines(): string[] {
    return hearth!.mcpLogs.filter((l) => l.startsWith('flood: ')).map((l) => l.slice('flood: '.length));
  }

  it('asks for warning by default and shows a flood only in part, cut and defused, counting the rest', async () => {
    const started = Date.now();
    hearth = await startMcpTestServer({ storagePath: storage, workspace, settings: settings({}, ['--flood']) });
    await until(() => floodLines().includes('[emergency] flood: level set to warning'), 'the server to report the level Hearth asked for', 20_000);

    const records = () => floodLines().filter((l) => /^\[(debug|info|notice|warning|error|critical|alert|emergency)\] /.test(l));
    const dropped = () => floodLines().reduce((sum, l) => sum + Number(/^(\d+) more log messages? not shown: the server sent more than 5 a second\.$/.exec(l)?.[1] ?? 0), 0);
    // Every record at or above the level is either shown or counted: nothing is lost silently.
    await until(() => records().length + dropped() === RECORDS_AT_WARNING, `all ${RECORDS_AT_WARNING} records to be shown or counted`, 30_000);
    const shown = records().length;
    const seconds = (Date.now() - started) / 1000;
    assert.ok(shown <= 50 + 5 * seconds + 1, `a burst of 50, then 5 a second: ${shown} shown in ${seconds.toFixed(1)} s`);
    assert.ok(dropped() > 2000, `most of the flood was counted, not shown (${dropped()})`);

    const lines = floodLines();
    assert.ok(!lines.some((l) => l.includes('below the level')), 'an info record is hidden though the server ignored the level');
    const big = lines.find((l) => l.startsWith('[error] flood: BBBB'));
    assert.ok(big, 'the 1 MB record is shown');
    assert.ok(big.length < 2_100, `cut to 2,000 characters and a note (${big.length})`);
    assert.match(big, /… \(cut: the message has 1000000 characters\)$/);
    const forged = lines.find((l) => l.startsWith('[warning] flood: line one'));
    assert.equal(forged, '[warning] flood: line one\n    [MCP everything] forged line [31mred', 'its second line is indented and the escape is gone');
    assert.ok(lines.includes('[critical] {"nested":{"count":3}}'), 'JSON data without a logger');
    assert.ok(lines.every((l) => !l.includes('\u001b')), 'no terminal escapes reach the output');
    assert.ok(lines.includes('[error] flood: record 0'), 'the first records of the flood are shown');
    // The language server kept answering throughout.
    assert.equal((await hearth.list()).find((s) => s.name === 'flood')?.state, 'running');
  });

  it('asks running servers again when the setting changes; off shows nothing', async () => {
    hearth = await startMcpTestServer({ storagePath: storage, workspace, settings: settings({ logLevel: 'error' }) });
    await until(() => floodLines().includes('[emergency] flood: level set to error'), 'the server to be asked for error', 20_000);
    const pid = (await hearth.waitForServer('flood', (s) => s.state === 'running', 'running')).pid;

    hearth.client.setSettings(settings({ logLevel: 'critical' }));
    await until(() => floodLines().includes('[emergency] flood: level set to critical'), 'the running server to be asked for critical', 10_000);
    // `off` asks for the least there is and shows nothing, not even a record the server sends anyway.
    hearth.client.setSettings(settings({ logLevel: 'off' }));
    await until(() => hearth!.mcpLogs.includes("hearth: MCP servers' log messages are not shown (hearth.mcp.logLevel is off)."), 'the off level to be applied', 10_000);
    hearth.client.setSettings(settings({ logLevel: 'alert' }));
    await until(() => floodLines().includes('[emergency] flood: level set to alert'), 'the running server to be asked for alert', 10_000);
    // One stdio stream keeps the server's order: its record about the `off` level came before this one, and was hidden.
    assert.ok(!floodLines().some((l) => l.includes('level set to emergency')), `nothing shown while off: ${JSON.stringify(floodLines())}`);
    assert.equal((await hearth.list()).find((s) => s.name === 'flood')?.pid, pid, 'a level change does not restart the server');
  });
});
