/**
 * "Apply" from the chat, measured over the real language server (stdio LSP)
 * on the fixtures in test/fixtures/apply: each a real source file, a chat
 * snippet, and the expected merged file.
 *
 * The model here is the scripted Ollama fixture with a responder that
 * answers each merge prompt with the expected file, so this measures the
 * pipeline's own overhead (LSP round trip, document sync, prompt building,
 * the model request's plumbing, code extraction) and the clean-merge
 * checking, not any model's skill at merging. The deterministic step (a whole
 * declaration swapped in without a model) is measured on its own too: its
 * coverage of the fixtures and whether what it merges is exactly right.
 *
 * A merge counts as clean when the result equals the expected file and, for
 * TypeScript and JavaScript, also parses without syntax errors. Prints JSON.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ApplyCodeBlockRequest } from '../protocol/lspMethods';
import { fenceFor } from '../protocol/markdownFence';
import { mergeWholeDeclaration } from '../language-server/completion/mergeWholeDeclaration';
import { startOllamaFixture } from '../test/fixtures/ollamaFixture';
import { CompletionTestEditor } from '../test/integration/completionTestEditor';
import { startLspTestClient } from '../test/integration/lspTestClient';

interface ApplyCase {
  name: string;
  languageId: string;
  file: string;
  snippet: string;
  expected: string;
  expectedVia: 'symbol' | 'model';
}

const ROUNDS = 5;
const FIXTURES = path.resolve('test/fixtures/apply');
const cases = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'cases.json'), 'utf8')) as ApplyCase[];
const read = (c: ApplyCase, file: string) => fs.readFileSync(path.join(FIXTURES, c.name, file), 'utf8');

// TypeScript parses the TS and JS results. Loaded at run time (not bundled): it is a dev dependency of the repository.
const typescriptModule = 'typescript';
const ts = (await import(typescriptModule)) as typeof import('typescript');

function parses(text: string, languageId: string, name: string): boolean {
  if (languageId !== 'typescript' && languageId !== 'javascript') return true;
  const file = ts.createSourceFile(`${name}.${languageId === 'typescript' ? 'ts' : 'js'}`, text, ts.ScriptTarget.Latest, true);
  return ((file as unknown as { parseDiagnostics?: unknown[] }).parseDiagnostics ?? []).length === 0;
}

function quantiles(samples: number[]): { p50: number; p95: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] * 100) / 100;
  return { p50: at(0.5), p95: at(0.95), max: Math.round(sorted[sorted.length - 1] * 100) / 100 };
}

const fixture = await startOllamaFixture();
// The "model": answers the merge prompt for a fixture file with that fixture's expected file.
fixture.setResponder((request) => {
  const messages = (request.body.messages ?? []) as { content: string }[];
  const prompt = messages.at(-1)?.content ?? '';
  const name = /^File: ([\w.-]+)\//.exec(prompt)?.[1];
  const c = cases.find((x) => x.name === name);
  if (!c) return { kind: 'text', text: 'I cannot merge that.' };
  const expected = read(c, c.expected);
  const fence = fenceFor(expected);
  return { kind: 'text', text: `${fence}${c.languageId}\n${expected}${fence}\n` };
});

const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-apply-bench-'));
const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-apply-ws-'));
const client = await startLspTestClient({ storagePath: storage, workspace, settings: { ollama: { host: fixture.url }, chat: { model: 'qwen2.5-coder:7b' } } });

const byPath: Record<'symbol' | 'model', { latencies: number[]; clean: number; runs: number; cases: Set<string> }> = {
  symbol: { latencies: [], clean: 0, runs: 0, cases: new Set() },
  model: { latencies: [], clean: 0, runs: 0, cases: new Set() },
};
const unclean: string[] = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const c of cases) {
    const uri = pathToFileURL(path.join(workspace, c.name, c.file)).toString();
    const editor = new CompletionTestEditor(client.connection, uri, c.languageId, read(c, c.file));
    await editor.open();
    const started = performance.now();
    const result = await client.connection.sendRequest(ApplyCodeBlockRequest.type, { textDocument: { uri }, code: read(c, c.snippet) });
    const elapsed = performance.now() - started;
    await editor.close();
    const figures = byPath[result.via];
    figures.latencies.push(elapsed);
    figures.runs++;
    figures.cases.add(c.name);
    const clean = result.newText === read(c, c.expected) && parses(result.newText, c.languageId, c.name);
    if (clean) figures.clean++;
    else if (round === 0) unclean.push(`${c.name} (${result.via})`);
  }
}
await client.stop();
await fixture.close();
fs.rmSync(storage, { recursive: true, force: true });
fs.rmSync(workspace, { recursive: true, force: true });

// The deterministic step alone, in-process: what share of the fixtures it merges, and whether each is exactly right.
const direct = cases.map((c) => {
  const started = performance.now();
  const merged = mergeWholeDeclaration(read(c, c.file), read(c, c.snippet), c.languageId);
  const elapsed = performance.now() - started;
  return { c, merged, elapsed };
});
const taken = direct.filter((d) => d.merged !== undefined);
const exact = taken.filter((d) => d.merged === read(d.c, d.c.expected) && parses(d.merged!, d.c.languageId, d.c.name));

const summary = (p: 'symbol' | 'model') => ({
  cases: byPath[p].cases.size,
  runs: byPath[p].runs,
  cleanMergeRate: byPath[p].runs ? Math.round((byPath[p].clean / byPath[p].runs) * 1000) / 1000 : null,
  latencyMs: byPath[p].runs ? quantiles(byPath[p].latencies) : null,
});
const allRuns = byPath.symbol.runs + byPath.model.runs;
console.log(
  JSON.stringify(
    {
      benchmark: 'apply-code-block',
      note:
        'The model is the scripted Ollama fixture answering each merge prompt with the expected file: this measures the pipeline’s overhead ' +
        '(LSP, prompt, model-request plumbing, extraction) and the clean-merge checking, not a model’s skill at merging.',
      node: process.version,
      cpus: os.cpus().length,
      fixtures: cases.length,
      rounds: ROUNDS,
      cleanMergeRate: Math.round(((byPath.symbol.clean + byPath.model.clean) / allRuns) * 1000) / 1000,
      unclean,
      overLsp: { symbol: summary('symbol'), model: summary('model') },
      deterministicStep: {
        coverage: `${taken.length}/${cases.length}`,
        exactOfTaken: `${exact.length}/${taken.length}`,
        wronglyTaken: taken.filter((d) => d.c.expectedVia === 'model').map((d) => d.c.name),
        perCallMs: quantiles(direct.map((d) => d.elapsed)),
      },
    },
    null,
    2,
  ),
);
