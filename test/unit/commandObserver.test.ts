/**
 * The terminal view's feed: run_command reports the line that runs, its
 * output as it arrives and how it ended to the command observer, while the
 * model's copy of the output is unchanged; the LSP observer decodes UTF-8
 * split across chunks, batches output into few notifications and caps what
 * one command shows. An observer that throws changes nothing for the command.
 */
import assert from 'node:assert/strict';
import type { Connection } from 'vscode-languageserver/node';
import type { CommandActivity } from '../../protocol/lspMethods';
import { lspCommandObserver } from '../../language-server/agentTools/lspCommandObserver';
import type { CommandObserver } from '../../language-server/tools/toolTypes';
import { call, makeToolWorkspace, type ToolWorkspace } from '../fixtures/toolWorkspace';
import { until } from '../fixtures/until';

function recordingObserver(): CommandObserver & { events: string[] } {
  const events: string[] = [];
  return {
    events,
    started: (_callId, command) => events.push(`start ${command}`),
    output: (_callId, chunk) => events.push(`out ${chunk.toString('utf8')}`),
    ended: (_callId, end) => events.push(`end ${end.exitCode}`),
  };
}

function fakeConnection(): { connection: Connection; sent: CommandActivity[] } {
  const sent: CommandActivity[] = [];
  const connection = { sendNotification: async (_type: unknown, params: CommandActivity) => void sent.push(params) } as unknown as Connection;
  return { connection, sent };
}

describe('command observer', function () {
  this.timeout(15_000);
  let ws: ToolWorkspace;
  beforeEach(async () => {
    ws = await makeToolWorkspace({ 'a.txt': 'alpha\n' });
  });
  afterEach(() => ws.cleanup());

  it('sees the command line, its output and its exit code; the model gets the same output', async () => {
    const observer = recordingObserver();
    const r = await call(ws.executor({ commandObserver: observer }), 'run_command', { command: 'cat a.txt' });
    assert.equal(r.isError, false, r.content);
    assert.equal(observer.events[0], 'start cat a.txt');
    assert.equal(observer.events.filter((e) => e.startsWith('out ')).map((e) => e.slice(4)).join(''), 'alpha\n');
    assert.equal(observer.events[observer.events.length - 1], 'end 0');
    assert.ok(r.content.endsWith('Output:\nalpha\n'));
  });

  it('is not told about a command that was refused or rejected (nothing ran)', async () => {
    const observer = recordingObserver();
    await call(ws.executor({ commandObserver: observer }), 'run_command', { command: 'touch b.txt' });
    assert.deepEqual(observer.events, []);
  });

  it('an observer that throws does not change the command or its result', async () => {
    const throwing: CommandObserver = {
      started: () => undefined,
      output: () => {
        throw new Error('view broke');
      },
      ended: () => undefined,
    };
    const r = await call(ws.executor({ commandObserver: throwing }), 'run_command', { command: 'cat a.txt' });
    assert.equal(r.isError, false);
    assert.ok(r.content.endsWith('alpha\n'));
  });

  it('over LSP: decodes a character split across chunks and batches the output', async () => {
    const { connection, sent } = fakeConnection();
    const observer = lspCommandObserver(connection, { sessionId: 's1', entryId: 'a1' });
    observer.started('c1', 'echo é', '/w');
    const bytes = Buffer.from('é and ü\n', 'utf8');
    observer.output('c1', bytes.subarray(0, 1));
    observer.output('c1', bytes.subarray(1, 5));
    observer.output('c1', bytes.subarray(5));
    await until(() => sent.some((a) => a.kind === 'output'), 'the batched output');
    observer.ended('c1', { exitCode: 0, timedOut: false, cancelled: false, durationMs: 5 });
    assert.deepEqual(sent[0], { kind: 'start', sessionId: 's1', entryId: 'a1', callId: 'c1', command: 'echo é', cwd: '/w' });
    const outputs = sent.filter((a): a is Extract<CommandActivity, { kind: 'output' }> => a.kind === 'output');
    assert.equal(outputs.length, 1, 'three chunks in one notification');
    assert.equal(outputs[0].text, 'é and ü\n');
    assert.deepEqual(sent[sent.length - 1], { kind: 'end', callId: 'c1', exitCode: 0, timedOut: false, cancelled: false, durationMs: 5 });
  });

  it('over LSP: flushes pending output before the end, and caps what one command shows', async () => {
    const { connection, sent } = fakeConnection();
    const observer = lspCommandObserver(connection, { sessionId: 's1', entryId: 'a1' });
    observer.started('c1', 'yes', '/w');
    const chunk = Buffer.alloc(500_000, 'y');
    for (let i = 0; i < 6; i++) observer.output('c1', chunk);
    observer.ended('c1', { exitCode: 0, timedOut: false, cancelled: false, durationMs: 5 });
    const text = sent.filter((a): a is Extract<CommandActivity, { kind: 'output' }> => a.kind === 'output').map((a) => a.text).join('');
    assert.ok(text.length < 2_100_000, `capped (${text.length} characters)`);
    assert.match(text, /the rest of this command's output is not shown here/);
    assert.equal(sent[sent.length - 1].kind, 'end', 'the end comes after the last output');
  });
});
