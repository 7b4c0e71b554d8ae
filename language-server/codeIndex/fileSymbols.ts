/** What the index knows about one file, extracted by tree-sitter queries (see languageSpecs.ts). */

export type SymbolKind = 'function' | 'class' | 'method' | 'interface' | 'type' | 'enum' | 'struct' | 'const' | 'module';

export interface SymbolDefinition {
  name: string;
  kind: SymbolKind;
  /** 1-based line of the definition. */
  line: number;
  /** The definition's first source line, trimmed and shortened: what the model reads as its signature. */
  signature: string;
}

export interface FileSymbols {
  /** The language id of languageSpecs.ts (typescript, tsx, javascript, python, go, rust, java). */
  language: string;
  definitions: SymbolDefinition[];
  /**
   * Identifiers used in the file (not where they are defined), each with the
   * 1-based lines of its first uses, capped per name and per file so one
   * generated file cannot fill the memory. Packed into one string (see
   * encodeReferences): one flat string per file costs a tenth of an object
   * with an array per name, and the index holds tens of thousands of files.
   */
  references: string;
  /** Import targets as written ("./util", "os.path", "std::fmt", "java.util.List"). */
  imports: string[];
}

/** Caps that keep one file's record small whatever it contains. */
export const MAX_DEFINITIONS_PER_FILE = 2000;
export const MAX_REFERENCE_NAMES_PER_FILE = 1500;
export const MAX_LINES_PER_REFERENCE = 10;
export const MAX_IMPORTS_PER_FILE = 500;
export const MAX_SIGNATURE_CHARS = 160;

/**
 * Packs a file's references as `\nname\tline,line\nname\tline…`: names are
 * identifiers (no tab, no newline), and the leading newline lets a lookup
 * find `\nname\t` without building a string per file.
 */
export function encodeReferences(references: ReadonlyMap<string, readonly number[]> | Record<string, readonly number[]>): string {
  const entries = references instanceof Map ? [...references] : Object.entries(references);
  let out = '';
  for (const [name, lines] of entries) if (lines.length > 0 && !/[\t\n]/.test(name)) out += `\n${name}\t${lines.join(',')}`;
  // A flat copy: the concatenation above is a rope of small pieces, each of which may be a view into the file's text.
  return detachedString(out);
}

/** The lines where `name` is used in a file, or undefined when it is not. */
export function referenceLines(encoded: string, name: string): number[] | undefined {
  const at = encoded.indexOf(`\n${name}\t`);
  if (at < 0) return undefined;
  const start = at + name.length + 2;
  const end = encoded.indexOf('\n', start);
  return encoded
    .slice(start, end < 0 ? undefined : end)
    .split(',')
    .map(Number);
}

const COMMA = 44;

/**
 * Calls `visit` with each name of a file's references and how many lines it
 * lists, without building the lines: the ranking visits every reference of
 * every file and needs only the count.
 */
export function forEachReference(encoded: string, visit: (name: string, lineCount: number) => void): void {
  let at = 0;
  while (at < encoded.length) {
    const tab = encoded.indexOf('\t', at + 1);
    if (tab < 0) return;
    const end = encoded.indexOf('\n', tab);
    const stop = end < 0 ? encoded.length : end;
    let lineCount = 1;
    for (let i = tab + 1; i < stop; i++) if (encoded.charCodeAt(i) === COMMA) lineCount++;
    visit(encoded.slice(at + 1, tab), lineCount);
    at = stop;
  }
}

/**
 * A copy of `text` that does not keep a larger string alive. V8 makes a
 * substring of 13 characters or more (`slice`, `split`, tree-sitter's
 * `node.text`) a view into its parent, so a symbol name kept in the index
 * would otherwise keep the whole file's text in memory for as long as the
 * index lives.
 */
export function detachedString(text: string): string {
  return text.length < 13 ? text : Buffer.from(text, 'utf8').toString('utf8');
}
