/**
 * Team server benchmark: N developers at once (50, 100, 500 by default), each
 * signed in with its own API key over TLS, each running chat turns with one
 * tool round trip (run by the developer's own executor) and a 40-token answer
 * from the scripted Ollama at 10 ms per token (issue 12's turn shape).
 *
 * Honest by construction:
 *   - the team server runs as its own process (the real `dist/agent-host.js`
 *     CLI, with a config file, a real audit file and TLS) pinned to CPU 0;
 *     this process (the load generator: every developer's client) pins
 *     itself to CPU 1, the scripted Ollama runs in its own process on the
 *     same CPU (scriptedOllama.main.ts), and the bench reports their CPU
 *     use, so they are visibly not the bottleneck (or visibly are);
 *   - the headline time to first token is measured by measuring developers
 *     (measuringDevelopers.main.ts): a tenth of the developers, in a light
 *     process of their own on the load generator's core at a higher
 *     scheduling priority, so that the load generator's own stops (inside
 *     every slowest turn before) are not read as the server's; the load
 *     generator's developers' figures are printed beside theirs;
 *   - the slowest 1 % of turns are set against every stop of each process
 *     and each core that they sat through (tailAttribution.ts), so a tail
 *     the client or the machine made is not read as the server's;
 *   - the baseline is measured in the same run, side by side: the same CLI
 *     built from `BENCH_BASELINE_REF` (default: the commit before the
 *     scale work of issue 12) in a temporary git worktree;
 *   - "added" time to first token is the time through the server minus the
 *     model's own time to first token: the embedded agent calling the same
 *     scripted Ollama directly, at a concurrency this process serves without
 *     strain (DIRECT_DEVELOPERS), measured once before the rows. The scripted
 *     model has no queue, so its own latency does not grow with the number of
 *     developers; a direct run at 500 developers would measure this process
 *     (500 agents and the model on one core) instead. Whatever the client
 *     itself spends under load counts as added, so the figure errs against
 *     the server, never for it.
 *
 * Also: completion latency under saturation with the fair scheduler and with
 * FCFS (BENCH_FAIRNESS=0 skips it).
 *
 * Prints one JSON object. Run: npm run bench:server
 * Environment: BENCH_DEVELOPERS ("50,100,500"), BENCH_TOKEN_MS (10),
 * BENCH_BASELINE_REF (git refs, comma-separated, or "none"), BENCH_FAIRNESS_SECONDS (8),
 * BENCH_CPU_PROFILE_DIR (writes a V8 CPU profile of each server process there),
 * BENCH_CPU_PROFILE_INTERVAL_US (the profile's sampling interval; Node's default 1,000),
 * BENCH_SERVER_NODE_FLAGS (Node flags for every server process and the floor, never the load generator),
 * BENCH_ANSWER_TOKENS (40), BENCH_TURNS (1,000 measured turns at least),
 * BENCH_FLOOR ("0" leaves out the floor: bench/serverFloor.main.ts),
 * BENCH_REPEATS (1: runs of each row per build, taking turns; the row shows
 * the run with the median added p99 and every run's headline figures),
 * BENCH_WARMUP_SECONDS (30: each server runs the measured load this long,
 * unmeasured, before the measured turns; see WARMUP_SECONDS),
 * BENCH_MEMORY_LIMIT ("deployment": each server process runs in a cgroup
 * with the Deployment's memory limit; a quantity such as "1Gi"; or "none"),
 * BENCH_ALSO_UNLIMITED ("1" adds this build without the memory limit),
 * BENCH_IMAGE_FLAGS ("0" leaves out the Node flags of agent-host/Dockerfile's
 * ENTRYPOINT, which every server process gets otherwise),
 * BENCH_ALSO_NODE_FLAGS (adds this build again with these Node flags, one
 * build per ';'-separated set, e.g. "--max-semi-space-size=16"),
 * BENCH_SERVER_STDOUT (a path prefix: each server process's stdout goes to
 * <prefix>.<build>, for Node flags that print there such as --trace-gc or
 * --trace-opt),
 * BENCH_SLOWEST_TURNS ("1" sets the slowest 1 % of turns against every stop
 * of each process's event loop and collector and of each core that they sat
 * through: slowestTurns, tailAttribution.ts; off by default, because the
 * watch costs the load generator's core 6-9 points),
 * BENCH_MEASURING ("0" leaves out the measuring developers: every developer's
 * turns, all in the load generator, are the headline), BENCH_MEASURED_TURNS
 * (1,000: the measuring developers' turns per run), BENCH_MEASURING_NICE
 * (-10: their niceness; the JSON says what the machine granted),
 * BENCH_ARRIVALS ("back-to-back", the default: each developer runs turns
 * back to back; "independent": turns arrive as a Poisson process at the rate
 * those developers would ask for, on INDEPENDENT_CONNECTIONS_PER_DEVELOPER
 * times as many connections; "back-to-back,independent" gives a row of each).
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { constants as perfConstants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { join, resolve } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { createAgent, type Agent } from '../agent-host';
import { sha256Hash } from '../agent-host/server/auth/apiKeys';
import type { RemoteAgent } from '../language-server/remote/remoteAgent';
import { TeamConnection } from '../language-server/remote/teamConnection';
import { parseTeamServerUrl } from '../language-server/remote/teamServerUrl';
import type { RecordedRequest } from '../test/fixtures/ollamaFixture';
import { freePort } from '../test/fixtures/freePort';
import { makePki, type TestPki } from '../test/integration/teamServerHarness';
import { deploymentMemoryLimit, parseMemoryQuantity } from './deploymentMemoryLimit';
import { createMemoryCgroup } from './memoryCgroup';
import { imageNodeFlags } from './imageNodeFlags';
import { CPU_SPEED_PROBE_SCRIPT, startCpuSpeedProbe } from './cpuSpeedProbe';
import { percentile } from './percentile';
import { turnStartBunching } from './turnStartBunching';
import { runIndependentArrivals } from './independentArrivals';
import { tailAttribution, type Stall } from './tailAttribution';
import { watchEventLoopStalls } from './eventLoopStalls';
import { GC_STALL_MS, LOOP_STALL_MS, readStallLog, STALL_LOG_ENV, STALL_LOG_SCRIPT } from './stallLog';
import { ANSWER_TOKENS, FAIRNESS_CHAT_TOKENS, type ChatRequestSummary } from './benchResponders';
import { startScriptedOllama, type ScriptedOllama } from './scriptedOllamaProcess';
import { processCpuSeconds } from './processCpuSeconds';
import { collectGarbage } from './collectGarbage';
import { BENCH_MODEL, connectDevelopers, developerExecutor, timedTurn } from './developerTurn';
import { startMeasuringDevelopers, type MeasuredTurns, type MeasuringDevelopers } from './measuringDevelopersProcess';

const MODEL = BENCH_MODEL;
const TOKEN_MS = Number(process.env.BENCH_TOKEN_MS ?? 10);
const DEVELOPERS = (process.env.BENCH_DEVELOPERS ?? '50,100,500').split(',').filter(Boolean).map(Number);
/** Earlier builds measured beside the current one (comma-separated git refs; `none` for none): by default the build before the scale work. */
const BASELINE_REFS = (process.env.BENCH_BASELINE_REF ?? '0211f82').split(',').filter((r) => r && r !== 'none');
const FAIRNESS = process.env.BENCH_FAIRNESS !== '0';
/** Measured turns per phase, at least (a profile of the steady state wants many more). */
const TURNS = Number(process.env.BENCH_TURNS ?? 1000);
const FAIRNESS_SECONDS = Number(process.env.BENCH_FAIRNESS_SECONDS ?? 8);
/** Runs of each row per build, the builds taking turns; the row shows the median run and every run's figures. */
const REPEATS = Math.max(1, Number(process.env.BENCH_REPEATS ?? 1));
/**
 * Seconds of the measured load each server runs, unmeasured, before its
 * measured turns. V8 keeps compiling a fresh server's hot code for its first
 * minute under this load (--trace-opt at 100 developers: about 340 functions
 * optimized in the first 5 s, 90 in the next 10, then a few a second, with
 * bursts of re-optimization after deoptimizations), and that compiling runs
 * on V8's helper threads: a perf profile 45 to 65 s into a run put 14 % of the
 * server's CPU in TurboFan. A team server runs for days; without a warm-up the
 * CPU per turn of a short run measures the compiler, and more so for the
 * build with more code to compile.
 */
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 30);
/** Turn starts are counted in buckets this wide: at 100 developers about six start in one on average. */
const TURN_START_BUCKET_MS = 25;
type Arrivals = 'back-to-back' | 'independent';
const ARRIVALS = (process.env.BENCH_ARRIVALS ?? 'back-to-back').split(',').map((a) => a.trim()).filter(Boolean) as Arrivals[];
for (const a of ARRIVALS) if (a !== 'back-to-back' && a !== 'independent') throw new Error(`BENCH_ARRIVALS: "${a}" is neither back-to-back nor independent`);
/**
 * Signed-in connections per developer when turns arrive independently: the
 * mean number of turns running at once is still the developers' number
 * (Little's law), and the spare connections take the moments when more
 * overlap, so an arrival rarely waits for one (the bench reports how many did).
 */
const INDEPENDENT_CONNECTIONS_PER_DEVELOPER = 2;
const REPO = resolve('.');
const SERVER_CPU = 0;
/**
 * Each server process runs under a real memory limit (a cgroup), by default
 * the one the shipped Deployment gives its container, because Node sizes
 * V8's heap from it: unlimited on a large machine, V8 lets the old generation
 * grow to about four times what is live before collecting it, which is
 * memory a pod never has. BENCH_MEMORY_LIMIT: "deployment" (the default), a
 * quantity such as "1Gi", or "none".
 */
const SERVER_MEMORY_LIMIT = serverMemoryLimit(process.env.BENCH_MEMORY_LIMIT ?? 'deployment');
/**
 * The Node flags the container image gives the server (its young generation:
 * under a memory limit V8 would otherwise pick a 1 MB semi-space and collect
 * it hundreds of times a second). Every server process gets them, the floor
 * and earlier builds too, so all run as the image runs them; BENCH_IMAGE_FLAGS=0
 * leaves them out.
 */
const IMAGE_FLAGS_LEFT_OUT = process.env.BENCH_IMAGE_FLAGS === '0';
const IMAGE_NODE_FLAGS = IMAGE_FLAGS_LEFT_OUT ? [] : imageNodeFlags(join(REPO, 'agent-host/Dockerfile'));

/** Node flags written as one space-separated string (BENCH_SERVER_NODE_FLAGS, each BENCH_ALSO_NODE_FLAGS set). */
function nodeFlagsFrom(text: string): string[] {
  return text.split(' ').filter(Boolean);
}
/** How the servers' limit was applied (the cgroup mechanism), or why it could not be for one of them (that sticks). */
let memoryLimitOutcome: { applied: string } | { applied: false; why: string } | undefined;
let serverCount = 0;

function serverMemoryLimit(setting: string): { what: string; quantity: string; bytes: number } | undefined {
  if (setting === 'none') return undefined;
  if (setting === 'deployment') return { what: "the Deployment's resources.limits.memory (deploy/kubernetes/deployment.yaml)", ...deploymentMemoryLimit(join(REPO, 'deploy/kubernetes/deployment.yaml'), 'agent-host') };
  return { what: 'BENCH_MEMORY_LIMIT', quantity: setting, bytes: parseMemoryQuantity(setting) };
}

const GENERATOR_CPU = 1;

// ------------------------------------------------------------------ processes and CPUs

function canPin(): boolean {
  return cpus().length >= 2 && spawnSync('taskset', ['-V']).status === 0;
}

/** Moves this process (every thread) to the load generator's CPU. */
function pinSelf(): void {
  if (canPin()) execFileSync('taskset', ['-a', '-cp', String(GENERATOR_CPU), String(process.pid)], { stdio: 'ignore' });
}

interface Build {
  name: string;
  /** False for the floor, which serves chat turns only. */
  completions?: boolean;
  /** The team server CLI bundle. */
  cli: string;
  /** Runs without the memory limit the other builds get (BENCH_ALSO_UNLIMITED). */
  unlimited?: boolean;
  /** Node flags for this build's server only, after BENCH_SERVER_NODE_FLAGS (BENCH_ALSO_NODE_FLAGS). */
  nodeFlags?: string[];
  cleanup(): void;
}

/** The CLI of this checkout, as `node esbuild.mjs --tests` left it. */
function currentBuild(): Build {
  return { name: 'current', cli: join(REPO, 'dist/agent-host.js'), cleanup: () => undefined };
}

/**
 * The floor: bench/serverFloor.main.ts, the same turn over the same packages
 * with none of Hearth's own work. What the current server spends above it is
 * Hearth's overhead; the floor itself is what the packages cost.
 */
const FLOOR = 'floor (grpc-js and node:http alone)';

function floorBuild(): Build {
  return { name: FLOOR, cli: join(REPO, 'out/bench/serverFloor.main.mjs'), completions: false, cleanup: () => undefined };
}

/** The CLI as it was at `ref`, built in a throwaway worktree. */
function baselineBuild(ref: string): Build {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-baseline-'));
  rmSync(dir, { recursive: true });
  execFileSync('git', ['worktree', 'add', '--detach', dir, ref], { cwd: REPO, stdio: 'ignore' });
  const cleanup = () => {
    spawnSync('git', ['worktree', 'remove', '--force', dir], { cwd: REPO, stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: dir, stdio: 'ignore' });
  } catch (err) {
    cleanup();
    throw err;
  }
  return { name: `baseline (${ref})`, cli: join(dir, 'dist/agent-host.js'), cleanup };
}

interface KernelCounts {
  readSyscalls: number;
  writeSyscalls: number;
  contextSwitches: number;
}

/** Sums the context switches of every thread of `pid` (the process's own status counts its main thread only). */
function contextSwitchesOf(pid: number): number {
  let total = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      const status = readFileSync(`/proc/${pid}/task/${task}/status`, 'utf8');
      total += Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0) + Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    } catch {
      // A thread that ended between the listing and the read has nothing left to count.
    }
  }
  return total;
}

interface ServerProcess {
  port: number;
  child: ChildProcess;
  cpuSeconds(): number;
  /** The main (JavaScript) thread's share of cpuSeconds; the rest runs on V8's helper threads and libuv's pool. */
  mainThreadCpuSeconds(): number;
  /** Read and write system calls (/proc/<pid>/io) and context switches of all its threads so far. */
  kernelCounts(): KernelCounts;
  peakRssMb(): number;
  /** Where the server's own stalls go (stallLog.main.ts), with BENCH_SLOWEST_TURNS=1. */
  stallLog: string;
  stop(): Promise<void>;
}

/**
 * BENCH_SLOWEST_TURNS=1: each server process (every build, the floor too),
 * the scripted Ollama and the load generator watch their event loops and
 * collectors, and the probes beside each core wake every 5 ms to catch the
 * core's stops, for the tail attribution (slowestTurns). Off by default: at
 * 100 developers the watch left the server's CPU per turn as it was (2.43
 * and 2.65 probe units on, 2.50 and 2.55 off, runs taking turns) but took
 * 6-9 more points of the load generator's core (68-71 % against 60-62 %).
 */
const STALL_WATCH = process.env.BENCH_SLOWEST_TURNS === '1';

function benchConfigYaml(pki: TestPki, dir: string, port: number, fixtureUrl: string, users: number, slots: number, policy: 'fair' | 'fcfs', reserved: number): string {
  return toYaml({
    server: { mode: 'remote', host: '127.0.0.1', port, shutdown_grace: '1s' },
    tls: { cert_file: pki.certFile, key_file: pki.keyFile },
    auth: {
      issuer: 'hearth-bench',
      audience: 'hearth-bench',
      access_ttl: '15m',
      refresh_ttl: '1h',
      active_kid: 'bench',
      signing_keys: [{ kid: 'bench', algorithm: 'HS256', secret: pki.hsSecret }],
      api_keys: Array.from({ length: users }, (_, i) => ({ user: `dev${i}`, hash: sha256Hash(`bench-key-${i}`) })),
    },
    backends: [{ name: 'gpu0', type: 'ollama', url: fixtureUrl, max_concurrency: slots }],
    scheduler: { policy, reserved_completion_slots: reserved, max_queue: 5000, max_queue_per_user: 100 },
    limits: { chat_turns_per_minute: 0, completions_per_minute: 0 },
    metrics: { port: -1 },
    logging: { level: 'warn', audit_file: join(dir, 'audit.jsonl') },
  });
}

async function startServerProcess(build: Build, configYaml: string, dir: string, port: number, pki: TestPki): Promise<ServerProcess> {
  const configFile = join(dir, 'config.yaml');
  writeFileSync(configFile, configYaml, { mode: 0o600 });
  // Node samples every 1,000 µs unless told otherwise; a finer interval (BENCH_CPU_PROFILE_INTERVAL_US) resolves short functions.
  const interval = process.env.BENCH_CPU_PROFILE_INTERVAL_US ? [`--cpu-prof-interval=${process.env.BENCH_CPU_PROFILE_INTERVAL_US}`] : [];
  const profile = process.env.BENCH_CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE_DIR}`, ...interval] : [];
  // BENCH_SERVER_NODE_FLAGS reaches the server processes only (every build and the floor alike), never the load generator.
  const flags = nodeFlagsFrom(process.env.BENCH_SERVER_NODE_FLAGS ?? '');
  const stallLog = join(dir, 'stalls.log');
  const stallWatch = STALL_WATCH ? ['--import', STALL_LOG_SCRIPT] : [];
  const node = [process.execPath, ...IMAGE_NODE_FLAGS, ...flags, ...(build.nodeFlags ?? []), ...profile, ...stallWatch, build.cli, '--config', configFile];
  const pinned = canPin() ? ['taskset', '-c', String(SERVER_CPU), ...node] : node;
  const cgroup = SERVER_MEMORY_LIMIT && !build.unlimited ? createMemoryCgroup(`hearth-bench-${process.pid}-${++serverCount}`, SERVER_MEMORY_LIMIT.bytes) : undefined;
  if (cgroup && memoryLimitOutcome?.applied !== false) memoryLimitOutcome = 'unavailable' in cgroup ? { applied: false, why: cgroup.unavailable } : { applied: cgroup.mechanism };
  const command = cgroup && 'wrap' in cgroup ? cgroup.wrap(pinned) : pinned;
  const stdout = process.env.BENCH_SERVER_STDOUT ? openSync(`${process.env.BENCH_SERVER_STDOUT}.${build.name.split(' (')[0].replace(/[^a-z0-9]+/gi, '-')}`, 'a') : 'ignore';
  const child = spawn(command[0], command.slice(1), { stdio: ['ignore', stdout, 'pipe'], env: { ...process.env, [STALL_LOG_ENV]: stallLog } });
  // The child has its own copy of the file descriptor.
  if (typeof stdout === 'number') closeSync(stdout);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`${build.name} server exited with ${code}: ${stderr}`))));
  if (cgroup && 'remove' in cgroup) child.once('exit', () => cgroup.remove());
  // Ready when a sign-in works.
  const probe = new TeamConnection({ address: parseTeamServerUrl(`grpcs://localhost:${port}`), apiKey: 'bench-key-0', tls: { caPem: pki.caPem } });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await Promise.race([probe.auth.renew(), exited]);
      break;
    } catch (err) {
      if (Date.now() > deadline || child.exitCode !== null) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  probe.close();
  exited.catch(() => undefined);
  return {
    port,
    child,
    cpuSeconds: () => processCpuSeconds(child.pid!),
    mainThreadCpuSeconds: () => processCpuSeconds(child.pid!, child.pid!),
    kernelCounts: () => {
      const io = readFileSync(`/proc/${child.pid}/io`, 'utf8');
      return { readSyscalls: Number(/syscr:\s+(\d+)/.exec(io)?.[1] ?? 0), writeSyscalls: Number(/syscw:\s+(\d+)/.exec(io)?.[1] ?? 0), contextSwitches: contextSwitchesOf(child.pid!) };
    },
    stallLog,
    peakRssMb: () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024,
    stop: () =>
      new Promise<void>((resolveStop) => {
        if (child.exitCode !== null) return resolveStop();
        child.once('exit', () => resolveStop());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

// ------------------------------------------------------------------ measuring

function stats(values: number[]) {
  return { p50: percentile(values, 50), p99: percentile(values, 99), n: values.length };
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** When each developer's tool ran on the client (epoch ms, as precise as the scripted Ollama's stamps), to split the tool round trip into its way down and its way up. */
const toolRanAt = new Map<number, number[]>();

const executor = (user: number) =>
  developerExecutor(() => {
    if (turnLog) toolRanAt.set(user, [...(toolRanAt.get(user) ?? []), performance.timeOrigin + performance.now()]);
  });

/** Text messages the client received per turn, to show how far streamed text was merged under load. */
let textEventsSeen = 0;

/** Each measured turn's start and first text on the wall clock (the scripted Ollama's clock), while `turnLog` is set. */
let turnLog: { user: number; start: number; first: number }[] | undefined;

/**
 * Where a turn's time to first token goes, from the scripted Ollama's own
 * timestamps: to the model's first request (client, server, backend
 * request), the tool round trip between the end of that reply and the
 * second request (server, client's tool, server; split at the moment the
 * client ran the tool into the way down and the way up), the model's first token,
 * and from it to the client. Milliseconds on Date.now()'s clock, p50 / p99.
 */
function turnStages(turns: { user: number; start: number; first: number }[], requests: readonly RecordedRequest[]) {
  const byUser = new Map<number, RecordedRequest[]>();
  for (const r of requests) {
    const user = (r.body as ChatRequestSummary | undefined)?.user;
    if (r.path !== '/api/chat' || user === undefined) continue;
    byUser.set(user, [...(byUser.get(user) ?? []), r]);
  }
  const afterTool = (r: RecordedRequest) => (r.body as ChatRequestSummary).afterTool;
  const stages = { toFirstRequest: [] as number[], toolRoundTrip: [] as number[], toolRequestToClient: [] as number[], toolResultToModel: [] as number[], modelFirstToken: [] as number[], firstTokenToClient: [] as number[] };
  for (const t of turns) {
    const mine = byUser.get(t.user) ?? [];
    const asked = mine.find((r) => r.receivedAt >= t.start - 1 && !afterTool(r));
    const answered = mine.find((r) => r.receivedAt >= (asked?.finishedAt ?? Infinity) && afterTool(r));
    if (!asked?.finishedAt || !answered?.firstTokenAt) continue;
    stages.toFirstRequest.push(asked.receivedAt - t.start);
    stages.toolRoundTrip.push(answered.receivedAt - asked.finishedAt);
    const ran = toolRanAt.get(t.user)?.find((at) => at >= asked.finishedAt! && at <= answered.receivedAt);
    if (ran !== undefined) {
      stages.toolRequestToClient.push(ran - asked.finishedAt);
      stages.toolResultToModel.push(answered.receivedAt - ran);
    }
    stages.modelFirstToken.push(answered.firstTokenAt - answered.receivedAt);
    stages.firstTokenToClient.push(t.first - answered.firstTokenAt);
  }
  return Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, { p50: percentile(v, 50), p99: percentile(v, 99) }]));
}

/** Milliseconds from starting a turn to its first text, and to its end; throws if the turn failed. */
async function timeToFirstText(agent: Agent, user: number): Promise<{ firstMs: number; turnMs: number }> {
  const turn = await timedTurn(agent, user, executor(user));
  textEventsSeen += turn.textEvents;
  turnLog?.push({ user, start: turn.startWall, first: turn.firstWall });
  return turn;
}

async function remoteCompletion(agent: RemoteAgent): Promise<number> {
  const started = performance.now();
  await agent.complete({ model: MODEL, prompt: 'function add(a, b) {\n  ', suffix: '\n}', maxTokens: 16 });
  return performance.now() - started;
}

/** Measured rounds per developer, so that small N still gives a p99 from BENCH_TURNS or more turns. */
function roundsFor(n: number): number {
  return Math.max(1, Math.ceil(TURNS / n));
}

/**
 * This process's garbage collections from now until `stop()`: their total
 * and longest pause, the longest full (mark-compact) one, and when each
 * pause of GC_STALL_MS or more happened.
 */
function watchGarbageCollection(): { stop(): { totalMs: number; maxMs: number; fullMaxMs: number; full: number }; pauses: Stall[] } {
  let total = 0;
  let max = 0;
  let fullMax = 0;
  let full = 0;
  const pauses: Stall[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.duration >= GC_STALL_MS) pauses.push({ start: performance.timeOrigin + e.startTime, end: performance.timeOrigin + e.startTime + e.duration });
      total += e.duration;
      max = Math.max(max, e.duration);
      if (((e as { detail?: unknown }).detail as { kind?: number } | undefined)?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) {
        full++;
        fullMax = Math.max(fullMax, e.duration);
      }
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    pauses,
    stop() {
      observer.disconnect();
      return { totalMs: Math.round(total), maxMs: round1(max), fullMaxMs: round1(fullMax), full };
    },
  };
}

function cpuSecondsOfThisProcess(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** How often the probes beside the server and the load generator wake to catch each stop of their core (only with BENCH_SLOWEST_TURNS=1). */
const CORE_WATCH_MS = STALL_WATCH ? 5 : 0;

/** Developers at once in the direct (model-only) measurement: few enough that this process is never the bottleneck. */
const DIRECT_DEVELOPERS = 10;
/** Rounds per developer in the direct measurement at most: 1,000 samples give its p99. */
const DIRECT_ROUNDS = 100;
/**
 * Seconds of the direct load run unmeasured first (BENCH_DIRECT_WARMUP_SECONDS).
 * With one warm turn per developer only, the model's own p99 read 39-59 ms
 * in runs where its p50 was 4 ms: this process was still compiling the
 * embedded agent's code (on its own core, beside the turns), and every
 * added p99 is the server's p99 minus this one, so a p99 swollen by the
 * bench's own compiler flattered every build.
 */
const DIRECT_WARMUP_SECONDS = Number(process.env.BENCH_DIRECT_WARMUP_SECONDS ?? 10);

/**
 * The measuring developers (measuringDevelopers.main.ts, which says why):
 * some of the back-to-back developers run in a light process of their own,
 * at a higher scheduling priority than the load generator, and their times
 * to first token are the headline. BENCH_MEASURING=0 leaves them out, and
 * every developer's turns (all in the load generator) are the headline.
 */
const MEASURING = process.env.BENCH_MEASURING !== '0';
/** Measured turns of the measuring developers per run (BENCH_MEASURED_TURNS): 1,000 give their p99. */
const MEASURED_TURNS = Number(process.env.BENCH_MEASURED_TURNS ?? 1000);
/** Their niceness (BENCH_MEASURING_NICE): below the load generator's 0, so its bursts do not hold them up. */
const MEASURING_NICE = Number(process.env.BENCH_MEASURING_NICE ?? -10);

/** How many of `n` back-to-back developers measure: a tenth, and at least ten. */
function measuringDevelopersOf(n: number): number {
  return MEASURING ? Math.min(n, Math.max(10, Math.round(n / 10))) : 0;
}

/** The measuring developers' command: on the load generator's core, at MEASURING_NICE (the process reports what it got). */
function measuringCommand(): string[] {
  return ['nice', '-n', String(MEASURING_NICE), ...(canPin() ? ['taskset', '-c', String(GENERATOR_CPU)] : []), process.execPath, ...(STALL_WATCH ? ['--import', STALL_LOG_SCRIPT] : [])];
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

/** The model's own time to first token for this turn shape, with nothing between the agent and the model. */
async function directPhase(model: ScriptedOllama) {
  const n = DIRECT_DEVELOPERS;
  const direct = createAgent({ host: model.url });
  const warmUntil = performance.now() + DIRECT_WARMUP_SECONDS * 1000;
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      do await timeToFirstText(direct, i);
      while (performance.now() < warmUntil);
    }),
  );
  collectGarbage();
  const samples: number[] = [];
  const turnMs: number[] = [];
  const cpuBefore = cpuSecondsOfThisProcess() + model.cpuSeconds();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      // The model's own figure needs no more than the default run's samples: longer runs (BENCH_TURNS) lengthen the server phases only.
      for (let r = 0; r < Math.min(roundsFor(n), DIRECT_ROUNDS); r++) {
        const turn = await timeToFirstText(direct, i);
        samples.push(turn.firstMs);
        turnMs.push(turn.turnMs);
      }
    }),
  );
  const wallSeconds = (performance.now() - started) / 1000;
  const loadGeneratorCpuPercentOfOneCore = round1(((cpuSecondsOfThisProcess() + model.cpuSeconds() - cpuBefore) / wallSeconds) * 100);
  // The same measurement by the measuring developers' process, for their own added figures.
  let measuring: (MeasuredTurns & { nice: number }) | undefined;
  if (MEASURING) {
    const developers = await startMeasuringDevelopers(measuringCommand(), { mode: 'direct', url: model.url, users: range(0, n) });
    try {
      await developers.warm(DIRECT_WARMUP_SECONDS);
      measuring = { ...(await developers.measure(Math.min(Math.ceil(MEASURED_TURNS / n), DIRECT_ROUNDS), 0)), nice: developers.nice };
    } finally {
      await developers.close();
    }
  }
  return { samples, turnMs, developers: n, loadGeneratorCpuPercentOfOneCore, measuring };
}

type DirectResult = Awaited<ReturnType<typeof directPhase>>;

/** How the developers' turns start: back to back, or independently at `ratePerSecond` (see independentArrivals.ts). */
type ArrivalPlan = { mode: 'back-to-back' } | { mode: 'independent'; ratePerSecond: number };

async function serverPhase(build: Build, pki: TestPki, model: ScriptedOllama, n: number, direct: DirectResult, plan: ArrivalPlan) {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-server-'));
  const port = await freePort();
  const connections = plan.mode === 'independent' ? Math.ceil(n * INDEPENDENT_CONNECTIONS_PER_DEVELOPER) : n;
  // The last developers' keys go to the measuring developers' process.
  const measuringCount = plan.mode === 'back-to-back' && direct.measuring ? measuringDevelopersOf(n) : 0;
  let measuring: MeasuringDevelopers | undefined;
  // A slot per connection besides the one kept for completions: this phase measures the server, never a queue for the GPU.
  const server = await startServerProcess(build, benchConfigYaml(pki, dir, port, model.url, connections, Math.max(8, connections + 1), 'fair', 1), dir, port, pki);
  try {
    const { agents, close } = await connectDevelopers(pki.caPem, server.port, range(0, connections - measuringCount));
    if (measuringCount > 0) {
      const users = range(connections - measuringCount, connections);
      measuring = await startMeasuringDevelopers(measuringCommand(), { mode: 'remote', port: server.port, users }, pki.caPem, join(dir, 'measuring-stalls.log'));
    }
    const measuringWarm = measuring?.warm(WARMUP_SECONDS);
    // Warm, unmeasured: every developer's first turn (the server creates its agent, learns the model's facts), then
    // the measured load itself until WARMUP_SECONDS have passed, so that V8 has compiled what it runs.
    let warmupErrors = 0;
    const warmupMessages = new Set<string>();
    const warmUntil = performance.now() + WARMUP_SECONDS * 1000;
    // The scripted Ollama logs every request: kept, the warm-ups and runs of a whole bench (both rows, three runs of two
    // builds) once held about 1.1 GB by the end, and its garbage collector's pauses went into the p99 of whichever build ran.
    const forgetting = setInterval(() => void model.forget().catch(() => undefined), 1000).unref();
    const warmupFailed = (err: unknown) => {
      warmupErrors++;
      warmupMessages.add((err as Error).message.slice(0, 300));
    };
    await Promise.all(
      agents.map(async (a, i) => {
        let first = true;
        do {
          try {
            await timeToFirstText(a, i);
            if (first && build.completions !== false) await remoteCompletion(a);
          } catch (err) {
            warmupFailed(err);
          }
          first = false;
        } while (plan.mode === 'back-to-back' && performance.now() < warmUntil);
      }),
    );
    if (plan.mode === 'independent') {
      const seconds = Math.max(0, (warmUntil - performance.now()) / 1000);
      await runIndependentArrivals({
        ratePerSecond: plan.ratePerSecond,
        arrivals: Math.round(plan.ratePerSecond * seconds),
        connections,
        turn: (c) => timeToFirstText(agents[c], c).then(() => undefined, warmupFailed),
      });
    }
    await measuringWarm;
    const cpuBefore = server.cpuSeconds();
    const mainThreadBefore = server.mainThreadCpuSeconds();
    const kernelBefore = server.kernelCounts();
    const generatorBefore = cpuSecondsOfThisProcess();
    const modelBefore = model.cpuSeconds();
    const measuringBefore = measuring?.cpuSeconds() ?? 0;
    textEventsSeen = 0;
    turnLog = [];
    toolRanAt.clear();
    clearInterval(forgetting);
    await model.forget();
    // The warm-up left this process's old generation full of its garbage, and the full collection it was heading for
    // (a 40-60 ms pause) would fall in the measured window: collected now, while no turn is running, it falls after.
    collectGarbage();
    const loopDelay = monitorEventLoopDelay({ resolution: 2 });
    loopDelay.enable();
    const generatorGc = watchGarbageCollection();
    const generatorLoopStalls = STALL_WATCH ? watchEventLoopStalls(LOOP_STALL_MS) : undefined;
    // How fast each core runs during this measurement (on a shared machine it changes from minute to minute), and when it stopped.
    const serverCoreProbe = startCpuSpeedProbe(CPU_SPEED_PROBE_SCRIPT, SERVER_CPU, canPin(), 100, CORE_WATCH_MS);
    const generatorCoreProbe = startCpuSpeedProbe(CPU_SPEED_PROBE_SCRIPT, GENERATOR_CPU, canPin(), 100, CORE_WATCH_MS);
    const started = performance.now();
    const windowStart = performance.timeOrigin + started;
    let errors = 0;
    const errorMessages = new Set<string>();
    const ttft: number[] = [];
    /** Each turn's whole length as its developer waits for it: the model's own, plus what the server adds. */
    const turnMs: number[] = [];
    // Chat turns only: the turn shape (40 tokens, one tool round trip). Completions are measured in the fairness phase.
    // Developers start spread over one answer's length, as independent developers would, not all at the same
    // instant: started together, their turns stay in step, every first token competes with every other, and the
    // median time to first token of one build moved between 40 and 110 ms from run to run at 50 developers.
    const spreadMs = ANSWER_TOKENS.length * TOKEN_MS;
    const failed = (err: unknown) => {
      errors++;
      errorMessages.add((err as Error).message.slice(0, 300));
    };
    let arrivals: Record<string, unknown> = { mode: 'back-to-back', connections };
    // The load generator's developers keep the load up until the measuring developers are done.
    const measuringRounds = Math.ceil(MEASURED_TURNS / Math.max(1, measuringCount));
    const measured = measuring?.measure(measuringRounds, spreadMs);
    let measuringDone = !measured;
    void measured?.finally(() => (measuringDone = true)).catch(() => undefined);
    if (plan.mode === 'back-to-back') {
      await Promise.all(
        agents.map(async (agent, i) => {
          await new Promise((resolve) => setTimeout(resolve, (i * spreadMs) / n));
          for (let r = 0; r < roundsFor(n) || !measuringDone; r++) {
            try {
              const turn = await timeToFirstText(agent, i);
              ttft.push(turn.firstMs);
              turnMs.push(turn.turnMs);
            } catch (err) {
              failed(err);
            }
          }
        }),
      );
    } else {
      const outcome = await runIndependentArrivals({
        ratePerSecond: plan.ratePerSecond,
        arrivals: n * roundsFor(n),
        connections,
        turn: async (c, scheduledAt) => {
          // Measured from the arrival, so a wait for a free connection or a late timer here counts against the server.
          const late = performance.now() - scheduledAt;
          try {
            const turn = await timeToFirstText(agents[c], c);
            ttft.push(turn.firstMs + late);
            turnMs.push(turn.turnMs + late);
          } catch (err) {
            failed(err);
          }
        },
      });
      arrivals = { mode: 'independent', connections, ...outcome, ratePerSecond: round1(outcome.ratePerSecond) };
    }
    const measuredTurns = await measured;
    const wallSeconds = (performance.now() - started) / 1000;
    const cpuSeconds = server.cpuSeconds() - cpuBefore;
    const mainThreadSeconds = server.mainThreadCpuSeconds() - mainThreadBefore;
    const kernelAfter = server.kernelCounts();
    const clientSeconds = cpuSecondsOfThisProcess() - generatorBefore;
    const modelSeconds = model.cpuSeconds() - modelBefore;
    const measuringSeconds = (measuring?.cpuSeconds() ?? 0) - measuringBefore;
    // The developers' clients, the measuring developers and the scripted Ollama share the load generator's core.
    const generatorSeconds = clientSeconds + modelSeconds + measuringSeconds;
    const cpuSpeed = { serverCore: serverCoreProbe.stop(), loadGeneratorCore: generatorCoreProbe.stop() };
    loopDelay.disable();
    const loadGeneratorGcMs = generatorGc.stop();
    const windowEnd = performance.timeOrigin + performance.now();
    const serverStalls = readStallLog(server.stallLog, windowStart, windowEnd);
    const modelStalls = readStallLog(model.stallLog, windowStart, windowEnd);
    const measuringStalls = measuring && readStallLog(measuring.stallLog, windowStart, windowEnd);
    const stops = generatorLoopStalls && {
      serverEventLoop: serverStalls.eventLoop,
      serverGc: serverStalls.gc,
      scriptedOllamaEventLoop: modelStalls.eventLoop,
      scriptedOllamaGc: modelStalls.gc,
      loadGeneratorEventLoop: generatorLoopStalls.stop(),
      loadGeneratorGc: generatorGc.pauses,
      ...(measuringStalls ? { measuringDevelopersEventLoop: measuringStalls.eventLoop, measuringDevelopersGc: measuringStalls.gc } : {}),
      serverCore: serverCoreProbe.stalls(),
      loadGeneratorCore: generatorCoreProbe.stalls(),
    };
    const slowestTurns = stops && tailAttribution(measuredTurns?.timeline ?? turnLog, stops);
    const requests = await model.requests();
    const stagesMs = turnStages(measuredTurns?.timeline ?? turnLog, requests);
    const turnStarts = turnStartBunching(turnLog.map((t) => t.start), TURN_START_BUCKET_MS);
    await model.forget();
    const generatorTurns = turnLog;
    turnLog = undefined;
    const peakRssMb = server.peakRssMb();
    close();
    const d = stats(direct.samples);
    const v = stats(ttft);
    const turns = ttft.length + errors + (measuredTurns ? measuredTurns.ttftMs.length + measuredTurns.errors : 0);
    const added = (through: ReturnType<typeof stats>, modelOnly: ReturnType<typeof stats>) => ({ p50: round1(through.p50 - modelOnly.p50), p99: round1(through.p99 - modelOnly.p99) });
    const loadGeneratorDevelopers = {
      developers: connections - measuringCount,
      ttftMs: v,
      addedTtftMs: added(v, d),
      ...(measuredTurns ? { stagesMs: turnStages(generatorTurns, requests), ...(stops ? { slowestTurns: tailAttribution(generatorTurns, stops) } : {}) } : {}),
    };
    if (measuredTurns) {
      errors += measuredTurns.errors;
      for (const m of measuredTurns.errorMessages) errorMessages.add(m);
    }
    const m = measuredTurns && stats(measuredTurns.ttftMs);
    return {
      measuredBy: measuredTurns ? `the ${measuringCount} measuring developers (their own process, nice ${measuring!.nice})` : 'every developer (the load generator)',
      turnsMeasured: turns,
      arrivals,
      ttftMs: m ?? v,
      addedTtftMs: m ? added(m, stats(direct.measuring!.ttftMs)) : loadGeneratorDevelopers.addedTtftMs,
      ...(measuredTurns
        ? {
            measuringDevelopers: { developers: measuringCount, nice: measuring!.nice, turnMs: stats(measuredTurns.turnMs), cpuPercentOfOneCore: round1((measuringSeconds / wallSeconds) * 100) },
            // The same turns' figures for the developers in the load generator, whose own stops they include.
            loadGeneratorDevelopers,
          }
        : {}),
      textMessagesPerTurn: round1(textEventsSeen / Math.max(1, ttft.length)),
      serverCpuMsPerTurn: round1((cpuSeconds * 1000) / turns),
      serverMainThreadCpuMsPerTurn: round1((mainThreadSeconds * 1000) / turns),
      serverCpuPercentOfOneCore: round1((cpuSeconds / wallSeconds) * 100),
      turnMs: stats(turnMs),
      // Where native time goes that a CPU profile shows only as "(program)": socket reads and writes, and thread wake-ups.
      serverKernelPerTurn: {
        readSyscalls: round1((kernelAfter.readSyscalls - kernelBefore.readSyscalls) / turns),
        writeSyscalls: round1((kernelAfter.writeSyscalls - kernelBefore.writeSyscalls) / turns),
        contextSwitches: round1((kernelAfter.contextSwitches - kernelBefore.contextSwitches) / turns),
      },
      serverPeakRssMb: Math.round(peakRssMb),
      loadGeneratorCpuPercentOfOneCore: round1((generatorSeconds / wallSeconds) * 100),
      loadGeneratorCpuSplit: { clientsPercent: round1((clientSeconds / wallSeconds) * 100), measuringDevelopersPercent: round1((measuringSeconds / wallSeconds) * 100), scriptedOllamaPercent: round1((modelSeconds / wallSeconds) * 100) },
      // Near a whole core, the figures above would measure the client, not the server.
      loadGeneratorSaturated: generatorSeconds / wallSeconds >= 0.9,
      stagesMs,
      // Whether turns start in bursts (developers released together by one delay): a tail no single step explains.
      turnStarts,
      loadGeneratorLoopDelayMs: { p50: round1(loopDelay.percentile(50) / 1e6), p99: round1(loopDelay.percentile(99) / 1e6), max: round1(loopDelay.max / 1e6) },
      // This process's own collector pauses: every turn it is receiving at the time waits them out, whatever the server.
      loadGeneratorGcMs,
      // Which stops the slowest 1 % of turns sat through, against the share of all turns each touched.
      ...(slowestTurns ? { slowestTurns } : {}),
      cpuSpeed,
      // The turn's CPU in units of the probe's fixed work on the same core at the same time: steady when the core's speed is not.
      serverCpuPerTurnInProbeUnits: Math.round(((cpuSeconds * 1000) / turns / cpuSpeed.serverCore.unitMs.p50) * 100) / 100,
      wallSeconds: round1(wallSeconds),
      errors,
      ...(errors > 0 ? { errorMessages: [...errorMessages] } : {}),
      ...(warmupErrors > 0 ? { warmupErrors, warmupErrorMessages: [...warmupMessages] } : {}),
    };
  } finally {
    await measuring?.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

type PhaseResult = Awaited<ReturnType<typeof serverPhase>>;

/**
 * The turns a second that `n` developers running turns back to back ask
 * for when the server adds no time: each turn then takes as long as the
 * model alone makes it (the direct measurement's median turn). A server
 * that carries them must spend under a second of CPU a second on them.
 */
function offeredLoad(n: number, directTurnMs: number[]) {
  const turnMs = median(directTurnMs);
  return {
    what: 'turns a second these developers ask for if the server adds no time, and the cores each build would need for them at its CPU per turn',
    modelOnlyTurnMs: round1(turnMs),
    turnsPerSecond: Math.round((n * 1000) / turnMs),
    coresNeeded: {} as Record<string, number>,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/**
 * One build's row from its repetitions: the run whose added p99 is the
 * median, whole, and every run's headline figures beside it, so a reader
 * sees how far single runs spread on this machine. One run is returned as
 * it is.
 */
function summarizeRepeats(results: PhaseResult[]) {
  if (results.length === 1) return results[0];
  const byP99 = [...results].sort((a, b) => a.addedTtftMs.p99 - b.addedTtftMs.p99);
  return {
    ...byP99[Math.floor((byP99.length - 1) / 2)],
    everyRun: {
      addedTtftP99Ms: results.map((r) => r.addedTtftMs.p99),
      addedTtftP50Ms: results.map((r) => r.addedTtftMs.p50),
      ...(results[0].loadGeneratorDevelopers ? { loadGeneratorDevelopersAddedTtftP99Ms: results.map((r) => r.loadGeneratorDevelopers?.addedTtftMs.p99) } : {}),
      serverCpuMsPerTurn: results.map((r) => r.serverCpuMsPerTurn),
      turnP50Ms: results.map((r) => r.turnMs.p50),
      serverMainThreadCpuMsPerTurn: results.map((r) => r.serverMainThreadCpuMsPerTurn),
      serverPeakRssMb: results.map((r) => r.serverPeakRssMb),
      loadGeneratorCpuPercentOfOneCore: results.map((r) => r.loadGeneratorCpuPercentOfOneCore),
      serverCoreProbeUnitMs: results.map((r) => r.cpuSpeed.serverCore.unitMs.p50),
      serverCpuPerTurnInProbeUnits: results.map((r) => r.serverCpuPerTurnInProbeUnits),
      loadGeneratorCoreProbeUnitMs: results.map((r) => r.cpuSpeed.loadGeneratorCore.unitMs.p50),
      // Times a core did not run at all, for tens of milliseconds: on either side, they reach the p99.
      serverCoreLateMaxMs: results.map((r) => r.cpuSpeed.serverCore.lateMs.max),
      loadGeneratorCoreLateMaxMs: results.map((r) => r.cpuSpeed.loadGeneratorCore.lateMs.max),
      turnStartDispersion: results.map((r) => r.turnStarts.dispersion),
      loadGeneratorLoopDelayMaxMs: results.map((r) => r.loadGeneratorLoopDelayMs.max),
      loadGeneratorGcMaxMs: results.map((r) => r.loadGeneratorGcMs.maxMs),
      ...(STALL_WATCH ? { slowestTurnsTouchedByNoStopPercent: results.map((r) => r.slowestTurns?.slowTurnsTouchedByNonePercent) } : {}),
      errors: results.map((r) => r.errors),
    },
  };
}

async function fairnessPhase(build: Build, pki: TestPki, model: ScriptedOllama, policy: 'fair' | 'fcfs', reserved: number) {
  const CHAT_USERS = 20;
  const COMPLETION_USERS = 5;
  const SLOTS = 4;
  // Long chat answers (~1 s each) keep all four slots busy.
  await model.use('fairness');
  const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-server-'));
  const port = await freePort();
  const server = await startServerProcess(build, benchConfigYaml(pki, dir, port, model.url, CHAT_USERS + COMPLETION_USERS, SLOTS, policy, reserved), dir, port, pki);
  try {
    const { agents, close } = await connectDevelopers(pki.caPem, server.port, range(0, CHAT_USERS + COMPLETION_USERS));
    const deadline = performance.now() + FAIRNESS_SECONDS * 1000;
    let chatTurns = 0;
    const completionLatency: number[] = [];
    const chatLoops = agents.slice(0, CHAT_USERS).map(async (agent) => {
      while (performance.now() < deadline) {
        for await (const e of agent.startTurn([], { text: 'Explain everything.', context: [] }, { model: MODEL }, new AbortController().signal)) void e;
        chatTurns++;
      }
    });
    // Completion users start once the chat users have filled the queue, then type: one request every 250 ms.
    await new Promise((r) => setTimeout(r, 1000));
    const completionLoops = agents.slice(CHAT_USERS).map(async (agent) => {
      while (performance.now() < deadline) {
        completionLatency.push(await remoteCompletion(agent));
        await new Promise((r) => setTimeout(r, 250));
      }
    });
    await Promise.all([...chatLoops, ...completionLoops]);
    close();
    return { completionLatencyMs: stats(completionLatency), chatTurnsCompleted: chatTurns };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (!existsSync(join(REPO, 'dist/agent-host.js'))) throw new Error('dist/agent-host.js is missing: run node esbuild.mjs --tests first (npm run bench:server does).');
  pinSelf();
  const builds: Build[] = [];
  for (const ref of BASELINE_REFS) builds.push(baselineBuild(ref));
  builds.push(currentBuild());
  // The same build without the memory limit, taking turns with the others: what the limit changes, side by side.
  if (process.env.BENCH_ALSO_UNLIMITED === '1' && SERVER_MEMORY_LIMIT) builds.push({ ...currentBuild(), name: 'current without a memory limit', unlimited: true });
  // The same build with other Node flags, side by side: a flag's effect measured minutes apart would drown in the machine's noise.
  for (const variant of (process.env.BENCH_ALSO_NODE_FLAGS ?? '').split(';').map((v) => v.trim()).filter(Boolean)) {
    builds.push({ ...currentBuild(), name: `current with ${variant}`, nodeFlags: nodeFlagsFrom(variant) });
  }
  if (process.env.BENCH_FLOOR !== '0') builds.push(floorBuild());
  const pki = makePki();
  // The scripted Ollama runs beside this process on the load generator's core, in a process of its own (see scriptedOllama.main.ts).
  const modelDir = mkdtempSync(join(tmpdir(), 'hearth-bench-model-'));
  const node = [process.execPath, ...(STALL_WATCH ? ['--import', STALL_LOG_SCRIPT] : [])];
  const model = await startScriptedOllama(canPin() ? ['taskset', '-c', String(GENERATOR_CPU), ...node] : node, TOKEN_MS, join(modelDir, 'stalls.log'));
  try {
    const direct = await directPhase(model);
    await model.forget();
    const rows = [];
    for (const [n, mode] of DEVELOPERS.flatMap((d) => ARRIVALS.map((a) => [d, a] as const))) {
      await model.use('turn');
      const offered = offeredLoad(n, direct.turnMs);
      // Independent turns arrive at the rate these developers would ask for back to back with nothing but the model's time.
      const plan: ArrivalPlan = mode === 'independent' ? { mode, ratePerSecond: (n * 1000) / median(direct.turnMs) } : { mode };
      const row: Record<string, unknown> = { developers: n, arrivals: mode, ...(REPEATS > 1 ? { repeats: REPEATS } : {}), offeredLoad: offered };
      // Builds take turns within each repetition, so a noisy minute on the shared machine falls on all of them alike.
      const runs = new Map<string, PhaseResult[]>(builds.map((b) => [b.name, []]));
      for (let r = 0; r < REPEATS; r++) {
        for (const build of builds) runs.get(build.name)!.push(await serverPhase(build, pki, model, n, direct, plan));
      }
      for (const build of builds) row[build.name] = summarizeRepeats(runs.get(build.name)!);
      // What the offered load would cost each build: above one core, the row measures a backlog, whatever the code.
      offered.coresNeeded = Object.fromEntries(builds.map((b) => [b.name, round1((median(runs.get(b.name)!.map((r) => r.serverCpuMsPerTurn)) * offered.turnsPerSecond) / 1000)]));
      const floorRuns = runs.get(FLOOR);
      if (floorRuns) {
        // Machines are shared and noisy: the ratio of each build's CPU per turn to the floor's in the same repetition, measured
        // minutes apart, is steadier than either; counted in units of each core's probe work, a slow minute is charged to no one.
        const overFloor = (name: string, figure: (r: PhaseResult) => number) => Math.round(median(runs.get(name)!.map((r, i) => figure(r) / figure(floorRuns[i]))) * 100) / 100;
        const others = builds.filter((b) => b.name !== FLOOR);
        row.cpuPerTurnOverFloor = Object.fromEntries(others.map((b) => [b.name, overFloor(b.name, (r) => r.serverCpuMsPerTurn)]));
        row.cpuPerTurnOverFloorAtEqualCoreSpeed = Object.fromEntries(others.map((b) => [b.name, overFloor(b.name, (r) => r.serverCpuPerTurnInProbeUnits)]));
      }
      rows.push(row);
    }
    const current = currentBuild();
    const fairness = FAIRNESS
      ? {
          setup: { chatUsers: 20, completionUsers: 5, backendSlots: 4, chatReplyMs: FAIRNESS_CHAT_TOKENS * TOKEN_MS, seconds: FAIRNESS_SECONDS, server: 'current' },
          'fair (default: completions first, users round robin, 1 of 4 slots kept for completions)': await fairnessPhase(current, pki, model, 'fair', 1),
          'fair without a reserved slot': await fairnessPhase(current, pki, model, 'fair', 0),
          fcfs: await fairnessPhase(current, pki, model, 'fcfs', 0),
        }
      : 'skipped (BENCH_FAIRNESS=0)';
    console.log(
      JSON.stringify(
        {
          benchmark: 'team-server',
          machine: { cpus: cpus().length, node: process.version, pinned: canPin() ? { server: `cpu${SERVER_CPU}`, loadGeneratorAndScriptedOllama: `cpu${GENERATOR_CPU}` } : 'no (needs 2 CPUs and taskset)' },
          turn: { answerTokens: ANSWER_TOKENS.length, tokenDelayMs: TOKEN_MS, toolRoundTrips: 1, transport: 'gRPC over TLS on loopback, one connection per developer' },
          warmupSecondsPerRun: WARMUP_SECONDS,
          serverMemoryLimit: SERVER_MEMORY_LIMIT ? { ...SERVER_MEMORY_LIMIT, ...memoryLimitOutcome } : 'none (BENCH_MEMORY_LIMIT=none)',
          serverNodeFlags: { image: IMAGE_FLAGS_LEFT_OUT ? 'left out (BENCH_IMAGE_FLAGS=0)' : IMAGE_NODE_FLAGS, benchServerNodeFlags: process.env.BENCH_SERVER_NODE_FLAGS ?? '' },
          targets: { addedTtftP99Ms: { at100: 100, at500: 300 }, serverCpuMsPerTurn: 3, peakRssMbAt500: 300, errors: 0 },
          modelOnly: {
            what: "the model's own time to first token: the embedded agent calling the scripted Ollama directly, no server",
            developers: direct.developers,
            ttftMs: stats(direct.samples),
            turnMs: stats(direct.turnMs),
            loadGeneratorCpuPercentOfOneCore: direct.loadGeneratorCpuPercentOfOneCore,
            ...(direct.measuring ? { byTheMeasuringDevelopers: { nice: direct.measuring.nice, ttftMs: stats(direct.measuring.ttftMs), turnMs: stats(direct.measuring.turnMs) } } : {}),
          },
          rows,
          fairness,
        },
        null,
        2,
      ),
    );
  } finally {
    await model.close();
    rmSync(modelDir, { recursive: true, force: true });
    pki.cleanup();
    for (const b of builds) b.cleanup();
  }
}

await main();
