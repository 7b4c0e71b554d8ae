/**
 * Inline-suggestion benchmark: replays a scripted typing session (real edits
 * of a real source file, 10–30 keystrokes per second, with pauses after Enter
 * and at some word ends) through the real language server over Node IPC (as
 * the extension runs it), against
 * the scripted Ollama in its own process with a fixed time to first token and
 * token rate. The same session runs three times, side by side: the optimized
 * pipeline and a baseline without debounce, aborting, caching, type-through
 * and request sharing, both with a client that asks on every keystroke; then
 * the optimized pipeline with a client that asks the way VS Code does (after
 * 50 ms without typing, cancelling on each edit).
 *
 * Overhead per suggestion is the time from sending `textDocument/inlineCompletion`
 * to its answer, minus the model's time as the fixture recorded it (from
 * receiving the request to finishing the reply) and minus the debounce wait
 * still due when the request arrived (the debounce is quiet time since the
 * document's last change: a deliberate wait, not overhead; the timer's
 * lateness is counted).
 * The server's own trace (HEARTH_COMPLETION_TRACE) splits it into LSP
 * transport, the wait until the model request (timer lateness, prompt work),
 * HTTP and streaming, and server work.
 *
 * Prints one JSON object. Run with `npm run bench:completion`
 * (`node esbuild.mjs --tests && node out/bench/completion.bench.mjs`).
 * Environment: BENCH_SOURCE (file to type), BENCH_SEED, BENCH_TTFT_MS, BENCH_TOKEN_MS,
 * BENCH_DEBOUNCE_MS (the optimized pipeline's debounce), BENCH_REGIONS (blocks of lines to type).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fork, type ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { CodeActionRequest } from 'vscode-languageserver-protocol/node';
import { COMPLETION_TRACE_PREFIX, type CompletionTrace as Trace } from '../language-server/completion/inlineCompletionService';
import { preciseNow } from '../test/fixtures/preciseRequestTiming';
import type { TypingModelMessage, TypingModelRequest } from '../test/fixtures/typingModelFixture.main';
import { CompletionTestEditor, type InlineAnswer } from '../test/integration/completionTestEditor';
import { startLspTestClient } from '../test/integration/lspTestClient';

const MODEL = 'qwen2.5-coder:7b';
const SOURCE = process.env.BENCH_SOURCE ?? 'language-server/completion/suggestionCache.ts';
const SEED = Number(process.env.BENCH_SEED ?? 42);
const FIRST_TOKEN_MS = Number(process.env.BENCH_TTFT_MS ?? 60);
const TOKEN_MS = Number(process.env.BENCH_TOKEN_MS ?? 8);
const DEBOUNCE_MS = Number(process.env.BENCH_DEBOUNCE_MS ?? 30);
/** Keystroke gaps: 10 to 30 keystrokes per second. */
const MIN_GAP_MS = 1000 / 30;
const MAX_GAP_MS = 1000 / 10;
/** A developer pauses after Enter and before moving elsewhere; that is when suggestions get read. */
const LINE_PAUSE_MS = 350;
const REGION_PAUSE_MS = 800;
const TYPO_RATE = 0.04;
/** Developers also stop mid-line now and then, at a word boundary, to read or think. */
const WORD_PAUSE_RATE = 0.25;
const WORD_PAUSE_MS = 300;
/** The scripted model suggests at most this many words, so suggestions run out and new ones are needed mid-line. */
const SUGGESTION_WORDS = 4;
const REGIONS = Number(process.env.BENCH_REGIONS ?? 6);
/**
 * How the editor asks. `everyKeystroke`: a request right after each edit (clients that leave all
 * debouncing to the server). `vscode`: as VS Code 1.100 does, the edit at once, the request in flight
 * cancelled at once, and a new request only after 50 ms without typing (its InlineCompletionsDebounce).
 */
type ClientMode = 'everyKeystroke' | 'vscode';
const VSCODE_REQUEST_DELAY_MS = 50;
const LINES_PER_REGION = 3;
/** Characters of text before the cursor that identify a typing state. */
const STATE_TAIL = 160;

type Step = { kind: 'type'; text: string; gapMs: number } | { kind: 'backspace'; gapMs: number } | { kind: 'jump'; offset: number; gapMs: number };

/** A small seeded PRNG (mulberry32), so every run types the same session. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The session: `REGIONS` blocks of lines are blanked out of the file, then
 * typed back in order, one keystroke per character. Indentation comes with
 * Enter (as the editor's auto-indent does); some letters are mistyped and
 * corrected with Backspace.
 */
function buildSession(source: string, rand: () => number): { initial: string; steps: Step[] } {
  const lines = source.split('\n');
  const candidates: number[] = [];
  for (let i = 5; i + LINES_PER_REGION < lines.length - 2; i++) {
    const block = lines.slice(i, i + LINES_PER_REGION);
    if (block.every((l) => l.trim().length > 3 && !l.trim().startsWith('*') && !l.trim().startsWith('//'))) candidates.push(i);
  }
  const chosen: number[] = [];
  const stride = Math.max(1, Math.floor(candidates.length / REGIONS));
  for (let k = 0; k < candidates.length && chosen.length < REGIONS; k += stride) {
    if (chosen.length === 0 || candidates[k] >= chosen[chosen.length - 1] + LINES_PER_REGION + 1) chosen.push(candidates[k]);
  }
  const blanked = [...lines];
  for (const start of [...chosen].reverse()) blanked.splice(start, LINES_PER_REGION, '');
  const initial = blanked.join('\n');
  const steps: Step[] = [];
  const gap = () => MIN_GAP_MS + rand() * (MAX_GAP_MS - MIN_GAP_MS);
  for (const start of chosen) {
    // Regions are restored in order, so the blank line sits where the region starts in the source.
    const offset = lines.slice(0, start).join('\n').length + 1;
    steps.push({ kind: 'jump', offset, gapMs: REGION_PAUSE_MS });
    const region = lines.slice(start, start + LINES_PER_REGION);
    region.forEach((line, index) => {
      const indent = line.length - line.trimStart().length;
      steps.push({ kind: 'type', text: (index === 0 ? '' : '\n') + line.slice(0, indent), gapMs: gap() });
      // After Enter the developer pauses to think about the line: the moment a suggestion for it is read.
      let previous = '';
      for (const ch of line.slice(indent)) {
        const pause = previous === '' ? LINE_PAUSE_MS : previous === ' ' && ch !== ' ' && rand() < WORD_PAUSE_RATE ? WORD_PAUSE_MS : gap();
        previous = ch;
        if (/[a-z]/i.test(ch) && rand() < TYPO_RATE) {
          steps.push({ kind: 'type', text: ch === 'x' ? 'z' : 'x', gapMs: pause });
          steps.push({ kind: 'backspace', gapMs: gap() * 2 });
          steps.push({ kind: 'type', text: ch, gapMs: gap() });
        } else {
          steps.push({ kind: 'type', text: ch, gapMs: pause });
        }
      }
    });
  }
  return { initial, steps };
}

function percentile(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]);
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function summary(values: number[]) {
  return { samples: values.length, p50: percentile(values, 0.5), p99: percentile(values, 0.99), max: percentile(values, 1) };
}

interface Keystroke {
  index: number;
  sentAt: number;
  state: string;
  /** The answer to the request this keystroke led to; none when the next keystroke came first (VS Code's pattern). */
  answer: Promise<InlineAnswer | undefined>;
}

/** Starts the scripted model in its own process (as Ollama is) and resolves with its URL. */
async function startTypingModel(sourcePath: string): Promise<{ child: ChildProcess; url: string }> {
  const script = path.resolve('out/test/fixtures/typingModelFixture.main.mjs');
  const child = fork(script, [sourcePath, String(FIRST_TOKEN_MS), String(TOKEN_MS), String(SUGGESTION_WORDS), String(STATE_TAIL)], { stdio: 'inherit' });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m: TypingModelMessage) => (m.type === 'ready' ? resolve(m.url) : reject(new Error('unexpected message from the model fixture'))));
    child.once('exit', (code) => reject(new Error(`The model fixture exited with ${code}; run \`node esbuild.mjs --tests\` first.`)));
  });
  return { child, url };
}

/** Every model request the scripted model received, once all have settled. */
function modelReport(child: ChildProcess): Promise<TypingModelRequest[]> {
  return new Promise((resolve) => {
    child.once('message', (m: TypingModelMessage) => m.type === 'report' && resolve(m.requests));
    child.send({ type: 'report' });
  });
}

async function runPipeline(pipeline: 'optimized' | 'baseline', source: string, sourcePath: string, session: { initial: string; steps: Step[] }, clientMode: ClientMode = 'everyKeystroke') {
  const model = await startTypingModel(sourcePath);
  const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-bench-'));
  const completion = pipeline === 'optimized' ? { model: MODEL, debounceMs: DEBOUNCE_MS } : { model: MODEL, debounceMs: 0, pipeline: 'baseline' };
  // Makes the server report where each answer came from and where its time went (see CompletionTrace).
  process.env.HEARTH_COMPLETION_TRACE = '1';
  // Over Node IPC, the transport Hearth's extension uses with its language server.
  const client = await startLspTestClient({ storagePath: storage, transport: 'ipc', workspace: path.resolve('.'), settings: { ollama: { host: model.url }, chat: { model: MODEL }, completion } });
  try {
    const editor = new CompletionTestEditor(client.connection, pathToFileURL(sourcePath).toString(), 'typescript', session.initial);
    await editor.open();
    // One warm-up request loads the model facts (/api/show) so the session measures the steady state.
    editor.moveTo(session.steps[0].kind === 'jump' ? session.steps[0].offset : 0);
    await editor.request();

    // The floor under every answer: one LSP round trip for a request that does no work, back to back
    // and after a pause between keystrokes (10 to 30 per second), when both processes have gone idle.
    const transport: number[] = [];
    const transportAfterGap: number[] = [];
    const floorRand = random(SEED + 1);
    for (let i = 0; i < 300; i++) {
      const afterGap = i >= 200;
      if (afterGap) await new Promise((resolve) => setTimeout(resolve, MIN_GAP_MS + floorRand() * (MAX_GAP_MS - MIN_GAP_MS)));
      const sent = performance.now();
      await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri: editor.uri }, range: { start: editor.position, end: editor.position }, context: { diagnostics: [] } });
      (afterGap ? transportAfterGap : transport).push(performance.now() - sent);
    }

    const keystrokes: Keystroke[] = [];
    const jumps: number[] = [];
    // VS Code's pattern: the request waits for a pause in typing; a keystroke meanwhile drops it.
    let delayed: { timer: NodeJS.Timeout; resolve: (answer: InlineAnswer | undefined) => void } | undefined;
    const dropDelayed = () => {
      if (!delayed) return;
      clearTimeout(delayed.timer);
      delayed.resolve(undefined);
      delayed = undefined;
    };
    const requestFor = (): Promise<InlineAnswer | undefined> => {
      if (clientMode === 'everyKeystroke') return editor.request();
      return new Promise((resolve) => {
        delayed = {
          resolve,
          timer: setTimeout(() => {
            delayed = undefined;
            resolve(editor.request());
          }, VSCODE_REQUEST_DELAY_MS),
        };
      });
    };
    const startedAt = preciseNow();
    let nextAt = performance.now();
    for (const step of session.steps) {
      nextAt += step.gapMs;
      const wait = nextAt - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (clientMode === 'vscode') {
        dropDelayed();
        editor.cancelPending();
      }
      if (step.kind === 'jump') {
        editor.moveTo(step.offset);
        jumps.push(preciseNow());
        continue;
      }
      if (step.kind === 'backspace') await editor.backspace();
      else await editor.insert(step.text);
      const state = editor.text.slice(Math.max(0, editor.cursor - STATE_TAIL), editor.cursor);
      keystrokes.push({ index: keystrokes.length, sentAt: preciseNow(), state, answer: requestFor() });
    }
    const answers = await Promise.all(keystrokes.map((k) => k.answer));
    const durationMs = preciseNow() - startedAt;
    const generates = await modelReport(model.child);
    if (editor.text !== source) throw new Error('The session did not reproduce the source file; the benchmark script is wrong.');
    return {
      clientMode,
      ...analyse(pipeline, keystrokes, answers, tracesFrom(client.logs), generates, jumps, durationMs),
      lspRoundTripFloorMs: { backToBack: summary(transport), afterTypingGap: summary(transportAfterGap) },
    };
  } finally {
    await client.stop();
    model.child.send({ type: 'close' });
    fs.rmSync(storage, { recursive: true, force: true });
  }
}

/** The server's own account of each answer (HEARTH_COMPLETION_TRACE), from its stderr. */
function tracesFrom(logs: string[]): Trace[] {
  return logs
    .join('')
    .split('\n')
    .filter((line) => line.startsWith(COMPLETION_TRACE_PREFIX))
    .map((line) => JSON.parse(line.slice(COMPLETION_TRACE_PREFIX.length)) as Trace);
}

function analyse(
  pipeline: 'optimized' | 'baseline',
  keystrokes: Keystroke[],
  answers: (InlineAnswer | undefined)[],
  traces: Trace[],
  generates: TypingModelRequest[],
  jumps: number[],
  durationMs: number,
) {
  // Requests are seconds apart compared with their transport time, so each trace belongs to the last keystroke sent before it arrived.
  const traceOf = (k: Keystroke, i: number) => {
    const nextSent = keystrokes[i + 1]?.sentAt ?? Number.POSITIVE_INFINITY;
    return traces.find((t) => t.receivedAt >= k.sentAt && t.receivedAt < nextSent);
  };
  const overhead: number[] = [];
  const parts = { requestLeg: [] as number[], responseLeg: [] as number[], lspTransport: [] as number[], untilModelRequest: [] as number[], httpAndStream: [] as number[], serverWork: [] as number[] };
  const modelServedE2e: number[] = [];
  const cache = { client: [] as number[], server: [] as number[] };
  const typeThrough = { client: [] as number[], server: [] as number[] };
  let shown = 0;
  keystrokes.forEach((k, i) => {
    const answer = answers[i];
    if (!answer) return;
    if (answer.text) shown++;
    const trace = traceOf(k, i);
    if (!trace || !answer.text) return;
    const serverMs = trace.answeredAt - trace.receivedAt;
    if (trace.source === 'cache' || trace.source === 'typeThrough') {
      const bucket = trace.source === 'cache' ? cache : typeThrough;
      bucket.client.push(answer.ms);
      bucket.server.push(serverMs);
      return;
    }
    if (trace.source !== 'model' || trace.requestedModelAt === undefined || trace.modelDoneAt === undefined) return;
    const served = generates.find((g) => g.outcome === 'completed' && g.respondedAt >= trace.requestedModelAt! && g.finishedAt !== undefined && g.finishedAt <= trace.modelDoneAt!);
    if (!served) return;
    const modelMs = served.finishedAt! - served.respondedAt;
    // The part of the debounce still to run when the request arrived (it counts from the last keystroke).
    const debounceDue = trace.debounceUntil !== undefined ? Math.max(trace.receivedAt, trace.debounceUntil) : trace.receivedAt;
    overhead.push(answer.ms - modelMs - (debounceDue - trace.receivedAt));
    modelServedE2e.push(answer.ms);
    parts.lspTransport.push(answer.ms - serverMs);
    parts.requestLeg.push(trace.receivedAt - answer.sentAt);
    parts.responseLeg.push(answer.answeredAt - trace.answeredAt);
    // From the request's arrival, or the end of the debounce still due then, to sending the model request:
    // the timer's lateness and the prompt work not hidden inside the debounce.
    parts.untilModelRequest.push(trace.requestedModelAt - debounceDue);
    parts.httpAndStream.push(trace.modelDoneAt - trace.requestedModelAt - modelMs);
    parts.serverWork.push(trace.answeredAt - trace.modelDoneAt);
  });

  // A generation that completed after the developer had already typed the next key (or moved away) was wasted.
  // Counted twice: from the moment the key left the editor (the target's measure), and from the moment the
  // server received it, before which no pipeline can know to abort; the difference is that transport race.
  const events = [...keystrokes.map((k) => k.sentAt), ...jumps].sort((a, b) => a - b);
  const serverLearnedAt = new Map(keystrokes.map((k, i) => [k.sentAt, traceOf(k, i)?.receivedAt ?? k.sentAt]));
  let completedAfterTypedPast = 0;
  let completedAfterServerKnew = 0;
  for (const g of generates) {
    if (g.outcome !== 'completed') continue;
    const origin = [...keystrokes].reverse().find((k) => k.state === g.promptTail && k.sentAt <= g.respondedAt);
    if (!origin) continue;
    const next = events.find((at) => at > origin.sentAt);
    if (next === undefined || g.finishedAt === undefined || g.finishedAt <= next) continue;
    completedAfterTypedPast++;
    // A jump sends nothing to the server, so for a jump the server never knew.
    const learned = serverLearnedAt.get(next);
    if (learned !== undefined && g.finishedAt > learned) completedAfterServerKnew++;
  }
  const per100 = (n: number) => round((n * 100) / keystrokes.length);
  const completed = generates.filter((g) => g.outcome === 'completed').length;
  const aborted = generates.filter((g) => g.outcome === 'aborted').length;
  return {
    pipeline,
    settings: pipeline === 'optimized' ? { debounceMs: DEBOUNCE_MS, abort: true, cache: true, typeThrough: true, sharing: true } : { debounceMs: 0, abort: false, cache: false, typeThrough: false, sharing: false },
    keystrokes: keystrokes.length,
    sessionSeconds: round(durationMs / 1000),
    suggestionsShown: shown,
    overheadMs: summary(overhead),
    overheadPartsP50Ms: {
      lspTransport: percentile(parts.lspTransport, 0.5),
      requestLeg: percentile(parts.requestLeg, 0.5),
      responseLeg: percentile(parts.responseLeg, 0.5),
      untilModelRequest: percentile(parts.untilModelRequest, 0.5),
      httpAndStream: percentile(parts.httpAndStream, 0.5),
      serverWorkAfterModel: percentile(parts.serverWork, 0.5),
    },
    modelServedLatencyMs: summary(modelServedE2e),
    memoryLatencyMs: {
      exactCache: { ...summary(cache.client), serverP50: percentile(cache.server, 0.5), serverP99: percentile(cache.server, 0.99) },
      typeThrough: { ...summary(typeThrough.client), serverP50: percentile(typeThrough.server, 0.5), serverP99: percentile(typeThrough.server, 0.99) },
    },
    modelRequests: { started: generates.length, completed, aborted },
    modelRequestsPer100Keystrokes: { started: per100(generates.length), completed: per100(completed), aborted: per100(aborted) },
    completedAfterTypedPast,
    completedAfterServerKnew,
  };
}

async function main(): Promise<void> {
  const sourcePath = path.resolve(SOURCE);
  const source = fs.readFileSync(sourcePath, 'utf8');
  const session = buildSession(source, random(SEED));
  const optimized = await runPipeline('optimized', source, sourcePath, session);
  const baseline = await runPipeline('baseline', source, sourcePath, session);
  const optimizedVsCodeClient = await runPipeline('optimized', source, sourcePath, session, 'vscode');
  const within = (actual: number | null, target: number) => ({ target, actual, met: actual !== null && actual <= target });
  const targetsOf = (run: typeof optimized) => {
    const memory = (q: 'p50' | 'p99') => {
      const values = [run.memoryLatencyMs.exactCache[q], run.memoryLatencyMs.typeThrough[q]].filter((v): v is number => v !== null);
      return values.length > 0 ? Math.max(...values) : null;
    };
    return {
      overheadP50Ms: within(run.overheadMs.p50, 3),
      overheadP99Ms: within(run.overheadMs.p99, 15),
      memoryP50Ms: within(memory('p50'), 1),
      memoryP99Ms: within(memory('p99'), 1),
      completedAfterTypedPast: within(run.completedAfterTypedPast, 0),
    };
  };
  const result = {
    benchmark: 'completion',
    source: SOURCE,
    model: { name: MODEL, firstTokenMs: FIRST_TOKEN_MS, tokenMs: TOKEN_MS },
    typing: { keystrokesPerSecond: [10, 30], linePauseMs: LINE_PAUSE_MS, wordPause: { rate: WORD_PAUSE_RATE, ms: WORD_PAUSE_MS }, typoRate: TYPO_RATE, seed: SEED },
    scriptedSuggestionWords: SUGGESTION_WORDS,
    node: process.version,
    optimized,
    baseline,
    optimizedVsCodeClient,
    targets: { everyKeystrokeClient: targetsOf(optimized), vscodeClient: targetsOf(optimizedVsCodeClient) },
  };
  console.log(JSON.stringify(result, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
