/**
 * Shares the GPUs. Each backend runs at most `capacity` requests at once (its
 * OLLAMA_NUM_PARALLEL); the rest wait here. With the `fair` policy inline
 * completions are served before chat requests, and within each class users
 * take turns (round robin), so one member's long agent run cannot starve
 * another's suggestions. `fcfs` serves strictly in arrival order (kept for
 * comparison in the benchmark). Completions go first only for so long: a
 * chat request that has waited CHAT_DEFER_LIMIT_MS goes before them, or one
 * developer keeping completions queued (each up to 2,048 tokens, and within
 * their own queue bound) would hold every slot and starve every other
 * developer's chat until it timed out. The queue is bounded in total and per user;
 * beyond that a request is refused with a retry hint rather than queued.
 */
import type { GlobalSlots, SlotLease } from '../state/sharedState';
import { NoBackendError, QueueAbortedError, QueueFullError, retryHint } from './schedulerErrors';

export type WorkKind = 'completion' | 'chat';

/** How long a chat request may be passed over by inline completions (fair policy) before it goes first. */
export const CHAT_DEFER_LIMIT_MS = 10_000;
export const WORK_KINDS: WorkKind[] = ['completion', 'chat'];

export interface SchedulerBackend {
  id: string;
  capacity: number;
}

export interface SchedulerOptions {
  policy: 'fair' | 'fcfs';
  maxQueue: number;
  maxQueuePerUser: number;
  maxWaitMs: number;
  /**
   * Slots per backend that chat requests may not take (fair policy only), so
   * an inline completion finds a free slot at once even while chat turns
   * saturate the GPU. Ignored on backends with fewer than two slots.
   */
  reservedCompletionSlots?: number;
  /**
   * Slots shared with other replicas (Redis). When set, a waiter runs only
   * once this replica holds one of the backend's global slots as well as a
   * local one, so replicas together never exceed a backend's capacity. The
   * fair queue itself stays per replica.
   */
  globalSlots?: GlobalSlots;
}

export interface SlotRequest {
  user: string;
  kind: WorkKind;
  model: string;
  signal?: AbortSignal;
}

export interface Slot {
  backendId: string;
  waitedMs: number;
  /** Frees the slot; safe to call more than once. */
  release(): void;
}

export interface SchedulerEvents {
  queueChanged?(kind: WorkKind, depth: number): void;
  started?(kind: WorkKind, backendId: string, waitedMs: number): void;
  inFlightChanged?(backendId: string, inFlight: number): void;
}

interface Waiter {
  seq: number;
  req: SlotRequest;
  candidates: string[];
  enqueuedAt: number;
  resolve(slot: Slot): void;
  reject(err: Error): void;
  cleanup(): void;
}

interface BackendState {
  id: string;
  capacity: number;
  inFlight: number;
  /** Global slot requests in flight to the shared store (globalSlots only). */
  acquiring: number;
}

/** Round-robin over users within one class of work. */
class FairClass {
  private readonly byUser = new Map<string, Waiter[]>();
  /** Users in the order they get their next turn. */
  private readonly ring: string[] = [];

  add(w: Waiter): void {
    const list = this.byUser.get(w.req.user);
    if (list) list.push(w);
    else {
      this.byUser.set(w.req.user, [w]);
      this.ring.push(w.req.user);
    }
  }

  remove(w: Waiter): void {
    const list = this.byUser.get(w.req.user);
    if (!list) return;
    const i = list.indexOf(w);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.dropUser(w.req.user);
  }

  /** The next waiter that can run on `backendId` (and that `eligible` accepts), taking users in turn. */
  take(backendId: string, eligible: (w: Waiter) => boolean = () => true): Waiter | undefined {
    for (let i = 0; i < this.ring.length; i++) {
      const user = this.ring[i];
      const list = this.byUser.get(user)!;
      const idx = list.findIndex((w) => w.candidates.includes(backendId) && eligible(w));
      if (idx < 0) continue;
      const [w] = list.splice(idx, 1);
      // The served user goes to the back of the ring: everyone else with work waiting goes first.
      this.ring.splice(i, 1);
      if (list.length === 0) this.byUser.delete(user);
      else this.ring.push(user);
      return w;
    }
    return undefined;
  }

  private dropUser(user: string): void {
    this.byUser.delete(user);
    const i = this.ring.indexOf(user);
    if (i >= 0) this.ring.splice(i, 1);
  }
}

export class Scheduler {
  private readonly backends = new Map<string, BackendState>();
  private readonly fair = new Map<WorkKind, FairClass>(WORK_KINDS.map((k) => [k, new FairClass()]));
  private readonly fifo: Waiter[] = [];
  private readonly waiting = new Set<Waiter>();
  private readonly perUser = new Map<string, number>();
  private readonly depth = new Map<WorkKind, number>(WORK_KINDS.map((k) => [k, 0]));
  private seq = 0;
  /** Smoothed time a slot is held, for retry hints. */
  private avgServiceMs = 2000;
  /** Set while every global slot a waiter could use is taken: dispatch tries again when it fires. */
  private retryTimer?: ReturnType<typeof setTimeout>;

  constructor(
    backends: SchedulerBackend[],
    private readonly options: SchedulerOptions,
    private readonly hasModel: (backendId: string, model: string) => boolean,
    private readonly events: SchedulerEvents = {},
    private readonly now: () => number = () => performance.now(),
  ) {
    for (const b of backends) this.backends.set(b.id, { id: b.id, capacity: b.capacity, inFlight: 0, acquiring: 0 });
  }

  get queued(): number {
    return this.waiting.size;
  }

  queuedFor(kind: WorkKind): number {
    return this.depth.get(kind) ?? 0;
  }

  inFlight(backendId: string): number {
    return this.backends.get(backendId)?.inFlight ?? 0;
  }

  /** Whether a new request from `user` would be queued rather than refused. */
  admission(user: string): { ok: true } | { ok: false; retryAfterMs: number; message: string } {
    if (this.waiting.size >= this.options.maxQueue) {
      const retryAfterMs = this.estimateWaitMs();
      return { ok: false, retryAfterMs, message: `The team server is at capacity (${this.waiting.size} requests waiting for a GPU); ${retryHint(retryAfterMs)}.` };
    }
    if ((this.perUser.get(user) ?? 0) >= this.options.maxQueuePerUser) {
      const retryAfterMs = this.estimateWaitMs();
      return { ok: false, retryAfterMs, message: `You already have ${this.options.maxQueuePerUser} requests waiting on the team server; ${retryHint(retryAfterMs)}.` };
    }
    return { ok: true };
  }

  acquire(req: SlotRequest): Promise<Slot> {
    if (req.signal?.aborted) return Promise.reject(new QueueAbortedError());
    const candidates = [...this.backends.keys()].filter((id) => this.hasModel(id, req.model));
    if (candidates.length === 0) return Promise.reject(new NoBackendError(req.model, []));
    const admission = this.admission(req.user);
    if (!admission.ok) return Promise.reject(new QueueFullError(admission.message, admission.retryAfterMs));
    // Nobody waits and a slot is free: it starts now, without the queue's deadline timer and abort listener (most requests, most of the time).
    if (!this.options.globalSlots && this.waiting.size === 0) {
      const backend = this.freeBackend(req.kind, candidates);
      if (backend) return Promise.resolve(this.start(req.kind, this.now(), backend));
    }

    return new Promise<Slot>((resolve, reject) => {
      const onAbort = () => {
        if (this.unqueue(waiter)) reject(new QueueAbortedError());
      };
      const timer = setTimeout(() => {
        if (this.unqueue(waiter)) {
          const retryAfterMs = this.estimateWaitMs();
          reject(new QueueFullError(`No GPU slot became free within ${Math.round(this.options.maxWaitMs / 1000)} s; ${retryHint(retryAfterMs)}.`, retryAfterMs));
        }
      }, this.options.maxWaitMs);
      timer.unref?.();
      const waiter: Waiter = {
        seq: this.seq++,
        req,
        candidates,
        enqueuedAt: this.now(),
        resolve,
        reject,
        cleanup: () => {
          clearTimeout(timer);
          req.signal?.removeEventListener('abort', onAbort);
        },
      };
      req.signal?.addEventListener('abort', onAbort, { once: true });
      this.enqueue(waiter);
      this.dispatch();
    });
  }

  private enqueue(w: Waiter): void {
    this.waiting.add(w);
    this.perUser.set(w.req.user, (this.perUser.get(w.req.user) ?? 0) + 1);
    if (this.options.policy === 'fair') this.fair.get(w.req.kind)!.add(w);
    else this.fifo.push(w);
    this.bumpDepth(w.req.kind, 1);
  }

  /** Removes a waiter that is still queued; false when it was already served. */
  private unqueue(w: Waiter): boolean {
    if (!this.waiting.has(w)) return false;
    if (this.options.policy === 'fair') this.fair.get(w.req.kind)!.remove(w);
    else this.fifo.splice(this.fifo.indexOf(w), 1);
    this.forget(w);
    return true;
  }

  private forget(w: Waiter): void {
    this.waiting.delete(w);
    const n = (this.perUser.get(w.req.user) ?? 1) - 1;
    if (n <= 0) this.perUser.delete(w.req.user);
    else this.perUser.set(w.req.user, n);
    this.bumpDepth(w.req.kind, -1);
    w.cleanup();
  }

  private bumpDepth(kind: WorkKind, delta: number): void {
    const d = (this.depth.get(kind) ?? 0) + delta;
    this.depth.set(kind, d);
    this.events.queueChanged?.(kind, d);
  }

  /** Slots a chat request may not take on this backend (fair policy). */
  private reserve(backend: BackendState): number {
    return backend.capacity >= 2 ? Math.min(this.options.reservedCompletionSlots ?? 0, backend.capacity - 1) : 0;
  }

  /** Whether work of `kind` may start on `backend` when `held` slots are in use counting its own (the fair policy's completion reserve). */
  private admits(kind: WorkKind, backend: BackendState, held: number): boolean {
    return this.options.policy !== 'fair' || kind !== 'chat' || held <= backend.capacity - this.reserve(backend);
  }

  /** Free backends, least loaded first. */
  private freeBackends(): BackendState[] {
    return [...this.backends.values()].filter((b) => b.inFlight < b.capacity).sort((a, b) => a.inFlight / a.capacity - b.inFlight / b.capacity);
  }

  /** The backend an arriving request would start on at once with nobody waiting, as `dispatch` would choose it. */
  private freeBackend(kind: WorkKind, candidates: string[]): BackendState | undefined {
    return this.freeBackends().find((b) => candidates.includes(b.id) && this.admits(kind, b, b.inFlight + 1));
  }

  /** `held`: the slots in use on the backend counting the one about to start (across replicas with globalSlots). */
  private take(backend: BackendState, held = backend.inFlight + 1): Waiter | undefined {
    const backendId = backend.id;
    if (this.options.policy === 'fair') {
      // A chat request passed over for long enough goes before the completions (see the file comment).
      if (this.admits('chat', backend, held)) {
        const now = this.now();
        const overdue = this.fair.get('chat')!.take(backendId, (w) => now - w.enqueuedAt >= CHAT_DEFER_LIMIT_MS);
        if (overdue) return overdue;
      }
      for (const kind of WORK_KINDS) {
        if (!this.admits(kind, backend, held)) continue;
        const w = this.fair.get(kind)!.take(backendId);
        if (w) return w;
      }
      return undefined;
    }
    const i = this.fifo.findIndex((w) => w.candidates.includes(backendId));
    return i >= 0 ? this.fifo.splice(i, 1)[0] : undefined;
  }

  /** Fills free slots, least-loaded backend first, until nothing more can start. */
  private dispatch(): void {
    if (this.options.globalSlots) return this.dispatchGlobal(this.options.globalSlots);
    for (;;) {
      if (this.waiting.size === 0) return;
      let started = false;
      for (const backend of this.freeBackends()) {
        const w = this.take(backend);
        if (!w) continue;
        this.forget(w);
        w.resolve(this.start(w.req.kind, w.enqueuedAt, backend));
        started = true;
        break;
      }
      if (!started) return;
    }
  }

  /**
   * With shared slots: for each backend with a free local slot and a waiter
   * that could use it, ask the store for a global slot first, then take the
   * next waiter (fairness is decided when the slot is granted, not before).
   */
  private dispatchGlobal(slots: GlobalSlots): void {
    for (const backend of this.backends.values()) {
      let wanted = [...this.waiting].filter((w) => w.candidates.includes(backend.id)).length;
      while (wanted > backend.acquiring && backend.inFlight + backend.acquiring < backend.capacity) {
        backend.acquiring++;
        wanted--;
        void this.acquireGlobal(slots, backend);
      }
    }
  }

  private async acquireGlobal(slots: GlobalSlots, backend: BackendState): Promise<void> {
    let granted: { lease: SlotLease; held: number } | undefined;
    try {
      granted = await slots.tryAcquire(backend.id, backend.capacity);
    } catch (err) {
      backend.acquiring--;
      this.failWaitersOf(backend, err as Error);
      return;
    }
    backend.acquiring--;
    const w = granted ? this.take(backend, granted.held) : undefined;
    if (!granted || !w) {
      granted?.lease.release();
      if (this.waiting.size > 0) this.retrySoon();
      return;
    }
    this.forget(w);
    w.resolve(this.start(w.req.kind, w.enqueuedAt, backend, granted.lease));
    this.dispatch();
  }

  /**
   * The store could not be reached: waiters that this backend could serve
   * fail now with its message (and a retry hint) rather than wait out
   * max_wait, and nothing runs without a global slot.
   */
  private failWaitersOf(backend: BackendState, err: Error): void {
    for (const w of [...this.waiting]) {
      if (!w.candidates.includes(backend.id) || !this.unqueue(w)) continue;
      w.reject(new QueueFullError(err.message, 5000));
    }
  }

  /** Polls the store again soon; a little jitter keeps replicas from asking in lockstep. */
  private retrySoon(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.dispatch();
    }, 40 + Math.random() * 40);
    this.retryTimer.unref?.();
  }

  /** Takes a slot on `backend` for work of `kind` that arrived at `arrivedAt`. */
  private start(kind: WorkKind, arrivedAt: number, backend: BackendState, lease?: SlotLease): Slot {
    backend.inFlight++;
    this.events.inFlightChanged?.(backend.id, backend.inFlight);
    const startedAt = this.now();
    const waitedMs = startedAt - arrivedAt;
    this.events.started?.(kind, backend.id, waitedMs);
    let released = false;
    return {
      backendId: backend.id,
      waitedMs,
      release: () => {
        if (released) return;
        released = true;
        lease?.release();
        backend.inFlight--;
        this.avgServiceMs = 0.9 * this.avgServiceMs + 0.1 * (this.now() - startedAt);
        this.events.inFlightChanged?.(backend.id, backend.inFlight);
        this.dispatch();
      },
    };
  }

  private estimateWaitMs(): number {
    const capacity = [...this.backends.values()].reduce((n, b) => n + b.capacity, 0) || 1;
    return Math.min(60_000, Math.max(1000, Math.round((this.waiting.size / capacity + 1) * this.avgServiceMs)));
  }
}
