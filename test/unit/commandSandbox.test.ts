/**
 * The command sandbox's pure parts: which git configs run programs, which
 * environment variables are removed, the order of bubblewrap's mounts, and
 * what detection tells the user when bubblewrap is missing or cannot run.
 * (Escapes against the real sandbox: test/integration/sandboxEscapes.test.ts.)
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { bwrapArguments } from '../../language-server/tools/sandbox/bubblewrapSandbox';
import { findOnPath, probeBubblewrap, probeCommandSandbox } from '../../language-server/tools/sandbox/detectCommandSandbox';
import type { GuardScan } from '../../language-server/tools/sandbox/findGuardedPaths';
import { codeRunningConfigKey } from '../../language-server/tools/sandbox/gitDirRunsCode';
import { hearthPrivateFolders } from '../../language-server/tools/sandbox/hearthPrivateFolders';
import { isScrubbedVariable, scrubEnvironment } from '../../language-server/tools/sandbox/scrubEnvironment';

describe('command sandbox: parts', () => {
  describe('git configs that run programs', () => {
    const cases: Array<[string, string | null]> = [
      ['[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n\tlogallrefupdates = true\n', null],
      ['[core]\n\tfsmonitor = ./evil.sh\n', 'core.fsmonitor'],
      ['[core]\n\tHooksPath = .githooks\n', 'core.hookspath'],
      ['[core] sshCommand = evil\n', 'core.sshcommand'],
      ['[core]\n\tpager = less\n', 'core.pager'],
      ['[alias]\n\tst = status\n', null],
      ['[alias]\n\tst = "!sh -c evil"\n', 'alias.st'],
      ['[filter "lfs"]\n\tsmudge = git-lfs smudge %f\n', 'filter.lfs.smudge'],
      ['[diff "img"]\n\ttextconv = exiftool\n', 'diff.img.textconv'],
      ['[diff]\n\texternal = evil\n', 'diff.external'],
      ['[include]\n\tpath = ../other.config\n', 'include.path'],
      ['[includeIf "gitdir:/"]\n\tpath = x\n', 'includeif.gitdir:/.path'],
      ['[credential]\n\thelper = store\n', 'credential.helper'],
      ['[pager]\n\tlog = evil\n', 'pager.log'],
      ['[remote "origin"]\n\turl = https://example.com/x.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n', null],
      ['[core\n', 'an unreadable section header "[core"'],
    ];
    for (const [config, expected] of cases) {
      it(`${JSON.stringify(config.slice(0, 40))} → ${expected ?? 'harmless'}`, () => {
        assert.equal(codeRunningConfigKey(config), expected);
      });
    }
  });

  describe('environment', () => {
    it('removes credentials and escape hatches, keeps the rest', () => {
      const removed = ['GITHUB_TOKEN', 'GH_TOKEN', 'NPM_TOKEN', 'AWS_ACCESS_KEY_ID', 'AWS_PROFILE', 'OPENAI_API_KEY', 'DB_PASSWORD', 'CLIENT_SECRET', 'SSH_AUTH_SOCK',
        'GPG_AGENT_INFO', 'DBUS_SESSION_BUS_ADDRESS', 'VSCODE_IPC_HOOK', 'VSCODE_IPC_HOOK_CLI', 'VSCODE_GIT_IPC_HANDLE', 'VSCODE_GIT_ASKPASS_MAIN', 'GIT_ASKPASS',
        'SSH_ASKPASS', 'DISPLAY', 'DOCKER_HOST', 'npm_config__auth', 'HEARTH_SOMETHING'];
      const kept = ['PATH', 'HOME', 'LANG', 'TERM', 'USER', 'SHELL', 'NODE_ENV', 'GIT_AUTHOR_NAME', 'HEARTH_AGENT', 'PAGER', 'XDG_RUNTIME_DIR'];
      for (const name of removed) assert.equal(isScrubbedVariable(name), true, name);
      for (const name of kept) assert.equal(isScrubbedVariable(name), false, name);
      assert.deepEqual(scrubEnvironment({ PATH: '/bin', GITHUB_TOKEN: 'x' }), { PATH: '/bin' });
      assert.deepEqual(scrubEnvironment({ PATH: '.:bin::/usr/local/bin:node_modules/.bin:/bin:' }), { PATH: '/usr/local/bin:/bin' }, 'relative and empty PATH entries resolve in the workspace');
    });
  });

  describe('bubblewrap arguments', () => {
    const root = '/work/project';
    const scan: GuardScan = {
      guarded: [
        { path: `${root}/packages/a/package.json`, relative: 'packages/a/package.json', kind: 'sensitive', mountable: true },
        { path: `${root}/.git`, relative: '.git', kind: 'protected', mountable: true },
        { path: `${root}/dangling`, relative: 'dangling', kind: 'sensitive', mountable: false },
      ],
      gitDirs: [`${root}/.git`, '/elsewhere/repo.git'],
      truncated: false,
      listings: new Map(),
    };
    const args = bwrapArguments({
      cwd: root,
      roots: [root],
      grant: { network: false },
      scans: [scan],
      secrets: { directories: ['/home/u/.ssh', '/run/user/1000', '/home/u/.config/gh', '/home/u/.config/gh/sub'], files: ['/home/u/.netrc', '/run/user/1000/bus'] },
      command: 'npm test',
      uid: 1000,
    });
    const pairs = (flag: string) => args.flatMap((a, i) => (a === flag ? [args[i + 1]] : []));
    const at = (flag: string, value: string) => args.findIndex((a, i) => a === flag && args[i + 1] === value);

    it('isolates the command and ends with the shell in the workspace', () => {
      for (const flag of ['--unshare-net', '--unshare-pid', '--die-with-parent', '--new-session', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try']) assert.ok(args.includes(flag), flag);
      assert.deepEqual(args.slice(-7, -3), ['--chdir', root, '/bin/sh', '-c']);
      assert.match(args.at(-3)!, /\/bin\/sh -c "\$1" 3>&-/, 'the command runs in a shell of its own, under one that reports what outlived it');
      assert.deepEqual(args.slice(-2), ['/bin/sh', 'npm test']);
      assert.deepEqual(pairs('--tmpfs').slice(0, 1), ['/tmp']);
    });

    it('drops every capability when run as root, where bwrap would keep them', () => {
      assert.equal(args.includes('--cap-drop'), false, 'an unprivileged bwrap drops them itself (a setuid one refuses --cap-drop)');
      const asRoot = bwrapArguments({ cwd: root, roots: [root], grant: { network: false }, scans: [scan], secrets: { directories: [], files: [] }, command: 'x', uid: 0 });
      assert.deepEqual(asRoot.slice(asRoot.indexOf('--cap-drop'), asRoot.indexOf('--cap-drop') + 2), ['--cap-drop', 'ALL']);
    });

    it('keeps the network only with the grant', () => {
      const granted = bwrapArguments({ cwd: root, roots: [root], grant: { network: true }, scans: [scan], secrets: { directories: [], files: [] }, command: 'x' });
      assert.equal(granted.includes('--unshare-net'), false);
    });

    it('mounts the workspace writable, then its guarded paths read-only, pinning the folders above them', () => {
      const rw = at('--bind', root);
      assert.ok(rw > at('--ro-bind', '/'));
      assert.deepEqual(pairs('--ro-bind-try').filter((p) => p.startsWith('/work') || p.startsWith('/elsewhere')).sort(), [`${root}/.git`, `${root}/packages/a/package.json`, '/elsewhere/repo.git'].sort());
      assert.deepEqual(pairs('--bind-try'), [`${root}/packages`, `${root}/packages/a`]);
      assert.ok(at('--bind-try', `${root}/packages`) < at('--bind-try', `${root}/packages/a`));
      assert.ok(at('--bind-try', `${root}/packages/a`) < at('--ro-bind-try', `${root}/packages/a/package.json`));
      assert.equal(args.includes(`${root}/dangling`), false, 'nothing can be mounted on a dangling link');
    });

    it('hides secrets last, each folder once, and no file inside a hidden folder', () => {
      const lastWorkspaceMount = Math.max(...args.map((a, i) => (a.startsWith('--') && a !== '--chdir' && args[i + 1]?.startsWith('/work') ? i : -1)));
      assert.ok(at('--tmpfs', '/home/u/.ssh') > lastWorkspaceMount);
      assert.deepEqual(pairs('--tmpfs').slice(1).sort(), ['/home/u/.config/gh', '/home/u/.ssh', '/run/user/1000']);
      const netrc = args.indexOf('/home/u/.netrc');
      assert.deepEqual(args.slice(netrc - 2, netrc + 1), ['--ro-bind-try', '/dev/null', '/home/u/.netrc']);
      assert.ok(netrc > lastWorkspaceMount);
      assert.equal(args.includes('/run/user/1000/bus'), false);
    });
  });

  describe("Hearth's own folders", () => {
    it("hides VS Code's global storage around Hearth's, where the secret store lives, and only Hearth's own elsewhere", () => {
      assert.deepEqual(hearthPrivateFolders('/data/vscode/User/globalStorage/hearth.hearth'), ['/data/vscode/User/globalStorage']);
      assert.deepEqual(hearthPrivateFolders('/srv/hearth-storage'), ['/srv/hearth-storage']);
      assert.deepEqual(hearthPrivateFolders('relative/storage'), []);
    });
  });

  describe('detection', () => {
    let dir: string;
    before(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hearth-detect-'));
    });
    after(() => fs.rm(dir, { recursive: true, force: true }));

    it('without bwrap on the PATH, commands run unsandboxed and the reason says what to install', async () => {
      const sandbox = await probeCommandSandbox(dir);
      assert.equal(sandbox.kind, 'none');
      if (process.platform === 'linux') assert.match(sandbox.unavailableReason ?? '', /bubblewrap is not installed; install it \(`sudo apt install bubblewrap`/);
    });

    it('ignores relative PATH entries (they would run what the workspace holds)', async () => {
      await fs.writeFile(path.join(dir, 'bwrap'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
      assert.equal(findOnPath('bwrap', `${path.relative(process.cwd(), dir)}`), null);
      assert.equal(findOnPath('bwrap', `relative:${dir}`), path.join(dir, 'bwrap'));
    });

    it('a failing probe gives bubblewrap\'s own words and what to change', async () => {
      const fake = path.join(dir, 'bwrap-fails');
      await fs.writeFile(fake, '#!/bin/sh\necho "bwrap: setting up uid map: Permission denied" >&2\nexit 1\n', { mode: 0o755 });
      const reason = await probeBubblewrap(fake);
      assert.match(reason ?? '', /cannot create a sandbox here: bwrap: setting up uid map: Permission denied\. /);
      assert.match(reason ?? '', /user namespaces|reload the window/);
    });
  });
});
