// Lint rules, including the process boundaries from docs/ARCHITECTURE.md:
// the language server and the agent host never import `vscode`, the webview
// imports neither `vscode` nor Node, and no process reaches into another's
// internals except through protocol/ and the agent core's public interface.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Import patterns for a process folder: bare (its index) and anything below it. */
const folder = (name) => [`**/${name}`, `**/${name}/**`];

const nodeBuiltins = ['fs', 'path', 'child_process', 'os', 'net', 'http', 'https', 'crypto', 'url', 'stream', 'events', 'util', 'worker_threads'];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test-results/**', 'protocol/generated/**', 'test/fixtures/apply/**', '**/*.cjs', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-namespace': 'off',
    },
  },
  // Each group names a folder both bare ('../agent-host', which resolves to
  // its index) and with a path below it, since a pattern for one does not
  // match the other.
  {
    files: ['agent-host/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'Only the extension may import vscode.' }],
        patterns: [{ group: [...folder('extension'), ...folder('webview'), ...folder('language-server')], message: 'The agent host is its own process: use protocol/ instead of another process’s internals.' }],
      }],
    },
  },
  {
    files: ['language-server/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'Only the extension may import vscode.' }],
        patterns: [
          { group: [...folder('extension'), ...folder('webview')], message: 'Use protocol/ instead of another process’s internals.' },
          { group: ['**/agent-host/**', '!**/agent-host/index', '!**/agent-host/textChunks'], message: 'Use the agent core’s public interface (agent-host/index.ts, or agent-host/textChunks.ts where the whole core is too heavy).' },
        ],
      }],
    },
  },
  {
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'The webview runs in a browser sandbox.' }, ...nodeBuiltins.flatMap((n) => [{ name: n }, { name: `node:${n}` }])],
        patterns: [{ group: [...folder('extension'), ...folder('language-server'), ...folder('agent-host'), '**/protocol/lspMethods'], message: 'The webview talks only through protocol/webviewMessages.ts.' }],
      }],
    },
  },
  {
    files: ['extension/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: [...folder('language-server'), ...folder('agent-host'), ...folder('webview')], message: 'The extension holds no agent logic: use protocol/.' }],
      }],
    },
  },
  // Notifications go through extension/notifications.ts, which makes their text inert: VS Code opens a
  // [label](command:…) link in a notification on a click, and Hearth's carry words from models and servers.
  {
    files: ['extension/**/*.ts'],
    ignores: ['extension/notifications.ts'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: 'MemberExpression[property.name=/^show(Error|Warning|Information)Message$/]',
        message: 'Show notifications through extension/notifications.ts, which keeps command links and hidden characters in the text from working.',
      }],
    },
  },
  {
    files: ['protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'protocol/ is shared by every process, the webview included: it cannot depend on vscode.' }],
        patterns: [{ group: [...folder('extension'), ...folder('language-server'), ...folder('agent-host'), ...folder('webview')], message: 'protocol/ holds the contracts; it imports no process’s code.' }],
      }],
    },
  },
);
