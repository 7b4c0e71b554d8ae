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
   * generated file cannot fill the memory.
   */
  references: Record<string, number[]>;
  /** Import targets as written ("./util", "os.path", "std::fmt", "java.util.List"). */
  imports: string[];
}

/** Caps that keep one file's record small whatever it contains. */
export const MAX_DEFINITIONS_PER_FILE = 2000;
export const MAX_REFERENCE_NAMES_PER_FILE = 1500;
export const MAX_LINES_PER_REFERENCE = 10;
export const MAX_IMPORTS_PER_FILE = 500;
export const MAX_SIGNATURE_CHARS = 160;
