/**
 * Which files the codebase index reads: source code and documentation by
 * extension (plus a few well-known extension-less names), never lockfiles,
 * minified bundles or source maps, whose text is large and answers no question.
 */
const EXTENSIONS = new Set(
  (
    'ts tsx mts cts js jsx mjs cjs py pyi go rs java kt kts scala swift c h cc cpp cxx hpp hh cs fs rb php lua dart ex exs erl hs ml clj ' +
    'sh bash zsh ps1 sql graphql gql proto vue svelte astro css scss less html ' +
    'md mdx markdown rst adoc txt json jsonc yaml yml toml ini cfg conf xml gradle cmake tf'
  ).split(' '),
);
const NAMES = new Set(['Dockerfile', 'Makefile', 'Rakefile', 'Gemfile', 'Justfile', 'CMakeLists.txt', 'README', 'LICENSE']);
const EXCLUDED = /(^|\/)(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|Cargo\.lock|poetry\.lock|go\.sum|composer\.lock|Gemfile\.lock)$|\.min\.(js|css)$|\.map$/;

export function isIndexable(relativePath: string): boolean {
  if (EXCLUDED.test(relativePath)) return false;
  const name = relativePath.slice(relativePath.lastIndexOf('/') + 1);
  if (NAMES.has(name)) return true;
  const dot = name.lastIndexOf('.');
  return dot > 0 && EXTENSIONS.has(name.slice(dot + 1).toLowerCase());
}
