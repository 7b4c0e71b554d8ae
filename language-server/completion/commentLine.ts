const SLASHES = ['typescript', 'typescriptreact', 'javascript', 'javascriptreact', 'java', 'c', 'cpp', 'csharp', 'go', 'rust', 'swift', 'kotlin', 'scala', 'dart', 'php', 'objective-c', 'objective-cpp', 'groovy', 'jsonc', 'zig', 'proto', 'glsl', 'hlsl', 'solidity', 'vue', 'svelte'];
const HASH = ['python', 'ruby', 'shellscript', 'perl', 'r', 'yaml', 'toml', 'dockerfile', 'makefile', 'powershell', 'elixir', 'julia', 'nim', 'coffeescript', 'cmake', 'terraform', 'hcl', 'graphql', 'properties', 'ini', 'nix', 'starlark', 'gdscript'];
const DASHES = ['sql', 'lua', 'haskell', 'elm', 'ada', 'vhdl'];
const SEMICOLONS = ['clojure', 'lisp', 'scheme', 'racket', 'asm'];
const PERCENT = ['latex', 'tex', 'erlang', 'matlab', 'prolog'];
const MARKUP = ['html', 'xml', 'markdown', 'xsl', 'svg'];
const BLOCK = ['css', 'scss', 'less'];

const SYNTAX = new Map<string, (text: string) => string>([
  ...SLASHES.map((id) => [id, (t: string) => `// ${t}`] as const),
  ...HASH.map((id) => [id, (t: string) => `# ${t}`] as const),
  ...DASHES.map((id) => [id, (t: string) => `-- ${t}`] as const),
  ...SEMICOLONS.map((id) => [id, (t: string) => `; ${t}`] as const),
  ...PERCENT.map((id) => [id, (t: string) => `% ${t}`] as const),
  ...MARKUP.map((id) => [id, (t: string) => `<!-- ${t} -->`] as const),
  ...BLOCK.map((id) => [id, (t: string) => `/* ${t} */`] as const),
]);

/** The token that starts a line comment in `languageId`, if it has one. */
export function lineCommentToken(languageId: string): string | undefined {
  if (SLASHES.includes(languageId)) return '//';
  if (HASH.includes(languageId)) return '#';
  if (DASHES.includes(languageId)) return '--';
  if (SEMICOLONS.includes(languageId)) return ';';
  if (PERCENT.includes(languageId)) return '%';
  return undefined;
}

/**
 * Turns a line of context (a file path, a snippet line) into a comment of the
 * document's language, so the model reads it as part of a plausible source
 * file. Returns undefined for languages without comments (JSON, plain text):
 * there, context headers would be copied into the suggestion.
 */
export function commentLine(languageId: string): ((text: string) => string) | undefined {
  return SYNTAX.get(languageId);
}
