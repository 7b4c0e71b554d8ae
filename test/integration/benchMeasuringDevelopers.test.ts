/**
 * bench:server's measuring developers run in a light process of their own,
 * at the priority the bench asks for, and their turns are the bench's
 * headline. Scripted over stdin, they must run the turns they are told to,
 * time each one (its time to first text and its place on the wall clock,
 * which the bench sets against every stop it recorded), report the
 * priority they actually got, and say plainly when turns fail.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatRequestSummary } from '../../bench/benchResponders';
import { startMeasuringDevelopers } from '../../bench/measuringDevelopersProcess';
import { startScriptedOllama, type ScriptedOllama } from '../../bench/scriptedOllamaProcess';

describe("bench:server's measuring developers in their own process (integration)", () => {
  let dir: string;
  let model: ScriptedOllama;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-measuring-'));
    // 5 ms a token: a 40-token answer takes about 200 ms.
    model = await startScriptedOllama([process.execPath], 5, join(dir, 'model-stalls.log'));
  });

  after(async () => {
    await model.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs and times the turns it is told to, at the niceness it was started with', async () => {
    const developers = await startMeasuringDevelopers(['nice', '-n', '5', process.execPath], { mode: 'direct', url: model.url, users: [3, 4] });
    try {
      assert.equal(developers.nice, 5, 'the process reports the niceness it runs at');
      await developers.warm(0);
      await model.forget();
      const before = Date.now();
      const measured = await developers.measure(3, 50);
      const after = Date.now();
      assert.equal(measured.errors, 0, measured.errorMessages.join('; '));
      assert.equal(measured.ttftMs.length, 6, 'three turns for each of two developers');
      assert.equal(measured.timeline.length, 6);
      // A 40-token answer at 5 ms a token: each turn lasts longer than its first text takes, and longer than the answer.
      for (let i = 0; i < 6; i++) {
        assert.ok(measured.ttftMs[i] > 0 && measured.ttftMs[i] < measured.turnMs[i], `turn ${i}: first text ${measured.ttftMs[i]} ms, turn ${measured.turnMs[i]} ms`);
        assert.ok(measured.turnMs[i] >= 39 * 5, `turn ${i} took ${measured.turnMs[i]} ms`);
      }
      for (const t of measured.timeline) assert.ok(t.start >= before && t.start <= t.first && t.first <= after, JSON.stringify(t));
      assert.deepEqual([...new Set(measured.timeline.map((t) => t.user))].sort(), [3, 4]);
      // Each turn asked the model twice (before and after the developer's tool ran), as the developer named it.
      const chats = (await model.requests()).filter((r) => r.path === '/api/chat').map((r) => r.body as ChatRequestSummary);
      assert.equal(chats.length, 12);
      assert.deepEqual(
        [3, 4].map((user) => [chats.filter((c) => c.user === user && !c.afterTool).length, chats.filter((c) => c.user === user && c.afterTool).length]),
        [
          [3, 3],
          [3, 3],
        ],
      );
    } finally {
      await developers.close();
    }
  });

  it('counts failed turns with their message instead of timing them', async () => {
    // Nothing listens on this port: every turn fails to reach the model.
    const developers = await startMeasuringDevelopers([process.execPath], { mode: 'direct', url: 'http://127.0.0.1:9', users: [1] });
    try {
      const measured = await developers.measure(2, 0);
      assert.equal(measured.errors, 2);
      assert.deepEqual(measured.ttftMs, []);
      assert.equal(measured.errorMessages.length, 1);
      assert.match(measured.errorMessages[0], /\S/);
    } finally {
      await developers.close();
    }
  });
});
