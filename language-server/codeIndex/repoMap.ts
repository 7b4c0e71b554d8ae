import * as path from 'node:path';
import { forEachReference, type SymbolDefinition } from './fileSymbols';
import { fileKey, type IndexedFile, type SymbolTable } from './symbolTable';

/** A name defined in more files than this says little about which one a use means (`get`, `run`, `init`). */
const MAX_DEFINERS_FOR_EDGE = 4;
const DAMPING = 0.85;
const ITERATIONS = 25;
const SYMBOLS_PER_FILE = 8;
/** Symbol kinds worth showing in the map; methods only when other files use them. */
const SHOWN_KINDS = new Set(['function', 'class', 'interface', 'type', 'enum', 'struct', 'const', 'module', 'method']);

export interface RankedFile {
  file: IndexedFile;
  score: number;
  /** The file's definitions that other files use most, best first. */
  symbols: SymbolDefinition[];
}

/**
 * Ranks the files by how the code references itself: an edge from A to B for
 * every name A uses that B defines (shared between the files that define it,
 * and ignored for names defined in many files) and for every relative import
 * of B by A, then PageRank over that graph. A file many important files lean
 * on ranks high; a file nothing uses ranks low, however big it is.
 */
export async function rankFiles(table: SymbolTable, pause: () => Promise<void> = async () => undefined): Promise<RankedFile[]> {
  const keys = [...table.keys()];
  const index = new Map(keys.map((k, i) => [k, i]));
  const n = keys.length;
  if (n === 0) return [];
  const files = keys.map((k) => table.get(k)!);
  // The graph is packed as adjacency arrays (file i's edges are targets[starts[i]..starts[i+1]]) rather
  // than a Map per file: on a tree of 22,000 files and 260,000 edges the Maps and their boxed weights
  // were tens of MB alive for the whole ranking, the largest part of its peak RSS. Each file's edges are
  // summed in one reused Map, then copied in that Map's order, so every sum below adds the same
  // numbers in the same order as before and the scores are the same to the last bit.
  const edges = new EdgeList();
  const starts = new Int32Array(n + 1);
  const outOf = new Map<number, number>();
  /** How many other files use each (file, name) definition; a Map only for the files something uses. */
  const usedBy: (Map<string, number> | undefined)[] = new Array(n).fill(undefined);

  // The table may change while this yields: files are the snapshot taken above, and keys added since are skipped.
  for (let from = 0; from < n; from++) {
    if (from % 500 === 499) await pause();
    const file = files[from];
    const add = (to: number, weight: number) => {
      if (to !== from) outOf.set(to, (outOf.get(to) ?? 0) + weight);
    };
    forEachReference(file.symbols.references, (name, lineCount) => {
      const definers = table.definingFiles(name);
      if (definers.size === 0 || definers.size > MAX_DEFINERS_FOR_EDGE) return;
      for (const key of definers) {
        const to = index.get(key);
        if (to === undefined || to === from) continue;
        add(to, Math.sqrt(lineCount) / definers.size);
        const uses = (usedBy[to] ??= new Map());
        uses.set(name, (uses.get(name) ?? 0) + 1);
      }
    });
    for (const spec of file.symbols.imports) {
      const target = resolveRelativeImport(table, file, spec);
      const to = target === undefined ? undefined : index.get(target);
      if (to !== undefined) add(to, 1);
    }
    for (const [to, weight] of outOf) edges.push(to, weight);
    outOf.clear();
    starts[from + 1] = edges.length;
  }
  const targets = edges.targets;
  const weights = edges.weights;

  let rank = new Array<number>(n).fill(1 / n);
  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    await pause();
    const next = new Array<number>(n).fill((1 - DAMPING) / n);
    let dangling = 0;
    for (let i = 0; i < n; i++) {
      let total = 0;
      for (let e = starts[i]; e < starts[i + 1]; e++) total += weights[e];
      if (total === 0) {
        dangling += rank[i];
        continue;
      }
      for (let e = starts[i]; e < starts[i + 1]; e++) next[targets[e]] += (DAMPING * rank[i] * weights[e]) / total;
    }
    for (let i = 0; i < n; i++) next[i] += (DAMPING * dangling) / n;
    rank = next;
  }

  return files
    .map((file, i) => {
      const uses = usedBy[i];
      const count = (name: string) => uses?.get(name) ?? 0;
      const symbols = file.symbols.definitions
        .filter((d) => SHOWN_KINDS.has(d.kind) && (d.kind !== 'method' || count(d.name) > 0))
        .map((d, order) => ({ d, order, uses: count(d.name) }))
        .sort((a, b) => b.uses - a.uses || a.order - b.order)
        .slice(0, SYMBOLS_PER_FILE)
        .sort((a, b) => a.d.line - b.d.line)
        .map((x) => x.d);
      return { file, score: rank[i], symbols };
    })
    .sort((a, b) => b.score - a.score || (a.file.relative < b.file.relative ? -1 : 1));
}

/** The graph's edges, appended file by file into typed arrays that double when full. */
class EdgeList {
  targets = new Int32Array(1024);
  weights = new Float64Array(1024);
  length = 0;

  push(target: number, weight: number): void {
    if (this.length === this.targets.length) {
      const targets = new Int32Array(this.length * 2);
      targets.set(this.targets);
      this.targets = targets;
      const weights = new Float64Array(this.length * 2);
      weights.set(this.weights);
      this.weights = weights;
    }
    this.targets[this.length] = target;
    this.weights[this.length] = weight;
    this.length++;
  }
}

const JS_EXTENSIONS = ['', '.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.mts', '/index.ts', '/index.tsx', '/index.js'];

/** The indexed file a relative import ("./util", "../lib/x.js", Python's ".models") names, if any. */
function resolveRelativeImport(table: SymbolTable, from: IndexedFile, spec: string): string | undefined {
  const dir = path.posix.dirname(from.relative);
  if (spec.startsWith('./') || spec.startsWith('../')) {
    const base = path.posix.normalize(path.posix.join(dir, spec)).replace(/\.(js|mjs|cjs|jsx)$/, '');
    for (const ext of JS_EXTENSIONS) {
      const key = fileKey(from.root, base + ext);
      if (table.get(key)) return key;
    }
    return undefined;
  }
  if (from.symbols.language === 'python' && spec.startsWith('.')) {
    const dots = /^\.+/.exec(spec)![0].length;
    let base = dir;
    for (let i = 1; i < dots; i++) base = path.posix.dirname(base);
    const rest = spec.slice(dots).replace(/\./g, '/');
    for (const candidate of [`${base}/${rest}.py`, `${base}/${rest}/__init__.py`]) {
      const key = fileKey(from.root, path.posix.normalize(candidate).replace(/^\.\//, ''));
      if (table.get(key)) return key;
    }
  }
  return undefined;
}

/**
 * The repository map as text, best files first, cut to `maxTokens` by
 * `estimate` (the agent core's token estimate): one line per file with its
 * path, then its key symbols' signature lines, indented.
 */
export function renderRepoMap(ranked: readonly RankedFile[], display: (file: IndexedFile) => string, maxTokens: number, estimate: (text: string) => number): string {
  const blocks: string[] = [];
  let used = 0;
  for (const { file, symbols } of ranked) {
    const lines = [`${display(file)}`, ...symbols.map((s) => `  ${s.line}: ${s.signature || `${s.kind} ${s.name}`}`)];
    const block = lines.join('\n');
    const cost = estimate(block) + 1;
    if (used + cost > maxTokens) {
      if (blocks.length === 0) continue;
      break;
    }
    blocks.push(block);
    used += cost;
  }
  return blocks.join('\n');
}
