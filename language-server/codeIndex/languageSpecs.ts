import type { SymbolKind } from './fileSymbols';

/**
 * One language the index parses: its grammar (a prebuilt WASM file from
 * @vscode/tree-sitter-wasm) and three tree-sitter queries. In the
 * definitions query each pattern captures the whole definition as
 * `@definition.<kind>` and its name as `@name`; when several patterns match
 * the same name, the earliest pattern wins (so Go's `interface` beats its
 * generic `type`). The references query captures identifiers as
 * `@reference`; the imports query captures import targets as `@import`.
 */
export interface LanguageSpec {
  id: string;
  grammar: string;
  extensions: readonly string[];
  definitions: string;
  references: string;
  imports: string;
  /** Node types whose function definitions are methods (Python's class body, Rust's impl). */
  methodContainers: readonly string[];
}

const TS_COMMON = `
(function_declaration name: (identifier) @name) @definition.function
(generator_function_declaration name: (identifier) @name) @definition.function
(method_definition name: (property_identifier) @name) @definition.method
(program (lexical_declaration (variable_declarator name: (identifier) @name) @definition.const))
(program (variable_declaration (variable_declarator name: (identifier) @name) @definition.const))
(program (export_statement declaration: (lexical_declaration (variable_declarator name: (identifier) @name) @definition.const)))
`;

const TS_DEFINITIONS = `
(class_declaration name: (type_identifier) @name) @definition.class
(abstract_class_declaration name: (type_identifier) @name) @definition.class
(interface_declaration name: (type_identifier) @name) @definition.interface
(type_alias_declaration name: (type_identifier) @name) @definition.type
(enum_declaration name: (identifier) @name) @definition.enum
(abstract_method_signature name: (property_identifier) @name) @definition.method
(function_signature name: (identifier) @name) @definition.function
${TS_COMMON}`;

const JS_DEFINITIONS = `
(class_declaration name: (identifier) @name) @definition.class
${TS_COMMON}`;

const JS_IMPORTS = `
(import_statement source: (string (string_fragment) @import))
(export_statement source: (string (string_fragment) @import))
(call_expression function: (identifier) @_fn arguments: (arguments . (string (string_fragment) @import)) (#eq? @_fn "require"))
(call_expression function: (import) arguments: (arguments . (string (string_fragment) @import)))
`;

const typescript: LanguageSpec = {
  id: 'typescript',
  grammar: 'tree-sitter-typescript.wasm',
  extensions: ['.ts', '.mts', '.cts'],
  definitions: TS_DEFINITIONS,
  references: '(identifier) @reference (type_identifier) @reference (property_identifier) @reference',
  imports: JS_IMPORTS,
  methodContainers: [],
};

const LANGUAGES: readonly LanguageSpec[] = [
  typescript,
  { ...typescript, id: 'tsx', grammar: 'tree-sitter-tsx.wasm', extensions: ['.tsx'] },
  {
    id: 'javascript',
    grammar: 'tree-sitter-javascript.wasm',
    extensions: ['.js', '.mjs', '.cjs', '.jsx'],
    definitions: JS_DEFINITIONS,
    references: '(identifier) @reference (property_identifier) @reference',
    imports: JS_IMPORTS,
    methodContainers: [],
  },
  {
    id: 'python',
    grammar: 'tree-sitter-python.wasm',
    extensions: ['.py', '.pyi'],
    definitions: `
(class_definition name: (identifier) @name) @definition.class
(function_definition name: (identifier) @name) @definition.function
(module (expression_statement (assignment left: (identifier) @name) @definition.const))
`,
    references: '(identifier) @reference',
    imports: `
(import_statement name: (dotted_name) @import)
(import_statement name: (aliased_import name: (dotted_name) @import))
(import_from_statement module_name: (dotted_name) @import)
(import_from_statement module_name: (relative_import) @import)
`,
    methodContainers: ['class_definition'],
  },
  {
    id: 'go',
    grammar: 'tree-sitter-go.wasm',
    extensions: ['.go'],
    definitions: `
(function_declaration name: (identifier) @name) @definition.function
(method_declaration name: (field_identifier) @name) @definition.method
(type_spec name: (type_identifier) @name type: (interface_type)) @definition.interface
(type_spec name: (type_identifier) @name type: (struct_type)) @definition.struct
(type_spec name: (type_identifier) @name) @definition.type
(source_file (const_declaration (const_spec name: (identifier) @name) @definition.const))
(source_file (var_declaration (var_spec name: (identifier) @name) @definition.const))
`,
    references: '(identifier) @reference (type_identifier) @reference (field_identifier) @reference',
    imports: '(import_spec path: (interpreted_string_literal) @import)',
    methodContainers: [],
  },
  {
    id: 'rust',
    grammar: 'tree-sitter-rust.wasm',
    extensions: ['.rs'],
    definitions: `
(function_item name: (identifier) @name) @definition.function
(function_signature_item name: (identifier) @name) @definition.method
(struct_item name: (type_identifier) @name) @definition.struct
(enum_item name: (type_identifier) @name) @definition.enum
(trait_item name: (type_identifier) @name) @definition.interface
(type_item name: (type_identifier) @name) @definition.type
(const_item name: (identifier) @name) @definition.const
(static_item name: (identifier) @name) @definition.const
(mod_item name: (identifier) @name) @definition.module
(macro_definition name: (identifier) @name) @definition.function
`,
    references: '(identifier) @reference (type_identifier) @reference (field_identifier) @reference',
    imports: '(use_declaration argument: (_) @import) (extern_crate_declaration name: (identifier) @import)',
    methodContainers: ['impl_item', 'trait_item'],
  },
  {
    id: 'java',
    grammar: 'tree-sitter-java.wasm',
    extensions: ['.java'],
    definitions: `
(class_declaration name: (identifier) @name) @definition.class
(record_declaration name: (identifier) @name) @definition.class
(interface_declaration name: (identifier) @name) @definition.interface
(enum_declaration name: (identifier) @name) @definition.enum
(method_declaration name: (identifier) @name) @definition.method
(constructor_declaration name: (identifier) @name) @definition.method
`,
    references: '(identifier) @reference (type_identifier) @reference',
    imports: '(import_declaration (scoped_identifier) @import)',
    methodContainers: [],
  },
];

const BY_EXTENSION = new Map<string, LanguageSpec>(LANGUAGES.flatMap((l) => l.extensions.map((e) => [e, l] as const)));

/** The language of a file by its name, or undefined when the index does not parse it. */
export function languageForPath(filePath: string): LanguageSpec | undefined {
  const dot = filePath.lastIndexOf('.');
  if (dot < 0 || dot < filePath.lastIndexOf('/')) return undefined;
  // Declaration files describe code that lives elsewhere; they are indexed as TypeScript like any other.
  return BY_EXTENSION.get(filePath.slice(dot).toLowerCase());
}

export function isSymbolKind(kind: string): kind is SymbolKind {
  return ['function', 'class', 'method', 'interface', 'type', 'enum', 'struct', 'const', 'module'].includes(kind);
}

export const INDEXED_LANGUAGES = LANGUAGES;
