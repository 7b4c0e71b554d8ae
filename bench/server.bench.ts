/**
 * Team server benchmark. N simulated developers (1, 50, 200, 500) on
 * loopback, each signed in with its own API key over TLS, each running a chat
 * turn with one tool round trip (executed by the developer's own executor)
 * and one inline completion, against the scripted Ollama at a fixed token
 * rate. Measured:
 *   - time to first token through the team server versus the embedded agent
 *     calling the fixture directly, p50/p99, and the overhead between them;
 *   - the server process's CPU time and peak RSS (it runs in a child process);
 *   - fairness: completion latency p50/p99 while 20 users saturate the backend
 *     with chat turns, under the fair scheduler and under plain FCFS, in the same run.
 *
 * Prints one JSON object. Run: node esbuild.mjs --tests && node out/bench/server.bench.mjs
 * Environment: BENCH_DEVELOPERS (e.g. "1,50"), BENCH_TOKEN_MS (default 10), BENCH_FAIRNESS_SECONDS (default 8).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AgentEvent, ToolCall } from '../protocol/chat';
import { createAgent, createFimCompleter, type Agent, type FimReadyModel } from '../agent-host';
import { sha256Hash } from '../agent-host/server/auth/apiKeys';
import type { ServerConfig } from '../agent-host/server/config/serverConfig';
import { silentLogger } from '../agent-host/server/ops/logger';
import { nullAuditLog } from '../agent-host/server/ops/auditLog';
import { startTeamServer } from '../agent-host/server/teamServer';
import { RemoteAgent } from '../language-server/remote/remoteAgent';
import { TeamConnection } from '../language-server/remote/teamConnection';
import { parseTeamServerUrl } from '../language-server/remote/teamServerUrl';
import { startOllamaFixture, type OllamaFixture, type RecordedRequest, type ScriptedReply } from '../test/fixtures/ollamaFixture';
import { FakeToolExecutor } from '../test/fixtures/fakeToolExecutor';
import { makePki, remoteConfig, type TestPki } from '../test/integration/teamServerHarness';

const MODEL = 'qwen2.5-coder:7b';
const TOKEN_MS = Number(process.env.BENCH_TOKEN_MS ?? 10);
const DEVELOPERS = (process.env.BENCH_DEVELOPERS ?? '1,50,200,500').split(',').filter(Boolean).map(Number);
const FAIRNESS_SECONDS = Number(process.env.BENCH_FAIRNESS_SECONDS ?? 8);
const CHAT_REPLY = 'Here is what the file does, in a few words. '.repeat(2).trim();
const COMPLETION_REPLY = 'return a + b;';

// ------------------------------------------------------------------ server child process

/** `--serve <config json>`: this file runs the team server alone, so its CPU and memory can be measured. */
async function serveChild(configJson: string): Promise<void> {
  const server = await startTeamServer({ config: JSON.parse(configJson) as ServerConfig, logger: silentLogger, audit: nullAuditLog, processMetrics: false });
  process.stdout.write(`PORT=${server.port}\n`);
  process.on('SIGTERM', () => void server.shutdown(100).then(() => process.exit(0)));
}

interface ServerProcess {
  port: number;
  child: ChildProcess;
  cpuSeconds(): number;
  rssMb(): number;
  stop(): Promise<void>;
}

async function startServerProcess(config: ServerConfig): Promise<ServerProcess> {
  const profile = process.env.BENCH_CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, fileURLToPath(import.meta.url), '--serve', JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /PORT=(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const ticks = () => {
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(fields[11]) + Number(fields[12]);
  };
  return {
    port,
    child,
    cpuSeconds: () => ticks() / 100,
    rssMb: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

// ------------------------------------------------------------------ helpers

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] * 10) / 10;
}

function stats(values: number[]) {
  return { p50: percentile(values, 50), p99: percentile(values, 99), n: values.length };
}

/** Tool call first, then the answer; completions get a short snippet. Stateless, so concurrent requests are fine. */
function responder(chatText: string) {
  return (req: RecordedRequest): ScriptedReply => {
    if (req.path === '/api/generate') return { kind: 'text', text: COMPLETION_REPLY };
    const messages = (req.body?.messages ?? []) as { role: string }[];
    const hasTools = Array.isArray(req.body?.tools) && req.body.tools.length > 0;
    if (hasTools && messages.at(-1)?.role !== 'tool') return { kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: 'src/app.ts' } }] };
    return { kind: 'text', text: chatText };
  };
}

const executor = () => new FakeToolExecutor((_call: ToolCall) => 'export const app = 1;\n'.repeat(20));

/** Milliseconds from starting a turn to its first text; throws if the turn failed. */
async function timeToFirstText(agent: Agent, user: number): Promise<number> {
  const started = performance.now();
  let first = NaN;
  let error = '';
  for await (const e of agent.startTurn([], { text: `Developer ${user}: what does src/app.ts do?`, context: [] }, { model: MODEL, executor: executor() }, new AbortController().signal) as AsyncIterable<AgentEvent>) {
    if (e.type === 'text' && Number.isNaN(first)) first = performance.now() - started;
    if (e.type === 'error') error = e.error.message;
  }
  if (error || Number.isNaN(first)) throw new Error(error || 'no text');
  return first;
}

const FIM_MODEL: FimReadyModel = { status: 'ready', model: MODEL, mode: 'native', contextLength: 8192, stop: [] };

async function directCompletion(host: string): Promise<number> {
  const started = performance.now();
  for await (const chunk of createFimCompleter({ host }).complete(FIM_MODEL, { prefix: 'function add(a, b) {\n  ', suffix: '\n}', maxTokens: 16 }, new AbortController().signal)) void chunk;
  return performance.now() - started;
}

async function remoteCompletion(agent: RemoteAgent): Promise<number> {
  const started = performance.now();
  await agent.complete({ model: MODEL, prompt: 'function add(a, b) {\n  ', suffix: '\n}', maxTokens: 16 });
  return performance.now() - started;
}

function benchConfig(pki: TestPki, fixtureUrl: string, users: number, slots: number, policy: 'fair' | 'fcfs', reserved = 0): ServerConfig {
  return remoteConfig(pki, fixtureUrl, (c) => {
    c.auth.apiKeys = Array.from({ length: users }, (_, i) => ({ user: `dev${i}`, hash: sha256Hash(`bench-key-${i}`) }));
    c.backends[0].maxConcurrency = slots;
    c.scheduler = { ...c.scheduler, policy, maxQueue: 5000, maxQueuePerUser: 100, reservedCompletionSlots: reserved };
    c.metrics.port = -1;
  });
}

async function connectDevelopers(pki: TestPki, port: number, n: number): Promise<{ agents: RemoteAgent[]; close(): void }> {
  const connections = Array.from({ length: n }, (_, i) => new TeamConnection({ address: parseTeamServerUrl(`grpcs://localhost:${port}`), apiKey: `bench-key-${i}`, tls: { caPem: pki.caPem } }));
  // Sign in in batches: 500 simultaneous TLS handshakes measure the handshake, not the server.
  for (let i = 0; i < n; i += 50) await Promise.all(connections.slice(i, i + 50).map((c) => c.auth.renew()));
  return { agents: connections.map((c) => new RemoteAgent(c)), close: () => connections.forEach((c) => c.close()) };
}

// ------------------------------------------------------------------ phases

/** Sequential turns per developer, so small N still gives enough samples for a p99. */
function roundsFor(n: number): number {
  return Math.max(1, Math.ceil(40 / n));
}

async function ttftPhase(pki: TestPki, fixture: OllamaFixture, n: number) {
  fixture.setResponder(responder(CHAT_REPLY));
  const rounds = roundsFor(n);
  // Direct: the embedded agent, as local mode runs it, against the same fixture. One warm-up turn first, as for the server.
  const direct = createAgent({ host: fixture.url });
  await timeToFirstText(direct, -1);
  await directCompletion(fixture.url);
  const directTtft: number[] = [];
  const directFim: number[] = [];
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      for (let r = 0; r < rounds; r++) {
        directTtft.push(await timeToFirstText(direct, i));
        directFim.push(await directCompletion(fixture.url));
      }
    }),
  );

  // Enough backend slots that the numbers show the server's overhead, not queueing.
  const server = await startServerProcess(benchConfig(pki, fixture.url, n, Math.max(8, n), 'fair'));
  const { agents, close } = await connectDevelopers(pki, server.port, n);
  await timeToFirstText(agents[0], -1);
  const cpuBefore = server.cpuSeconds();
  let rssPeak = server.rssMb();
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, server.rssMb())), 50);
  const started = performance.now();
  let errors = 0;
  const viaTtft: number[] = [];
  const viaFim: number[] = [];
  await Promise.all(
    agents.map(async (agent, i) => {
      for (let r = 0; r < rounds; r++) {
        try {
          viaTtft.push(await timeToFirstText(agent, i));
          viaFim.push(await remoteCompletion(agent));
        } catch {
          errors++;
        }
      }
    }),
  );
  const wallSeconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const cpuSeconds = server.cpuSeconds() - cpuBefore;
  close();
  await server.stop();
  const d = stats(directTtft);
  const v = stats(viaTtft);
  const turns = n * rounds;
  return {
    developers: n,
    turnsPerDeveloper: rounds,
    ttftMs: { direct: d, viaServer: v, overhead: { p50: Math.round((v.p50 - d.p50) * 10) / 10, p99: Math.round((v.p99 - d.p99) * 10) / 10 } },
    completionMs: { direct: stats(directFim), viaServer: stats(viaFim) },
    server: {
      cpuSeconds: Math.round(cpuSeconds * 100) / 100,
      cpuMsPerDeveloperTurn: Math.round((cpuSeconds * 1000) / turns),
      cpuPercentOfOneCore: Math.round((cpuSeconds / wallSeconds) * 1000) / 10,
      rssPeakMb: Math.round(rssPeak),
      wallSeconds: Math.round(wallSeconds * 100) / 100,
    },
    errors,
  };
}

async function fairnessPhase(pki: TestPki, fixture: OllamaFixture, policy: 'fair' | 'fcfs', reserved = 0) {
  const CHAT_USERS = 20;
  const COMPLETION_USERS = 5;
  const SLOTS = 4;
  // Long chat answers (~1 s each) keep all four slots busy.
  fixture.setResponder((req) => (req.path === '/api/generate' ? { kind: 'text', text: COMPLETION_REPLY } : { kind: 'text', text: 'token '.repeat(100).trim() }));
  const config = benchConfig(pki, fixture.url, CHAT_USERS + COMPLETION_USERS, SLOTS, policy, reserved);
  if (process.env.BENCH_METRICS_PORT) config.metrics.port = Number(process.env.BENCH_METRICS_PORT);
  const server = await startServerProcess(config);
  const { agents, close } = await connectDevelopers(pki, server.port, CHAT_USERS + COMPLETION_USERS);
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
  if (process.env.BENCH_METRICS_PORT) console.error((await (await fetch(`http://127.0.0.1:${config.metrics.port}/metrics`)).text()).split('\n').filter((l) => /queue_wait|first_byte|model_request_seconds_(sum|count)/.test(l)).join('\n'));
  close();
  await server.stop();
  return { completionLatencyMs: stats(completionLatency), chatTurnsCompleted: chatTurns };
}

async function main(): Promise<void> {
  const pki = makePki();
  const fixture = await startOllamaFixture({ tokenDelayMs: TOKEN_MS });
  try {
    const ttft = [];
    for (const n of DEVELOPERS) ttft.push(await ttftPhase(pki, fixture, n));
    // A completion with the GPU idle, for reference: what the wait under load is added to.
    fixture.setResponder(() => ({ kind: 'text', text: COMPLETION_REPLY }));
    const idle = stats(await Promise.all(Array.from({ length: 5 }, () => directCompletion(fixture.url))));
    const fairReserved = await fairnessPhase(pki, fixture, 'fair', 1);
    const fair = await fairnessPhase(pki, fixture, 'fair', 0);
    const fcfs = await fairnessPhase(pki, fixture, 'fcfs');
    const result = {
      benchmark: 'team-server',
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
      fixture: { tokenDelayMs: TOKEN_MS, chatReplyTokens: CHAT_REPLY.split(' ').length, transport: 'gRPC over TLS on loopback, one connection per developer' },
      ttft,
      fairness: {
        setup: { chatUsers: 20, completionUsers: 5, backendSlots: 4, chatReplyMs: 100 * TOKEN_MS, seconds: FAIRNESS_SECONDS },
        idleCompletionMs: idle,
        'fair (default: completions first, users round robin, 1 of 4 slots kept for completions)': fairReserved,
        'fair without a reserved slot': fair,
        fcfs,
      },
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await fixture.close();
    pki.cleanup();
  }
}

if (process.argv.includes('--serve')) await serveChild(process.argv[process.argv.indexOf('--serve') + 1]);
else await main();
