/**
 * What the team server does to a turn's stream under load, and to its audit
 * trail: text deltas may be merged into fewer messages, but never reordered,
 * never lost, and the first one never waits; audit records are written in
 * batches, in order, readable only by the server's user.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentEvent } from '../../protocol/chat';
import { DeltaCoalescer, MAX_UNSENT_CHARS } from '../../agent-host/server/services/deltaCoalescer';
import { createAuditLog } from '../../agent-host/server/ops/auditLog';
import { modelOf } from '../../agent-host/server/backends/modelRouter';
import { deltaWindowMs, LoadGauge } from '../../agent-host/server/ops/loadGauge';
import { until } from '../fixtures/until';

function recorder() {
  const sent: AgentEvent[] = [];
  return { sent, send: async (e: AgentEvent) => void sent.push(e) };
}

const text = (delta: string): AgentEvent => ({ type: 'text', delta });
const joined = (events: AgentEvent[], type: 'text' | 'thinking') => events.filter((e) => e.type === type).map((e) => (e as { delta: string }).delta).join('');

describe('team server: streamed deltas under load', () => {
  it('sends the first delta at once, even with a long window', async () => {
    const { sent, send } = recorder();
    const out = new DeltaCoalescer(send, () => 10_000);
    await out.push(text('Hello'));
    assert.deepEqual(sent, [text('Hello')]);
    out.discard();
  });

  it('merges deltas that arrive within the window into one message, in order', async () => {
    const { sent, send } = recorder();
    const out = new DeltaCoalescer(send, () => 10_000);
    await out.push(text('A'));
    for (const d of ['b', 'c', 'd']) await out.push(text(d));
    assert.equal(sent.length, 1, 'the rest waits for the window');
    await out.push({ type: 'done', reason: 'stop' });
    assert.deepEqual(sent, [text('A'), text('bcd'), { type: 'done', reason: 'stop' }]);
  });

  it('with an idle server (window 0), deltas of the same moment still share a message but nothing waits for a timer', async () => {
    const { sent, send } = recorder();
    const out = new DeltaCoalescer(send, () => 0);
    await out.push(text('1'));
    await out.push(text('2'));
    await out.push(text('3'));
    await new Promise((r) => setImmediate(r));
    await out.flush();
    assert.deepEqual(sent, [text('1'), text('23')]);
  });

  it('keeps reasoning and answer apart and in order, and flushes before a tool call', async () => {
    const { sent, send } = recorder();
    const out = new DeltaCoalescer(send, () => 10_000);
    await out.push({ type: 'thinking', delta: 'Let me ' });
    await out.push({ type: 'thinking', delta: 'look.' });
    await out.push(text('Reading'));
    await out.push(text(' the file.'));
    await out.push({ type: 'toolCall', call: { id: 'c1', name: 'read_file', arguments: { path: 'a.ts' } } });
    await out.flush();
    assert.deepEqual(
      sent.map((e) => e.type),
      ['thinking', 'thinking', 'text', 'toolCall'],
    );
    assert.equal(joined(sent, 'thinking'), 'Let me look.');
    assert.equal(joined(sent, 'text'), 'Reading the file.');
  });

  it('an idle server streams a lone turn token by token, and widens the window as streams multiply, to its cap at a hundred', () => {
    // The default gauge, as the team server makes it: its cap is what developers see under load.
    const gauge = new LoadGauge();
    try {
      assert.equal(gauge.windowMs(1), 0, 'one developer sees every token as it comes');
      assert.equal(gauge.windowMs(0), 0);
      const at51 = gauge.windowMs(51);
      assert.ok(at51 > 20 && at51 < 100, `half way at 51 streams: ${at51} ms`);
      assert.equal(gauge.windowMs(101), 100, 'a hundred streams: ten updates a second, which the chat view reveals a little per frame');
      assert.equal(gauge.windowMs(5000), 100, 'never beyond the cap');
    } finally {
      gauge.stop();
    }
  });

  it('widens the window with the load up to its cap, never beyond it however busy, and narrows it again as the load falls', () => {
    assert.equal(deltaWindowMs(0.05, 1, 25), 0, 'an idle loop sends every token');
    const at30 = deltaWindowMs(0.3, 1, 25);
    assert.ok(at30 > 0 && at30 < 25, `between nothing and the cap at 30 % busy: ${at30} ms`);
    assert.equal(deltaWindowMs(0.5, 1, 25), 25, 'half busy: the cap');
    assert.equal(deltaWindowMs(0.6, 300, 25), 25, 'many streams never pass the cap');
    assert.equal(deltaWindowMs(1, 5000, 25), 25, 'a saturated loop with thousands of streams neither');
    assert.ok(deltaWindowMs(0.2, 1, 25) < at30, 'narrower again as the load falls');
  });

  it('sends a large backlog without waiting for the window', async () => {
    const { sent, send } = recorder();
    const out = new DeltaCoalescer(send, () => 10_000);
    await out.push(text('x'));
    for (let i = 0; i < 20; i++) await out.push(text('y'.repeat(1000)));
    assert.ok(sent.length >= 2, 'the backlog went out');
    out.discard();
  });

  it('makes the turn wait once a client that stopped reading has a backlog, and loses nothing when it reads again', async () => {
    let release!: () => void;
    const reading = new Promise<void>((resolve) => (release = resolve));
    const sent: AgentEvent[] = [];
    // The first message is written; every later one waits until the client reads again.
    const out = new DeltaCoalescer(async (e) => {
      sent.push(e);
      if (sent.length > 1) await reading;
    }, () => 0);
    await out.push(text('first '));
    let waiting: Promise<void> | undefined;
    let pushed = 0;
    // Deltas as a model streams them, each in its own turn of the event loop, so the timer flushes run between them.
    while (!waiting && pushed < 1000) {
      waiting = out.push(text('y'.repeat(1000)));
      pushed += 1;
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.ok(waiting, 'the turn was told to wait');
    assert.ok(pushed * 1000 <= MAX_UNSENT_CHARS + 2000, `it took ${pushed} deltas of 1,000 characters`);
    release();
    await waiting;
    await out.flush();
    assert.equal(joined(sent, 'text'), 'first ' + 'y'.repeat(1000 * pushed), 'every delta, in order');
  });
});

describe('team server: the audit file', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'hearth-audit-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('appends every record, in order, readable by the server only', async () => {
    const file = join(dir, 'audit.jsonl');
    const audit = createAuditLog(file);
    for (let i = 0; i < 50; i++) audit.record({ event: 'turn.start', user: `dev${i}`, turn: `t${i}`, model: 'm', tools: 0, historyMessages: 0 });
    await new Promise((r) => setImmediate(r));
    audit.record({ event: 'turn.end', user: 'dev0', turn: 't0', reason: 'stop', durationMs: 5 });
    await audit.flush!();
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string; user: string });
    assert.equal(lines.length, 51);
    assert.deepEqual(lines.slice(0, 50).map((l) => l.user), Array.from({ length: 50 }, (_, i) => `dev${i}`));
    assert.equal(lines[50].event, 'turn.end');
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  it('writes records on its own, without waiting for a flush', async () => {
    const file = join(dir, 'audit.jsonl');
    const audit = createAuditLog(file);
    const lines = () => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).length : 0);
    for (let i = 0; i < 10; i++) audit.record({ event: 'auth.failure', peer: `10.0.0.${i}`, reason: 'unknown key' });
    await until(() => lines() === 10, 'the ten records in the audit file');
    await audit.flush!();
  });

  it('sends records it cannot write to stderr instead of losing them', async () => {
    const seen: string[] = [];
    const audit = createAuditLog(join(dir, 'missing-folder', 'audit.jsonl'), (l) => seen.push(l));
    audit.record({ event: 'auth.failure', peer: '10.0.0.9', reason: 'unknown key' });
    await audit.flush!();
    assert.match(seen.join(''), /audit file not writable/);
    assert.match(seen.join(''), /"event":"auth.failure"/);
  });
});

describe('team server: the model a request names', () => {
  it('reads it from the start of the body the agent core writes, without parsing the rest', () => {
    const raw = JSON.stringify({ model: 'qwen2.5-coder:7b', messages: [{ role: 'user', content: 'hi' }], tools: [] });
    assert.deepEqual(modelOf(raw), { model: 'qwen2.5-coder:7b' });
    assert.equal(modelOf(`${raw.slice(0, 40)} this is not JSON`).model, 'qwen2.5-coder:7b', 'the rest is the backend\'s to read');
  });

  it('decodes an escaped name exactly', () => {
    assert.equal(modelOf(JSON.stringify({ model: 'we"ird\\name', stream: true })).model, 'we"ird\\name');
  });

  it('parses any other shape whole, and refuses what is not JSON', () => {
    assert.deepEqual(modelOf('{"stream":true,"model":"m"}'), { model: 'm', parsed: { stream: true, model: 'm' } });
    assert.equal(modelOf('{"stream":true}').model, '');
    assert.throws(() => modelOf('{"stream":'));
  });
});
