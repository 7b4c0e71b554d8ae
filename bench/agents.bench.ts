/**
 * The prompt tokens a model reads for one task — a change to two files — done
 * by a single agent and by a planner that hands each file to an executor
 * sub-agent (run_subagents), both through the real language server (stdio LSP,
 * the real tools, approvals answered) on the scripted Ollama fixture.
 *
 * The fixture plays a competent model: each variant takes the shortest
 * sensible path (the single agent reads both files, edits both, answers; the
 * planner delegates both files at once, each executor reads its file, edits
 * it and reports, and the planner answers). What differs is only what Hearth
 * puts into each prompt: the system prompt, the tool schemas, the history.
 * Prompt tokens are what the fixture reports as `prompt_eval_count` (its
 * estimate, four characters a token, over the whole prompt of every request).
 * Ollama reuses the KV cache for a prompt's unchanged prefix, so on a real
 * server the single agent's later steps cost less prompt evaluation than
 * counted here, while each sub-agent starts a new prefix. Prints JSON.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChatSendRequest, CommandApprovalRequest, EditApprovalRequest, WorkspaceTrustNotification } from '../protocol/lspMethods';
import { startOllamaFixture, type RecordedRequest, type ScriptedReply } from '../test/fixtures/ollamaFixture';
import { promptTokens } from '../test/fixtures/ollama/replyChannel';
import { startLspTestClient } from '../test/integration/lspTestClient';

const MODEL = 'qwen2.5-coder:7b';
const ROUNDS = 5;

/** Two realistic files: the change renames the `rate` parameter of `applyTax` and its one caller. */
function workspaceFiles(): Record<string, string> {
  const filler = (name: string) =>
    Array.from({ length: 40 }, (_, i) => `export function ${name}${i}(value: number): number {\n  // Keeps ${name} ${i} separate from the others.\n  return value * ${i + 1};\n}\n`).join('\n');
  return {
    'src/tax.ts': `export function applyTax(amount: number, rate: number): number {\n  return amount * (1 + rate);\n}\n\n${filler('taxHelper')}`,
    'src/cart.ts': `import { applyTax } from './tax';\n\nexport function cartTotal(items: number[], rate: number): number {\n  return applyTax(items.reduce((a, b) => a + b, 0), rate);\n}\n\n${filler('cartHelper')}`,
  };
}
const TASK = 'Rename the parameter `rate` to `taxRate` in applyTax (src/tax.ts) and in cartTotal (src/cart.ts).';

const lastOf = (r: RecordedRequest): { role: string; content: string } => r.body.messages.at(-1);
const systemOf = (r: RecordedRequest): string => r.body.messages?.[0]?.content ?? '';
const toolMessages = (r: RecordedRequest): number => (r.body.messages as { role: string }[]).filter((m) => m.role === 'tool').length;

const EDITS: Record<string, { oldText: string; newText: string }> = {
  'src/tax.ts': { oldText: 'applyTax(amount: number, rate: number): number {\n  return amount * (1 + rate);', newText: 'applyTax(amount: number, taxRate: number): number {\n  return amount * (1 + taxRate);' },
  'src/cart.ts': { oldText: 'cartTotal(items: number[], rate: number): number {\n  return applyTax(items.reduce((a, b) => a + b, 0), rate);', newText: 'cartTotal(items: number[], taxRate: number): number {\n  return applyTax(items.reduce((a, b) => a + b, 0), taxRate);' },
};

/** One agent: read both files, edit both, answer. */
function singleAgent(r: RecordedRequest): ScriptedReply {
  const steps: ScriptedReply[] = [
    { kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: 'src/tax.ts' } }] },
    { kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: 'src/cart.ts' } }] },
    { kind: 'toolCalls', calls: [{ name: 'edit_file', arguments: { path: 'src/tax.ts', ...EDITS['src/tax.ts'] } }] },
    { kind: 'toolCalls', calls: [{ name: 'edit_file', arguments: { path: 'src/cart.ts', ...EDITS['src/cart.ts'] } }] },
    { kind: 'text', text: 'Renamed `rate` to `taxRate` in applyTax and cartTotal.' },
  ];
  return steps[Math.min(toolMessages(r), steps.length - 1)];
}

/** A planner with two executors, one per file. */
function planner(r: RecordedRequest): ScriptedReply {
  if (/executor sub-agent/.test(systemOf(r))) {
    const task = (r.body.messages as { role: string; content: string }[]).find((m) => m.role === 'user')?.content ?? '';
    const file = task.includes('src/cart.ts') ? 'src/cart.ts' : 'src/tax.ts';
    const steps: ScriptedReply[] = [
      { kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: file } }] },
      { kind: 'toolCalls', calls: [{ name: 'edit_file', arguments: { path: file, ...EDITS[file] } }] },
      { kind: 'text', text: `Renamed rate to taxRate in ${file}.` },
    ];
    return steps[Math.min(toolMessages(r), steps.length - 1)];
  }
  if (lastOf(r).role === 'tool') return { kind: 'text', text: 'Both files now use `taxRate`.' };
  return {
    kind: 'toolCalls',
    calls: [
      {
        name: 'run_subagents',
        arguments: {
          agents: [
            { role: 'executor', task: 'In src/tax.ts, rename the parameter `rate` of applyTax to `taxRate` (its uses in the body too).' },
            { role: 'executor', task: 'In src/cart.ts, rename the parameter `rate` of cartTotal to `taxRate` (its uses in the body too).' },
          ],
        },
      },
    ],
  };
}

interface RoundResult {
  promptTokens: number;
  modelCalls: number;
  wallMs: number;
  byAgent: Record<string, { promptTokens: number; modelCalls: number }>;
  correct: boolean;
}

async function runOnce(variant: 'single' | 'planner'): Promise<RoundResult> {
  const fixture = await startOllamaFixture();
  const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-bench-agents-ls-'));
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-bench-agents-ws-'));
  const files = workspaceFiles();
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(workspace, rel)), { recursive: true });
    fs.writeFileSync(path.join(workspace, rel), text);
  }
  const client = await startLspTestClient({
    storagePath: storage,
    workspace,
    // The single agent is Hearth with sub-agents off (run_subagents not offered); the planner has them on.
    settings: { ollama: { host: fixture.url }, chat: { model: MODEL }, agent: { subagents: variant === 'planner', todoList: false } },
  });
  try {
    client.connection.onRequest(EditApprovalRequest.type, () => ({ decision: 'accept' as const }));
    client.connection.onRequest(CommandApprovalRequest.type, () => ({ decision: 'reject' as const }));
    await client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
    fixture.setResponder(variant === 'single' ? singleAgent : planner);
    // Warm up: the first request loads the model in the fixture; a plain question keeps that out of the measurement.
    await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'hi', context: [] } }).then((s) => client.waitForEvent((e) => e.entryId === s.assistantEntryId && e.event.type === 'done', 30_000));
    const from = fixture.requests.length;
    const started = performance.now();
    const turn = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: TASK, context: [] } });
    await client.waitForEvent((e) => e.entryId === turn.assistantEntryId && e.event.type === 'done', 60_000);
    const wallMs = performance.now() - started;
    const chats = fixture.requests.slice(from).filter((r) => r.path === '/api/chat');
    const byAgent: RoundResult['byAgent'] = {};
    for (const r of chats) {
      const who = /executor sub-agent/.test(systemOf(r)) ? 'executors' : 'main';
      const slot = (byAgent[who] ??= { promptTokens: 0, modelCalls: 0 });
      slot.promptTokens += promptTokens(r.body);
      slot.modelCalls++;
    }
    const tax = fs.readFileSync(path.join(workspace, 'src/tax.ts'), 'utf8');
    const cart = fs.readFileSync(path.join(workspace, 'src/cart.ts'), 'utf8');
    const correct = !/\brate\b/.test(tax.split('\n').slice(0, 3).join('\n')) && tax.includes('taxRate') && cart.includes('taxRate') && !/, rate\)/.test(cart);
    return { promptTokens: chats.reduce((n, r) => n + promptTokens(r.body), 0), modelCalls: chats.length, wallMs, byAgent, correct };
  } finally {
    await client.stop();
    await fixture.close();
    fs.rmSync(storage, { recursive: true, force: true });
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)] * 10) / 10;
}

const results: Record<string, RoundResult[]> = { single: [], planner: [] };
// Interleaved, so load on the machine falls on both variants alike.
for (let i = 0; i < ROUNDS; i++) {
  for (const variant of ['single', 'planner'] as const) results[variant].push(await runOnce(variant));
}
const summary = (rounds: RoundResult[]) => ({
  promptTokens: rounds[0].promptTokens,
  modelCalls: rounds[0].modelCalls,
  byAgent: rounds[0].byAgent,
  wallMsMedian: median(rounds.map((r) => r.wallMs)),
  // Tool results carry ids and timings, so a few tokens may differ between rounds; the list shows by how much.
  promptTokensPerRound: rounds.map((r) => r.promptTokens),
  bothFilesChanged: rounds.every((r) => r.correct),
});
const single = summary(results.single);
const planned = summary(results.planner);
console.log(
  JSON.stringify(
    {
      benchmark: 'agents',
      task: TASK,
      rounds: ROUNDS,
      promptTokensCountedAs: 'the fixture\'s prompt_eval_count: whole prompt of every /api/chat request, ~4 characters a token (no KV-cache prefix reuse)',
      singleAgent: single,
      plannerWithSubagents: planned,
      plannerVsSingle: { promptTokensRatio: Math.round((planned.promptTokens / single.promptTokens) * 100) / 100, extraModelCalls: planned.modelCalls - single.modelCalls },
    },
    null,
    2,
  ),
);
