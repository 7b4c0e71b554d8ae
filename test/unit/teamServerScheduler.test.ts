/** The GPU scheduler: capacity, completions first (for a bounded time), round robin between users, bounded queues. */
import assert from 'node:assert/strict';
import { CHAT_DEFER_LIMIT_MS, Scheduler, type Slot, type SlotRequest } from '../../agent-host/server/scheduler/scheduler';
import { NoBackendError, QueueAbortedError, QueueFullError } from '../../agent-host/server/scheduler/schedulerErrors';
import { RateLimiter } from '../../agent-host/server/scheduler/rateLimiter';
import { SharedSlotCounter } from '../fixtures/sharedSlotCounter';
import { until } from '../fixtures/until';

const OPTIONS = { policy: 'fair' as const, maxQueue: 100, maxQueuePerUser: 50, maxWaitMs: 60_000 };

/** Queues requests, recording the order in which they are granted. */
function harness(scheduler: Scheduler) {
  const order: string[] = [];
  const slots: Slot[] = [];
  const submit = (label: string, req: SlotRequest) =>
    scheduler.acquire(req).then((slot) => {
      order.push(label);
      slots.push(slot);
      return slot;
    });
  /** Releases the oldest running slot and lets the grant settle. */
  const releaseOne = async () => {
    slots.shift()!.release();
    await new Promise((r) => setImmediate(r));
  };
  return { order, slots, submit, releaseOne };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('team server scheduler', () => {
  it('never runs more than a backend\'s capacity at once', async () => {
    const s = new Scheduler([{ id: 'gpu', capacity: 2 }], OPTIONS, () => true);
    const h = harness(s);
    for (let i = 0; i < 5; i++) void h.submit(`r${i}`, { user: 'u', kind: 'chat', model: 'm' });
    await tick();
    assert.deepEqual(h.order, ['r0', 'r1']);
    assert.equal(s.inFlight('gpu'), 2);
    assert.equal(s.queued, 3);
    await h.releaseOne();
    assert.deepEqual(h.order, ['r0', 'r1', 'r2']);
  });

  it('takes users in turn: one user\'s ten queued chat requests do not delay another\'s one', async () => {
    const s = new Scheduler([{ id: 'gpu', capacity: 1 }], OPTIONS, () => true);
    const h = harness(s);
    void h.submit('busy-0', { user: 'busy', kind: 'chat', model: 'm' });
    await tick();
    for (let i = 1; i <= 10; i++) void h.submit(`busy-${i}`, { user: 'busy', kind: 'chat', model: 'm' });
    void h.submit('quiet-1', { user: 'quiet', kind: 'chat', model: 'm' });
    void h.submit('other-1', { user: 'other', kind: 'chat', model: 'm' });
    await tick();
    for (let i = 0; i < 4; i++) await h.releaseOne();
    assert.deepEqual(h.order, ['busy-0', 'busy-1', 'quiet-1', 'other-1', 'busy-2']);
  });

  it('serves inline completions before chat requests', async () => {
    const s = new Scheduler([{ id: 'gpu', capacity: 1 }], OPTIONS, () => true);
    const h = harness(s);
    void h.submit('chat-0', { user: 'a', kind: 'chat', model: 'm' });
    await tick();
    void h.submit('chat-1', { user: 'a', kind: 'chat', model: 'm' });
    void h.submit('chat-2', { user: 'b', kind: 'chat', model: 'm' });
    void h.submit('fim-1', { user: 'c', kind: 'completion', model: 'm' });
    await tick();
    await h.releaseOne();
    assert.deepEqual(h.order, ['chat-0', 'fim-1']);
  });

  it('one developer keeping completions queued does not starve another\'s chat: past the defer limit the chat goes first', async () => {
    let now = 0;
    const s = new Scheduler([{ id: 'gpu', capacity: 1 }], OPTIONS, () => true, {}, () => now);
    const h = harness(s);
    void h.submit('fim-0', { user: 'flood', kind: 'completion', model: 'm' });
    await tick();
    void h.submit('chat', { user: 'bob', kind: 'chat', model: 'm' });
    for (let i = 1; i <= 5; i++) void h.submit(`fim-${i}`, { user: 'flood', kind: 'completion', model: 'm' });
    await tick();
    // Within the limit, completions still go first.
    now = CHAT_DEFER_LIMIT_MS - 1;
    await h.releaseOne();
    assert.deepEqual(h.order, ['fim-0', 'fim-1']);
    // Past it, the chat request goes next although completions still wait; then they do.
    now = CHAT_DEFER_LIMIT_MS;
    await h.releaseOne();
    await h.releaseOne();
    assert.deepEqual(h.order, ['fim-0', 'fim-1', 'chat', 'fim-2']);
  });

  it('keeps a reserved slot free of chat, so a completion starts at once while chat saturates the GPU', async () => {
    const s = new Scheduler([{ id: 'gpu', capacity: 2 }], { ...OPTIONS, reservedCompletionSlots: 1 }, () => true);
    const h = harness(s);
    void h.submit('chat-0', { user: 'a', kind: 'chat', model: 'm' });
    void h.submit('chat-1', { user: 'b', kind: 'chat', model: 'm' });
    await tick();
    assert.deepEqual(h.order, ['chat-0'], 'the second chat waits although a slot is free');
    void h.submit('fim', { user: 'c', kind: 'completion', model: 'm' });
    await tick();
    assert.deepEqual(h.order, ['chat-0', 'fim']);
  });

  it('fcfs serves strictly in arrival order (the baseline the benchmark compares with)', async () => {
    const s = new Scheduler([{ id: 'gpu', capacity: 1 }], { ...OPTIONS, policy: 'fcfs' }, () => true);
    const h = harness(s);
    void h.submit('a0', { user: 'a', kind: 'chat', model: 'm' });
    await tick();
    void h.submit('a1', { user: 'a', kind: 'chat', model: 'm' });
    void h.submit('b1', { user: 'b', kind: 'completion', model: 'm' });
    await tick();
    await h.releaseOne();
    await h.releaseOne();
    assert.deepEqual(h.order, ['a0', 'a1', 'b1']);
  });

  it('sends a request to the least-loaded backend that has the model', async () => {
    const has = (id: string, model: string) => (model === 'big' ? id === 'gpu-b' : model === 'small');
    const s = new Scheduler([{ id: 'gpu-a', capacity: 2 }, { id: 'gpu-b', capacity: 2 }], OPTIONS, has);
    const first = await s.acquire({ user: 'u', kind: 'chat', model: 'small' });
    const second = await s.acquire({ user: 'u', kind: 'chat', model: 'small' });
    assert.notEqual(first.backendId, second.backendId, 'spread over both backends');
    const big = await s.acquire({ user: 'u', kind: 'chat', model: 'big' });
    assert.equal(big.backendId, 'gpu-b');
    await assert.rejects(s.acquire({ user: 'u', kind: 'chat', model: 'none' }).then(() => undefined), NoBackendError);
    const hasNone = new Scheduler([{ id: 'x', capacity: 1 }], OPTIONS, () => false);
    await assert.rejects(hasNone.acquire({ user: 'u', kind: 'chat', model: 'm' }), NoBackendError);
  });

  it('refuses beyond the total and per-user queue bounds, with a retry hint', async () => {
    const s = new Scheduler([{ id: 'gpu', capacity: 1 }], { ...OPTIONS, maxQueue: 3, maxQueuePerUser: 2 }, () => true);
    await s.acquire({ user: 'a', kind: 'chat', model: 'm' });
    void s.acquire({ user: 'a', kind: 'chat', model: 'm' }).catch(() => undefined);
    void s.acquire({ user: 'a', kind: 'chat', model: 'm' }).catch(() => undefined);
    await assert.rejects(s.acquire({ user: 'a', kind: 'chat', model: 'm' }), (err: QueueFullError) => err instanceof QueueFullError && /already have 2 requests waiting.*retry in \d+ s/.test(err.message) && err.retryAfterMs >= 1000);
    void s.acquire({ user: 'b', kind: 'chat', model: 'm' }).catch(() => undefined);
    await assert.rejects(s.acquire({ user: 'c', kind: 'completion', model: 'm' }), (err: QueueFullError) => err instanceof QueueFullError && /at capacity/.test(err.message));
    assert.equal(s.admission('d').ok, false);
  });

  it('a cancelled waiter leaves the queue and never gets a slot', async () => {
    const s = new Scheduler([{ id: 'gpu', capacity: 1 }], OPTIONS, () => true);
    const running = await s.acquire({ user: 'a', kind: 'chat', model: 'm' });
    const controller = new AbortController();
    const waiting = s.acquire({ user: 'b', kind: 'chat', model: 'm', signal: controller.signal });
    controller.abort();
    await assert.rejects(waiting, QueueAbortedError);
    assert.equal(s.queued, 0);
    running.release();
    running.release();
    assert.equal(s.inFlight('gpu'), 0, 'a double release frees one slot only');
  });

  it('a request that finds a free slot starts at once and never shows in the queue depth; one that waits does', async () => {
    const depths: number[] = [];
    const waited: number[] = [];
    const s = new Scheduler([{ id: 'gpu', capacity: 1 }], OPTIONS, () => true, {
      queueChanged: (_kind, depth) => depths.push(depth),
      started: (_kind, _backend, waitedMs) => waited.push(waitedMs),
    });
    const first = await s.acquire({ user: 'a', kind: 'chat', model: 'm' });
    assert.deepEqual(depths, [], 'nothing queued for a request that started at once');
    const second = s.acquire({ user: 'b', kind: 'chat', model: 'm' });
    assert.deepEqual(depths, [1]);
    first.release();
    await second;
    assert.deepEqual(depths, [1, 0]);
    assert.equal(waited.length, 2);
    assert.ok(waited[0] < 5, `started at once, not after ${waited[0]} ms`);
  });

  it('a request that started at once keeps its slot when its signal aborts later (the caller releases it)', async () => {
    const s = new Scheduler([{ id: 'gpu', capacity: 1 }], OPTIONS, () => true);
    const controller = new AbortController();
    const slot = await s.acquire({ user: 'a', kind: 'chat', model: 'm', signal: controller.signal });
    controller.abort();
    assert.equal(s.inFlight('gpu'), 1);
    const next = s.acquire({ user: 'b', kind: 'chat', model: 'm' });
    slot.release();
    assert.equal((await next).backendId, 'gpu');
  });

  it('a waiter that waits longer than maxWaitMs is refused', async () => {
    const s = new Scheduler([{ id: 'gpu', capacity: 1 }], { ...OPTIONS, maxWaitMs: 20 }, () => true);
    await s.acquire({ user: 'a', kind: 'chat', model: 'm' });
    await assert.rejects(s.acquire({ user: 'b', kind: 'chat', model: 'm' }), /No GPU slot became free within/);
  });
});

describe('team server scheduler with slots shared between replicas', () => {
  it('two replicas together never run more than the backend capacity, and a freed slot goes to whichever replica has waiters', async () => {
    const shared = new SharedSlotCounter();
    const replicas = [0, 1].map(() => new Scheduler([{ id: 'gpu', capacity: 2 }], { ...OPTIONS, globalSlots: shared }, () => true));
    const [a, b] = replicas.map(harness);
    for (let i = 0; i < 3; i++) {
      void a.submit(`a${i}`, { user: 'alice', kind: 'chat', model: 'm' });
      void b.submit(`b${i}`, { user: 'bob', kind: 'chat', model: 'm' });
    }
    await until(() => a.order.length + b.order.length === 2, 'two requests running');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(a.order.length + b.order.length, 2, 'nothing more starts while both global slots are held');
    assert.equal(shared.held.get('gpu'), 2);
    const running = a.slots.length > 0 ? a : b;
    await running.releaseOne();
    await until(() => a.order.length + b.order.length === 3, 'the freed slot is taken');
    assert.equal(shared.held.get('gpu'), 2);
  });

  it('keeps the reserved completion slot free of chat across replicas', async () => {
    const shared = new SharedSlotCounter();
    const [a, b] = [0, 1].map(() => harness(new Scheduler([{ id: 'gpu', capacity: 2 }], { ...OPTIONS, reservedCompletionSlots: 1, globalSlots: shared }, () => true)));
    void a.submit('chat-a', { user: 'alice', kind: 'chat', model: 'm' });
    await until(() => a.order.length === 1, 'the first chat runs');
    void b.submit('chat-b', { user: 'bob', kind: 'chat', model: 'm' });
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(b.order, [], "the other replica's chat does not take the reserved slot");
    void b.submit('completion-b', { user: 'bob', kind: 'completion', model: 'm' });
    await until(() => b.order.includes('completion-b'), 'the completion starts at once on the reserved slot');
  });

  it('an unreachable store refuses waiting requests with its message instead of running them unsupervised', async () => {
    const shared = new SharedSlotCounter();
    shared.failing = new Error('The team server cannot reach its shared state store (Redis)');
    const s = new Scheduler([{ id: 'gpu', capacity: 2 }], { ...OPTIONS, globalSlots: shared }, () => true);
    await assert.rejects(s.acquire({ user: 'alice', kind: 'chat', model: 'm' }), (err: Error) => err instanceof QueueFullError && /shared state store/.test(err.message));
    assert.equal(s.inFlight('gpu'), 0);
    assert.equal(s.queued, 0);
  });
});

describe('team server rate limiter', async () => {
  it('allows a minute\'s allowance, then says when the next one is allowed', async () => {
    let now = 0;
    const limiter = new RateLimiter(2, () => now);
    assert.equal(await limiter.take('alice'), 0);
    assert.equal(await limiter.take('alice'), 0);
    const wait = await limiter.take('alice');
    assert.ok(wait > 29_000 && wait <= 30_000, `wait ${wait}`);
    assert.equal(await limiter.take('bob'), 0, 'limits are per user');
    now += 30_000;
    assert.equal(await limiter.take('alice'), 0);
    assert.equal(await new RateLimiter(0).take('x'), 0, '0 means unlimited');
  });
});
