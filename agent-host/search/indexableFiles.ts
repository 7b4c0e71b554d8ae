/**
 * Which files the codebase index reads: source code and documentation by
 * extension (plus a few well-known extension-less names), never lockfiles,
 * minified bundles or source maps, whose text is large and answers no question,
 * and never secrets files (SECRETS).
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
/**
 * Secrets files whose names end in an indexed extension: `.env.json`,
 * `.env.production.yaml`, an OAuth client's `credentials.json` (where
 * Google's quickstarts tell you to save it), a key saved as `id_rsa.txt`.
 * Their text would be sent to the embedding model and returned by searches;
 * the same names inline suggestions stay out of by default
 * (hearth.completion.disabledFiles).
 */
const SECRETS = /(^|\/)(\.env\.[^/]*|credentials[^/]*\.json|id_(rsa|dsa|ecdsa|ed25519)[^/]*)$/i;

export function isIndexable(relativePath: string): boolean {
  if (EXCLUDED.test(relativePath) || SECRETS.test(relativePath)) return false;
  const name = relativePath.slice(relativePath.lastIndexOf('/') + 1);
  if (NAMES.has(name)) return true;
  const dot = name.lastIndexOf('.');
  return dot > 0 && EXTENSIONS.has(name.slice(dot + 1).toLowerCase());
}
