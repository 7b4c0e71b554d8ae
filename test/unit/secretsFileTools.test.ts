/**
 * The user's secrets files (`hearth.completion.disabledFiles`: `.env`, keys,
 * credentials) against a model that wants their contents, through the real
 * tool executor: read_file asks first (once a turn), grep leaves them out,
 * and an allow-listed command that names one asks, so a prompt injection in
 * the repository cannot have a secret sent to the model (or, in team mode,
 * to the team server) without the user saying yes.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { toolPolicyFromSettings } from '../../language-server/agentTools/toolPolicyFromSettings';
import { alwaysAccept, recordingGateway } from '../fixtures/approvalGateways';
import { call, makeToolWorkspace, type ToolWorkspace } from '../fixtures/toolWorkspace';

const SECRET = 'sk-live-4242-do-not-share';

describe('secrets files and the agent tools', () => {
  let ws: ToolWorkspace;

  beforeEach(async () => {
    ws = await makeToolWorkspace({
      '.env': `API_KEY=${SECRET}\nDEBUG=1\n`,
      '.env.example': 'API_KEY=\n',
      'config/deploy.pem': `-----BEGIN PRIVATE KEY-----\n${SECRET}\n`,
      'src/config.ts': 'export const API_KEY = process.env.API_KEY;\n',
    });
  });

  afterEach(() => ws.cleanup());

  describe('read_file', () => {
    it('asks before reading .env, says why, and shows nothing when the user says no', async () => {
      const gateway = recordingGateway({ reads: ['reject'] });
      const r = await call(ws.executor({ approvals: gateway }), 'read_file', { path: '.env' });
      assert.equal(r.isError, true);
      assert.equal(r.summary, 'read rejected by user');
      assert.doesNotMatch(r.content, new RegExp(SECRET));
      assert.match(r.content, /\.env is a secrets file \(hearth\.completion\.disabledFiles names it\)/);
      assert.equal(gateway.reads.length, 1);
      assert.equal(gateway.reads[0].relativePath, '.env');
      assert.match(gateway.reads[0].reason, /secrets file.*would go to the model/);
    });

    it('reads it once the user agrees, and asks only once in the turn for the same file', async () => {
      const gateway = recordingGateway({ reads: ['accept'] });
      const exec = ws.executor({ approvals: gateway });
      const first = await call(exec, 'read_file', { path: '.env', endLine: 1 });
      assert.equal(first.isError, false, first.content);
      assert.match(first.content, new RegExp(SECRET));
      const second = await call(exec, 'read_file', { path: '.env', startLine: 2 });
      assert.equal(second.isError, false, second.content);
      assert.match(second.content, /DEBUG=1/);
      assert.equal(gateway.reads.length, 1, 'the second part of the same file did not ask again');
      const next = recordingGateway({ reads: ['reject'] });
      assert.equal((await call(ws.executor({ approvals: next }), 'read_file', { path: '.env' })).isError, true, 'a new turn asks again');
    });

    it('asks for a link named innocently that leads to a secrets file, and for a key by its extension', async () => {
      await fs.symlink('.env', path.join(ws.root, 'notes.txt'));
      const gateway = recordingGateway({ reads: ['reject', 'reject'] });
      const exec = ws.executor({ approvals: gateway });
      assert.doesNotMatch((await call(exec, 'read_file', { path: 'notes.txt' })).content, new RegExp(SECRET));
      assert.doesNotMatch((await call(exec, 'read_file', { path: 'config/deploy.pem' })).content, new RegExp(SECRET));
      assert.equal(gateway.reads.length, 2);
    });

    it('reads ordinary files without asking, and follows the user\'s own list (a template taken back with "!")', async () => {
      const gateway = recordingGateway();
      const own = ws.executor({ approvals: gateway, policy: { secretsFiles: ['**/.env', '**/.env.*', '!.env.example', 'src/config.ts'] } });
      assert.equal((await call(own, 'read_file', { path: '.env.example' })).isError, false);
      assert.equal(gateway.reads.length, 0, 'the template the user took back reads without asking');
      assert.equal((await call(own, 'read_file', { path: 'src/config.ts' })).isError, true, 'a file the user listed asks (and is refused here)');
      assert.equal(gateway.reads.length, 1);
    });
  });

  it("takes the list from the user's hearth.completion.disabledFiles, the same list that keeps suggestions out", async () => {
    const policy = toolPolicyFromSettings({ completion: { disabledFiles: ['deploy/**'] } } as Parameters<typeof toolPolicyFromSettings>[0], true);
    await ws.write('deploy/token.txt', `${SECRET}\n`);
    const gateway = recordingGateway({ reads: ['reject'] });
    const exec = ws.executor({ approvals: gateway, policy });
    assert.doesNotMatch((await call(exec, 'read_file', { path: 'deploy/token.txt' })).content, new RegExp(SECRET));
    assert.equal(gateway.reads.length, 1, 'a file on the user\'s list asks');
    assert.equal((await call(exec, 'read_file', { path: '.env' })).isError, false, 'the user replaced the defaults, so .env reads without asking');
    assert.equal(gateway.reads.length, 1);
  });

  describe('grep', () => {
    it('leaves the lines of secrets files out and names the files it left out', async () => {
      const r = await call(ws.executor(), 'grep', { pattern: 'API_KEY|PRIVATE' });
      assert.equal(r.isError, false, r.content);
      assert.doesNotMatch(r.content, new RegExp(SECRET));
      assert.doesNotMatch(r.content, /^\.env:1:/m);
      assert.match(r.content, /^src\/config\.ts:1: /m, 'ordinary files are searched');
      assert.match(r.content, /Matches in 3 secrets file\(s\) .* are not shown: /);
      for (const name of ['.env', '.env.example', 'config/deploy.pem']) assert.ok(r.content.includes(name), `${name} is named`);
    });

    it('shows nothing of a secrets file searched by name', async () => {
      const r = await call(ws.executor(), 'grep', { pattern: 'sk-live', path: '.env' });
      assert.doesNotMatch(r.content, new RegExp(SECRET));
      assert.match(r.content, /No matches/);
      assert.match(r.content, /secrets file/);
    });
  });

  describe('run_command', () => {
    for (const command of ['cat .env', 'head -n 1 config/deploy.pem', 'tail < .env', 'cat config/*.pem', 'git show HEAD:.env']) {
      it(`asks before \`${command}\`, which reads a secrets file, and does not run it when the user says no`, async () => {
        const gateway = recordingGateway({ commands: ['reject'] });
        const r = await call(ws.executor({ approvals: gateway, policy: { commandAllowList: ['cat', 'head', 'tail', 'git show'] } }), 'run_command', { command });
        assert.equal(gateway.commands.length, 1, 'the user was asked');
        assert.match(gateway.commands[0].reasons.join(' '), /secrets file/);
        assert.equal(r.summary, 'rejected by user');
        assert.doesNotMatch(r.content, new RegExp(SECRET));
      });
    }

    it('runs `cat src/config.ts` without asking', async () => {
      const gateway = recordingGateway();
      const r = await call(ws.executor({ approvals: gateway, policy: { commandAllowList: ['cat'] } }), 'run_command', { command: 'cat src/config.ts' });
      assert.equal(gateway.commands.length, 0);
      assert.match(r.content, /process\.env\.API_KEY/);
    });

    it('runs `cat .env` after the user approves it', async () => {
      const r = await call(ws.executor({ approvals: alwaysAccept(), policy: { commandAllowList: ['cat'] } }), 'run_command', { command: 'cat .env' });
      assert.equal(r.isError, false, r.content);
      assert.match(r.content, new RegExp(SECRET));
    });
  });
});
