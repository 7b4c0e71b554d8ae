// Builds one bundle per process, plus the test bundles.
//   node esbuild.mjs               development build (source maps)
//   node esbuild.mjs --production  minified, no source maps (what `npm run package` ships)
//   node esbuild.mjs --watch       rebuilds on change
//   node esbuild.mjs --tests       also bundles test/ and bench/ into out/
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const withTests = process.argv.includes('--tests') || watch;

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'info',
  target: 'es2022',
  legalComments: 'none',
  // .proto files are inlined as text (protocol/grpc/protoSources.ts), and so is the team server's admin page.
  loader: { '.proto': 'text', '.html': 'text' },
};

/** @type {esbuild.BuildOptions[]} */
const builds = [
  {
    ...common,
    entryPoints: { extension: 'extension/extension.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    external: ['vscode'],
  },
  {
    ...common,
    entryPoints: { 'language-server': 'language-server/main.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
  },
  {
    // The language server's index worker (language-server/indexWorker/): tree-sitter parsing and chunking off its main thread.
    ...common,
    entryPoints: { 'index-worker': 'language-server/indexWorker/indexWorkerMain.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
  },
  {
    ...common,
    entryPoints: { 'agent-host': 'agent-host/cli.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: { webview: 'webview/main.ts' },
    outdir: 'dist',
    platform: 'browser',
    format: 'iife',
    loader: { '.css': 'css', '.proto': 'text' },
  },
];

/** Lists files under `dir` whose names end with one of `suffixes`. */
function findFiles(dir, suffixes) {
  const out = [];
  let names = [];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...findFiles(path, suffixes));
    else if (suffixes.some((s) => name.endsWith(s))) out.push(path);
  }
  return out;
}

if (withTests) {
  // Node-side tests and benchmarks are ESM bundles; the banner gives bundled
  // CommonJS dependencies a working `require` for Node's built-in modules.
  const nodeEntries = [
    ...findFiles('test/unit', ['.test.ts']),
    ...findFiles('test/integration', ['.test.ts']),
    ...findFiles('test/e2e', ['.test.ts']).filter((p) => !p.includes(join('e2e', 'suite'))),
    ...findFiles('test/fixtures', ['.main.ts']),
    ...findFiles('bench', ['.bench.ts', '.main.ts']),
  ];
  if (nodeEntries.length > 0) {
    builds.push({
      ...common,
      sourcemap: 'inline',
      minify: false,
      entryPoints: Object.fromEntries(nodeEntries.map((p) => [relative('.', p).replace(/\.ts$/, ''), p])),
      outdir: 'out',
      outExtension: { '.js': '.mjs' },
      platform: 'node',
      format: 'esm',
      external: ['mocha', 'playwright-core', 'vscode', 'jsdom', 'eslint'],
      // `__filename` too: web-tree-sitter's runtime reads it when it loads (the symbol index's parser).
      banner: {
        js: "import { createRequire as __hearthCreateRequire } from 'node:module'; import { fileURLToPath as __hearthFileURLToPath } from 'node:url'; const require = __hearthCreateRequire(import.meta.url); const __filename = __hearthFileURLToPath(import.meta.url);",
      },
    });
  }
  // The in-editor suite runs inside VS Code's extension host, which loads CommonJS.
  const suiteEntries = findFiles('test/e2e/suite', ['.ts']);
  if (suiteEntries.length > 0) {
    builds.push({
      ...common,
      sourcemap: 'inline',
      minify: false,
      entryPoints: Object.fromEntries(suiteEntries.map((p) => [relative('.', p).replace(/\.ts$/, ''), p])),
      outdir: 'out',
      platform: 'node',
      format: 'cjs',
      external: ['vscode', 'mocha'],
    });
  }
}

/**
 * The symbol index parses with tree-sitter in WASM: the runtime's
 * tree-sitter.wasm and one grammar per language are copied next to the
 * language server's bundle (dist/tree-sitter/), where it loads them from.
 */
const TREE_SITTER_WASM = ['tree-sitter', 'tree-sitter-typescript', 'tree-sitter-tsx', 'tree-sitter-javascript', 'tree-sitter-python', 'tree-sitter-go', 'tree-sitter-rust', 'tree-sitter-java'];
mkdirSync(join('dist', 'tree-sitter'), { recursive: true });
for (const name of TREE_SITTER_WASM) {
  copyFileSync(join('node_modules', '@vscode', 'tree-sitter-wasm', 'wasm', `${name}.wasm`), join('dist', 'tree-sitter', `${name}.wasm`));
}

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('esbuild: watching for changes');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
