/**
 * The default allow- and deny-lists of the agent's commands: the one source
 * of truth for `DEFAULT_TOOL_POLICY`, the settings reader and (checked by
 * test/unit/extensionManifest.test.ts) the defaults package.json shows.
 *
 * The allow-list is modest on purpose: commands that only read inside the
 * workspace (`ls`, `cat`, `head`, `tail`, `wc`, `pwd`, and git's read-only
 * views) plus the project's own test, lint and build scripts, which the
 * developer runs every day anyway and which the sandbox confines. Every entry
 * still passes the option checks of `commandArguments.ts` (no `git diff
 * --output`, no `npm test --prefix`, no path outside the workspace).
 */
export const DEFAULT_COMMAND_ALLOW_LIST: readonly string[] = [
  'ls',
  'pwd',
  'cat',
  'head',
  'tail',
  'wc',
  'git status',
  'git diff',
  'git log',
  'git show',
  'npm test',
  'npm run test',
  'npm run lint',
  'npm run build',
];

export const DEFAULT_COMMAND_DENY_LIST: readonly string[] = [
  'rm -rf',
  'rm -fr',
  'sudo',
  'su',
  'doas',
  'curl',
  'wget',
  'ssh',
  'scp',
  'dd',
  'mkfs',
  'shutdown',
  'reboot',
  'git push --force',
  'chmod -R 777',
];

/**
 * The secrets files (`hearth.completion.disabledFiles`) unless the user says
 * otherwise: inline suggestions stay out of them (in team mode a suggestion
 * sends the text around the cursor to a shared machine, and nobody typing in
 * `.env` means to send it there), and the agent asks before it reads one
 * (`ToolPolicy.secretsFiles`). Templates
 * such as `.env.example` are covered too, so the rule stays one a user can
 * predict from the file name; `!.env.example` added after them lets one back in.
 */
export const DEFAULT_DISABLED_FILES: readonly string[] = [
  '**/.env',
  '**/.env.*',
  '**/*.env',
  '**/.envrc',
  '**/*.pem',
  '**/*.key',
  '**/*.p12',
  '**/*.pfx',
  '**/id_rsa*',
  '**/id_ecdsa*',
  '**/id_ed25519*',
  '**/.npmrc',
  '**/.pypirc',
  '**/.netrc',
  '**/.git-credentials',
  '**/.pgpass',
  '**/.aws/credentials',
  '**/credentials*.json',
  '**/*.tfvars',
];
