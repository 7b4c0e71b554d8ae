/**
 * What every shared state store must do, run against the in-memory store
 * (teamServerSharedState.test.ts) and against a real Redis
 * (integration/teamServerRedisState.test.ts), so the two cannot drift apart.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { SharedState } from '../../agent-host/server/state/sharedState';

const HOUR = 3_600_000;

export function describeSharedStateContract(name: string, make: () => Promise<SharedState>): void {
  describe(`shared state contract: ${name}`, function () {
    this.timeout(20_000);
    let state: SharedState;
    beforeEach(async () => {
      state = await make();
    });
    afterEach(async () => {
      await state?.close();
    });

    it('rotates a family once per token; an unknown family is unknown', async () => {
      const fam = randomUUID();
      await state.families.start(fam, 'alice', 'j0', Date.now() + HOUR);
      assert.deepEqual(await state.families.rotate(fam, 'j0', 'j1', Date.now() + HOUR, 10_000), { ok: true, user: 'alice' });
      assert.deepEqual(await state.families.rotate(fam, 'j1', 'j2', Date.now() + HOUR, 10_000), { ok: true, user: 'alice' });
      assert.deepEqual(await state.families.rotate(randomUUID(), 'j0', 'j1', Date.now() + HOUR, 10_000), { ok: false, reason: 'unknown' });
      assert.equal(await state.families.isRevoked(fam), false);
      assert.deepEqual([await state.families.standing(fam), await state.families.standing(randomUUID())], ['current', 'unknown']);
    });

    it('the token rotated last is accepted again within the window (answered with the current jti), then revokes the family', async () => {
      const fam = randomUUID();
      await state.families.start(fam, 'alice', 'j0', Date.now() + HOUR);
      const both = await Promise.all([state.families.rotate(fam, 'j0', 'j1', Date.now() + HOUR, 400), state.families.rotate(fam, 'j0', 'j1b', Date.now() + HOUR, 400)]);
      const first = both.find((o) => o.ok && !('replayOf' in o));
      const retry = both.find((o) => o.ok && 'replayOf' in o);
      assert.ok(first && retry, `one rotation and one replay: ${JSON.stringify(both)}`);
      const current = first === both[0] ? 'j1' : 'j1b';
      assert.deepEqual(retry, { ok: true, user: 'alice', replayOf: current });
      await new Promise((r) => setTimeout(r, 600));
      assert.deepEqual(await state.families.rotate(fam, 'j0', 'j9', Date.now() + HOUR, 400), { ok: false, reason: 'reused' });
      assert.equal(await state.families.isRevoked(fam), true);
      assert.equal(await state.families.standing(fam), 'revoked');
      assert.deepEqual(await state.families.rotate(fam, current, 'j2', Date.now() + HOUR, 400), { ok: false, reason: 'revoked' });
    });

    it('a token older than the one rotated last revokes the family at once', async () => {
      const fam = randomUUID();
      await state.families.start(fam, 'alice', 'j0', Date.now() + HOUR);
      await state.families.rotate(fam, 'j0', 'j1', Date.now() + HOUR, 10_000);
      await state.families.rotate(fam, 'j1', 'j2', Date.now() + HOUR, 10_000);
      assert.deepEqual(await state.families.rotate(fam, 'j0', 'j9', Date.now() + HOUR, 10_000), { ok: false, reason: 'reused' });
      assert.equal(await state.families.isRevoked(fam), true);
    });

    it("revokes every family of a removed user and nobody else's", async () => {
      const user = `u-${randomUUID()}`;
      const [a, b, other] = [randomUUID(), randomUUID(), randomUUID()];
      await state.families.start(a, user, 'x', Date.now() + HOUR);
      await state.families.start(b, user, 'y', Date.now() + HOUR);
      await state.families.start(other, 'bob', 'z', Date.now() + HOUR);
      await state.families.revokeUser(user);
      assert.deepEqual([await state.families.isRevoked(a), await state.families.isRevoked(b), await state.families.isRevoked(other)], [true, true, false]);
    });

    it("rate limits allow a minute's allowance per key, then say when the next is allowed", async () => {
      const limit = state.rateLimit(`chat-${randomUUID()}`, 2);
      assert.equal(await limit.take('alice'), 0);
      assert.equal(await limit.take('alice'), 0);
      const wait = await limit.take('alice');
      assert.ok(wait > 29_000 && wait <= 30_000, `wait ${wait}`);
      assert.equal(await limit.take('bob'), 0, 'limits are per key');
      assert.equal(await state.rateLimit('x', 0).take('alice'), 0, '0 means unlimited');
    });

    it('a throttle allows its allowance per period, can be looked at without taking, and takes a token back', async () => {
      const throttle = state.throttle(`failures-${randomUUID()}`, 3, 3_000);
      assert.equal(await throttle.waitFor('10.0.0.1'), 0, 'an address never seen is not blocked');
      await throttle.giveBack('10.0.0.1');
      for (let i = 0; i < 3; i++) assert.equal(await throttle.take('10.0.0.1'), 0);
      const wait = await throttle.take('10.0.0.1');
      assert.ok(wait > 900 && wait <= 1_000, `wait ${wait}: one token comes back per second`);
      const looked = await throttle.waitFor('10.0.0.1');
      assert.ok(looked > 0 && looked <= wait, `looking says the same (${looked}) and takes nothing`);
      await throttle.giveBack('10.0.0.1');
      assert.equal(await throttle.waitFor('10.0.0.1'), 0, 'a token given back may be taken again');
      assert.equal(await throttle.take('10.0.0.1'), 0);
      assert.ok((await throttle.take('10.0.0.1')) > 0);
      assert.equal(await throttle.take('10.0.0.2'), 0, 'throttles are per key');
      for (let i = 0; i < 5; i++) await throttle.giveBack('10.0.0.2');
      for (let i = 0; i < 3; i++) assert.equal(await throttle.take('10.0.0.2'), 0);
      assert.ok((await throttle.take('10.0.0.2')) > 0, 'giving back never raises the allowance');
    });

    it('admin sessions: alive once started, until ended or expired; beyond the limit the oldest ends', async () => {
      const [s1, s2, s3, s4] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      await state.adminSessions.start(s1, 60_000, 64);
      assert.equal(await state.adminSessions.isAlive(s1), true);
      assert.equal(await state.adminSessions.isAlive(s2), false, 'a session never started is not alive');
      await state.adminSessions.end(s1);
      assert.equal(await state.adminSessions.isAlive(s1), false);
      await state.adminSessions.end(s1);
      await state.adminSessions.start(s2, 300, 64);
      await new Promise((r) => setTimeout(r, 450));
      assert.equal(await state.adminSessions.isAlive(s2), false, 'expired');
      await state.adminSessions.start(s2, 60_000, 2);
      await new Promise((r) => setTimeout(r, 5));
      await state.adminSessions.start(s3, 60_000, 2);
      await new Promise((r) => setTimeout(r, 5));
      await state.adminSessions.start(s4, 60_000, 2);
      assert.deepEqual([await state.adminSessions.isAlive(s2), await state.adminSessions.isAlive(s3), await state.adminSessions.isAlive(s4)], [false, true, true]);
    });
  });
}
