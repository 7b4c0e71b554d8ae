import * as path from 'node:path';
import { Language, Parser, Query, type Node, type ParseState } from '@vscode/tree-sitter-wasm';
import {
  detachedString,
  encodeReferences,
  MAX_DEFINITIONS_PER_FILE,
  MAX_IMPORTS_PER_FILE,
  MAX_LINES_PER_REFERENCE,
  MAX_REFERENCE_NAMES_PER_FILE,
  MAX_SIGNATURE_CHARS,
  type FileSymbols,
  type SymbolDefinition,
  type SymbolKind,
} from './fileSymbols';
import { isSymbolKind, type LanguageSpec } from './languageSpecs';

interface LoadedLanguage {
  parser: Parser;
  definitions: Query;
  references: Query;
  imports: Query;
}

/** The longest one file may take to parse or query before it is given up (and indexed without symbols). */
const PARSE_BUDGET_MS = 2000;

/** The references query runs over parts of the tree of at most this many characters (see treeInParts). */
export const REFERENCE_WINDOW_CHARS = 32 * 1024;

let runtime: Promise<void> | undefined;

/**
 * Extracts definitions, references and imports from source text with
 * tree-sitter (web-tree-sitter in WASM: no native build, the same grammars
 * VS Code ships). Grammars load on first use of their language. Parsing is
 * synchronous WASM work, so every parse and query runs under a time budget:
 * a pathological file costs at most `PARSE_BUDGET_MS`, never a hang.
 */
export class SymbolParser {
  private readonly languages = new Map<string, Promise<LoadedLanguage>>();

  /** `wasmDir` holds tree-sitter.wasm and the grammar files (dist/tree-sitter in the bundle); `referenceWindow` is for tests. */
  constructor(
    private readonly wasmDir: string,
    private readonly referenceWindow = REFERENCE_WINDOW_CHARS,
  ) {}

  async parse(spec: LanguageSpec, text: string): Promise<FileSymbols> {
    const loaded = await this.load(spec);
    const deadline = performance.now() + PARSE_BUDGET_MS;
    const overTime = (_state: ParseState): boolean => performance.now() > deadline;
    const tree = loaded.parser.parse(text, null, { progressCallback: overTime as (state: ParseState) => void });
    if (!tree) {
      // Over time: the parser gives up and keeps nothing from this file.
      loaded.parser.reset();
      return { language: spec.id, definitions: [], references: '', imports: [] };
    }
    try {
      const queryOptions = { progressCallback: () => performance.now() > deadline } as unknown as { timeoutMicros: number };
      const lines = text.split('\n');
      const definitions = extractDefinitions(loaded.definitions, tree.rootNode, spec, lines, queryOptions);
      const defined = new Set(definitions.map((d) => `${d.line}:${d.name}`));
      return {
        language: spec.id,
        definitions,
        references: extractReferences(loaded.references, tree.rootNode, defined, deadline, this.referenceWindow),
        imports: extractImports(loaded.imports, tree.rootNode, queryOptions),
      };
    } finally {
      tree.delete();
    }
  }

  private load(spec: LanguageSpec): Promise<LoadedLanguage> {
    let loading = this.languages.get(spec.id);
    if (!loading) {
      loading = (async () => {
        runtime ??= Parser.init({ locateFile: (file: string) => path.join(this.wasmDir, file) });
        await runtime;
        const language = await Language.load(path.join(this.wasmDir, spec.grammar));
        const parser = new Parser();
        parser.setLanguage(language);
        return {
          parser,
          definitions: new Query(language, spec.definitions),
          references: new Query(language, spec.references),
          imports: new Query(language, spec.imports),
        };
      })();
      // A grammar that failed to load is retried on the next file rather than cached as broken forever.
      loading.catch(() => this.languages.delete(spec.id));
      this.languages.set(spec.id, loading);
    }
    return loading;
  }
}

function signatureOf(lines: readonly string[], row: number): string {
  const line = (lines[row] ?? '').trim();
  return detachedString(line.length > MAX_SIGNATURE_CHARS ? `${line.slice(0, MAX_SIGNATURE_CHARS - 1)}…` : line);
}

function extractDefinitions(query: Query, root: Node, spec: LanguageSpec, lines: readonly string[], options: object): SymbolDefinition[] {
  // The earliest pattern that names a node wins (the query files list specific patterns first).
  const byNameNode = new Map<number, { pattern: number; def: SymbolDefinition }>();
  for (const match of query.matches(root, options)) {
    const name = match.captures.find((c) => c.name === 'name')?.node;
    const whole = match.captures.find((c) => c.name.startsWith('definition.'));
    if (!name || !whole) continue;
    const previous = byNameNode.get(name.id);
    if (previous && previous.pattern <= match.patternIndex) continue;
    const captured = whole.name.slice('definition.'.length);
    if (!isSymbolKind(captured)) continue;
    const kind: SymbolKind = captured === 'function' && insideAny(whole.node, spec.methodContainers) ? 'method' : captured;
    const row = whole.node.startPosition.row;
    byNameNode.set(name.id, { pattern: match.patternIndex, def: { name: detachedString(name.text), kind, line: row + 1, signature: signatureOf(lines, row) } });
    if (byNameNode.size >= MAX_DEFINITIONS_PER_FILE) break;
  }
  return [...byNameNode.values()].map((v) => v.def).sort((a, b) => a.line - b.line);
}

function insideAny(node: Node, containers: readonly string[]): boolean {
  if (containers.length === 0) return false;
  for (let p = node.parent; p; p = p.parent) if (containers.includes(p.type)) return true;
  return false;
}

/**
 * The file's references, from the references query run over one part of
 * the tree at a time (subtrees of at most `window` characters, see
 * treeInParts), so only one part's capture objects are alive at once. Its
 * patterns capture single nodes, and the parts are disjoint and in document
 * order, so the captures come in the same order as from one query over the
 * whole tree. Over the time budget, the query stops and what was read so far
 * is kept, as one query over the whole file did.
 */
function extractReferences(query: Query, root: Node, defined: ReadonlySet<string>, deadline: number, window: number): string {
  let overTime = false;
  const options = { progressCallback: () => (overTime ||= performance.now() > deadline) } as unknown as { timeoutMicros: number };
  const references = new Map<string, number[]>();
  for (const part of treeInParts(root, window)) {
    for (const capture of query.captures(part.node, part.whole ? options : { ...options, maxStartDepth: 0 })) {
      const name = capture.node.text;
      const line = capture.node.startPosition.row + 1;
      // A definition's own name is not a use of it.
      if (name.length < 2 || defined.has(`${line}:${name}`)) continue;
      let list = references.get(name);
      if (!list) {
        if (references.size >= MAX_REFERENCE_NAMES_PER_FILE) continue;
        list = [];
        references.set(name, list);
      }
      if (list.length < MAX_LINES_PER_REFERENCE && list[list.length - 1] !== line) list.push(line);
    }
    if (overTime) break;
  }
  return encodeReferences(references);
}

/**
 * The tree in document order as parts to query: a subtree of at most
 * `window` characters (or a leaf) whole, and a larger node alone (`whole`
 * false: a query with maxStartDepth 0 matches only the node itself) followed
 * by the parts of its children. A minified bundle of a few hundred KB has
 * over a hundred thousand identifiers; the array of all their captures at
 * once (each with its node object) was the largest allocation of the whole
 * index build, tens of MB in the worker for one file.
 */
function* treeInParts(root: Node, window: number): Generator<{ node: Node; whole: boolean }> {
  const cursor = root.walk();
  try {
    for (;;) {
      const node = cursor.currentNode;
      if (node.endIndex - node.startIndex > window && cursor.gotoFirstChild()) {
        yield { node, whole: false };
        continue;
      }
      yield { node, whole: true };
      while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) return;
    }
  } finally {
    cursor.delete();
  }
}

function extractImports(query: Query, root: Node, options: object): string[] {
  const imports = new Set<string>();
  for (const capture of query.captures(root, options)) {
    if (capture.name !== 'import') continue;
    const text = capture.node.text.replace(/^"|"$/g, '').trim();
    if (text !== '' && text.length < 300) imports.add(detachedString(text));
    if (imports.size >= MAX_IMPORTS_PER_FILE) break;
  }
  return [...imports];
}
