/**
 * A real VS Code for the end-to-end tests: code-server 4.100.3 (VS Code
 * 1.100.3), installed by scripts/install-test-vscode.sh, started on 127.0.0.1
 * with a fresh user-data directory whose settings.json the test writes.
 * code-server keeps user settings on disk (unlike the bare VS Code server,
 * whose web client keeps them in the browser), which is why it is used here.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { freePort } from '../../fixtures/freePort';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(process.env.HEARTH_REPO_ROOT ?? '.');
export const CODE_SERVER_DIR = path.join(REPO_ROOT, '.vscode-test', 'code-server', 'node_modules', 'code-server');
const ENTRY = path.join(CODE_SERVER_DIR, 'out', 'node', 'entry.js');

export interface CodeServer {
  port: number;
  origin: string;
  userDataDir: string;
  extensionsDir: string;
  /** The workbench URL for a folder, optionally with an in-editor test payload. */
  url(folder: string, payload?: [string, string][]): string;
  log(): string;
  stop(): Promise<void>;
}

export interface CodeServerOptions {
  settings?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  /** Reuse directories (for example after installing a .vsix into them). */
  userDataDir?: string;
  extensionsDir?: string;
  /** Workspace Trust on, without its prompt: the folder opens in Restricted Mode. */
  restricted?: boolean;
}

/** Settings that turn Workspace Trust on and open folders untrusted, without asking. */
const RESTRICTED_SETTINGS: Record<string, unknown> = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'never',
};

function assertInstalled(): void {
  if (!fs.existsSync(ENTRY)) {
    throw new Error(`The test VS Code is not installed (${ENTRY} is missing). Run: bash scripts/install-test-vscode.sh`);
  }
}


/** Settings that keep the workbench quiet and deterministic for tests. */
export const TEST_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'editor.inlineSuggest.enabled': true,
  'files.autoSave': 'off',
  'window.restoreWindows': 'none',
  'chat.commandCenter.enabled': false,
};

export function makeDirs(): { userDataDir: string; extensionsDir: string } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-e2e-'));
  const userDataDir = path.join(base, 'user-data');
  const extensionsDir = path.join(base, 'extensions');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  return { userDataDir, extensionsDir };
}

function baseArgs(userDataDir: string, extensionsDir: string): string[] {
  return [ENTRY, '--config', path.join(userDataDir, 'code-server.yaml'), '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--disable-telemetry', '--disable-update-check'];
}

/** Installs a packaged .vsix with code-server's CLI, as a user would. */
export function installVsix(vsix: string, dirs: { userDataDir: string; extensionsDir: string }): void {
  assertInstalled();
  const result = spawnSync(process.execPath, [...baseArgs(dirs.userDataDir, dirs.extensionsDir), '--install-extension', vsix, '--force'], { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(`Installing ${vsix} failed (status ${result.status}):\n${result.stdout}\n${result.stderr}`);
}

export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  assertInstalled();
  const dirs = options.userDataDir && options.extensionsDir ? { userDataDir: options.userDataDir, extensionsDir: options.extensionsDir } : makeDirs();
  fs.mkdirSync(path.join(dirs.userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(dirs.userDataDir, 'User', 'settings.json'), JSON.stringify({ ...TEST_SETTINGS, ...(options.restricted ? RESTRICTED_SETTINGS : {}), ...options.settings }, null, 2));
  const port = await freePort();
  const args = [
    ...baseArgs(dirs.userDataDir, dirs.extensionsDir),
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    ...(options.restricted ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--disable-file-downloads',
  ];
  let output = '';
  // VS Code's server puts its IPC sockets in the temp directory and leaves them
  // there; a temp directory beside the user data is removed with it.
  const tmp = path.join(path.dirname(dirs.userDataDir), 'tmp');
  fs.mkdirSync(tmp, { recursive: true });
  const child: ChildProcess = spawn(process.execPath, args, {
    env: { ...process.env, ...options.env, XDG_CONFIG_HOME: path.join(dirs.userDataDir, 'xdg-config'), TMPDIR: tmp },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  while (!/HTTP server listening/.test(output)) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`code-server did not start within 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const origin = `http://127.0.0.1:${port}`;
  return {
    port,
    origin,
    ...dirs,
    url(folder, payload) {
      const query = new URLSearchParams({ folder });
      if (payload) query.set('payload', JSON.stringify(payload));
      return `${origin}/?${query.toString()}`;
    },
    log: () => output,
    async stop() {
      if (child.exitCode !== null || child.pid === undefined) return;
      // The whole process group: the server, its extension hosts and language servers.
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        return;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }, 3000);
      await exited;
      clearTimeout(timer);
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Nothing left in the group.
      }
    },
  };
}
