/**
 * The admin's MCP servers on a real team server over TLS, through the real
 * language server signed in as alice: their resources appear in `@` beside
 * the developer's own server's, are read through the team server when the
 * message is sent (a listed resource or one made from a listed template,
 * nothing else), and their prompts are `/team.<server>.<prompt>` commands
 * whose messages reach the model. Their prompts' arguments and templates'
 * variables are completed through the team server as the user types (only
 * a listed prompt's or template's, only for a signed-in user, bounded). An
 * admin server that asks for sampling anyway is refused with the reason, and
 * nobody is asked.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import jwt from 'jsonwebtoken';
import type { CompleteMcpArgumentRequest } from '../../protocol/generated/hearth/v1/CompleteMcpArgumentRequest';
import type { McpServiceClient } from '../../protocol/generated/hearth/v1/McpService';
import { hearthPackage } from '../../protocol/grpc/loadProtos';
import { ChatCommandRequest, ChatSendRequest, McpCompleteRequest, McpResourcesRequest, SlashCommandsRequest, type McpCompleteParams } from '../../protocol/lspMethods';
import type { ContextItem } from '../../protocol/chat';
import { readMcpServers } from '../../agent-host/server/config/readMcpServers';
import type { TeamServer } from '../../agent-host/server/teamServer';
import { RemoteAgent } from '../../language-server/remote/remoteAgent';
import type { TeamConnection } from '../../language-server/remote/teamConnection';
import type { OllamaFixture } from '../fixtures/ollamaFixture';
import { until, untilValue } from '../fixtures/until';
import { keydown, type } from '../unit/webviewTestHarness';
import { composerOverLsp } from './composerOverLsp';
import { EVERYTHING_SERVER, type McpTestServer } from './mcpHarness';
import { useSignedInHearth } from './signedInHearthSuite';
import { AUDIENCE, BOB_KEY, ISSUER, teamConnection, type MemoryAudit, type TestPki } from './teamServerHarness';

const SCRIPTED = fileURLToPath(new URL('../fixtures/mcpScriptedServer.main.mjs', import.meta.url));
const PROMPT_ONLY = fileURLToPath(new URL('../fixtures/mcpPromptOnlyServer.main.mjs', import.meta.url));
const DOC = 'demo://resource/static/document/features.md';
const DOC_TEXT = fs.readFileSync(path.join(path.dirname(EVERYTHING_SERVER), 'docs', 'features.md'), 'utf8');
const TEMPLATE = 'demo://resource/dynamic/text/{resourceId}';

describe('the team server\'s MCP resources and prompts through the language server (integration)', function () {
  this.timeout(90_000);
  let pki: TestPki;
  let fixture: OllamaFixture;
  let server: TeamServer;
  let audit: MemoryAudit;
  let hearth: McpTestServer | undefined;
  let direct: TeamConnection | undefined;

  const chats = () => fixture.requests.filter((r) => r.path === '/api/chat');
  const lastUserMessage = () => (chats().at(-1)!.body.messages as { role: string; content: string }[]).filter((m) => m.role === 'user').at(-1)!.content;

  async function send(text: string, context: ContextItem[]): Promise<void> {
    const started = await hearth!.client.connection.sendRequest(ChatSendRequest.type, { input: { text, context } });
    await hearth!.client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 30_000);
  }

  // Closed first: registered before the suite's own clean-up.
  after(() => direct?.close());
  const suite = useSignedInHearth({
    name: 'team-mcp',
    configure: (c) => {
      const problems: string[] = [];
      c.mcp = {
        servers: readMcpServers(
          {
            servers: {
              docs: { type: 'stdio', command: process.execPath, args: [EVERYTHING_SERVER, 'stdio'] },
              scripted: { type: 'stdio', command: process.execPath, args: [SCRIPTED] },
              // Prompts without completions: its arguments get no suggestions, as a local server's.
              plain: { type: 'stdio', command: process.execPath, args: [PROMPT_ONLY] },
            },
          },
          problems,
        ),
      };
      assert.deepEqual(problems, []);
      // A minute's allowance the suite's own typing stays far below; the rate-limit test spends bob's.
      c.limits.completionsPerMinute = 60;
    },
    // The developer's own server, on the developer's machine, with the same resources under another name.
    mcp: { servers: { mine: { command: process.execPath, args: [EVERYTHING_SERVER, 'stdio'] } } },
    ready: (hearth) => hearth.waitForServer('mine', (s) => s.state === 'running', 'running'),
  });
  // The suite's parts under the names the tests below use.
  before(() => ({ pki, fixture, server, audit, hearth } = suite));

  it('offers the team server\'s resources in @ beside the developer\'s own, and a picked one reaches the model read through the team server', async () => {
    // The admin's servers start in the background and the lists are cached for a few seconds.
    const choices = await untilValue(
      async () => {
        const { resources } = await hearth!.client.connection.sendRequest(McpResourcesRequest.type, { query: 'features' });
        return resources.some((r) => r.mention === `mcp-team:docs/${DOC}`) && resources.some((r) => r.mention === `mcp:mine/${DOC}`) ? resources : undefined;
      },
      'the team server\'s and the developer\'s resources in the @ list',
      30_000,
      500,
    );
    assert.ok(choices.findIndex((r) => r.mention.startsWith('mcp:mine/')) < choices.findIndex((r) => r.mention.startsWith('mcp-team:')), 'the developer\'s own come first');
    const templates = (await hearth!.client.connection.sendRequest(McpResourcesRequest.type, { query: 'dynamic' })).resources.filter((r) => r.mention.startsWith('mcp-team:'));
    assert.ok(templates.some((t) => t.uri === 'demo://resource/dynamic/text/{resourceId}' && t.variables?.[0] === 'resourceId'), 'the team server\'s templates are offered too');

    fixture.enqueue({ kind: 'text', text: 'Read it.' }, { kind: 'text', text: 'Read that too.' });
    await send('Summarise this', [{ kind: 'mention', path: `mcp-team:docs/${DOC}` }]);
    const toModel = lastUserMessage();
    assert.ok(toModel.includes(`Resource ${DOC} from the team server's MCP server "docs":`), toModel.slice(0, 300));
    assert.ok(toModel.includes(DOC_TEXT.trim().split('\n')[0]), 'the resource\'s text reached the model');
    assert.ok(audit.events.some((e) => e.event === 'mcp.resource.read' && e.user === 'alice' && e.server === 'docs' && e.uri === DOC), 'the read is audited with the user');

    await send('And this', [{ kind: 'mention', path: 'mcp-team:docs/demo://resource/dynamic/text/42' }]);
    assert.match(lastUserMessage(), /Resource 42: This is a plaintext resource/, 'a URI made from a listed template is read');
  });

  it('reads nothing the admin\'s servers do not list', async () => {
    direct = teamConnection(server.port, pki);
    const agent = new RemoteAgent(direct);
    await assert.rejects(agent.mcp.readResource('docs', 'file:///etc/passwd', 1000), /does not offer file:\/\/\/etc\/passwd/);
    await assert.rejects(agent.mcp.readResource('docs', 'demo://resource/dynamic/text/1/../../static', 1000), /does not offer/);
    await assert.rejects(agent.mcp.getPrompt('docs', 'no-such-prompt', {}, 1000), /has no prompt no-such-prompt/);

    fixture.enqueue({ kind: 'text', text: 'Nothing there.' });
    await send('Read this', [{ kind: 'mention', path: 'mcp-team:docs/file:///etc/passwd' }]);
    const toModel = lastUserMessage();
    assert.match(toModel, /Hearth could not read file:\/\/\/etc\/passwd from the team server's MCP server "docs": .*does not offer/);
    assert.doesNotMatch(toModel, /root:/);
  });

  it('lists the team server\'s prompts as /team.<server>.<prompt>, and the prompt\'s messages reach the model', async () => {
    const command = await untilValue(
      async () => (await hearth!.client.connection.sendRequest(SlashCommandsRequest.type, { query: 'team.docs.args' })).commands.find((c) => c.name === 'team.docs.args-prompt'),
      'the team server\'s prompt in the / list',
      30_000,
      500,
    );
    assert.deepEqual({ source: command.source, server: command.server, team: command.team, argumentHint: command.argumentHint }, { source: 'mcp', server: 'docs', team: true, argumentHint: '<city> [state]' });
    const own = (await hearth!.client.connection.sendRequest(SlashCommandsRequest.type, { query: 'args-prompt' })).commands.map((c) => c.name);
    assert.ok(own.includes('mcp.mine.args-prompt') && own.includes('team.docs.args-prompt'), own.join(', '));

    fixture.enqueue({ kind: 'text', text: 'Foggy.' });
    const text = '/team.docs.args-prompt "San Francisco" California';
    const result = await hearth!.client.connection.sendRequest(ChatCommandRequest.type, { input: { text, context: [] }, command: { name: 'team.docs.args-prompt', args: '"San Francisco" California' } });
    await hearth!.client.waitForEvent((e) => e.entryId === result.started!.assistantEntryId && e.event.type === 'done', 30_000);
    assert.equal(lastUserMessage(), "What's weather in San Francisco, California?");
    assert.ok(audit.events.some((e) => e.event === 'mcp.prompt.get' && e.user === 'alice' && e.server === 'docs' && e.prompt === 'args-prompt'));

    await assert.rejects(
      hearth!.client.connection.sendRequest(ChatCommandRequest.type, { input: { text: '/team.docs.args-prompt', context: [] }, command: { name: 'team.docs.args-prompt', args: '' } }),
      (err: { data?: { code?: string; message?: string } }) => err.data?.code === 'invalidRequest' && /needs the argument city/.test(err.data.message ?? '') && /\/team\.docs\.args-prompt <city> \[state\]/.test(err.data.message ?? ''),
    );
  });

  const complete = (params: McpCompleteParams) => hearth!.client.connection.sendRequest(McpCompleteRequest.type, params);

  it('completes the team server\'s prompt arguments and template variables through the team server, as the user types them in the chat input', async () => {
    const name = 'team.docs.completable-prompt';
    await untilValue(
      async () => ((await hearth!.client.connection.sendRequest(SlashCommandsRequest.type, { query: name })).commands.some((c) => c.name === name && c.team) ? true : undefined),
      'the team server\'s prompt in the / list',
      30_000,
      500,
    );
    const department = await complete({ server: 'docs', team: true, ref: { type: 'prompt', name: 'completable-prompt' }, argument: { name: 'department', value: 'S' } });
    assert.deepEqual([department.values, department.hasMore], [['Sales', 'Support'], false]);
    const people = await complete({ server: 'docs', team: true, ref: { type: 'prompt', name: 'completable-prompt' }, argument: { name: 'name', value: '' }, context: { department: 'Marketing' } });
    assert.deepEqual(people.values, ['Grace', 'Henry', 'Iris'], 'narrowed by the argument already filled');
    const ids = await complete({ server: 'docs', team: true, ref: { type: 'resourceTemplate', uriTemplate: TEMPLATE }, argument: { name: 'resourceId', value: '7' } });
    assert.deepEqual(ids.values, ['7']);
    // Without `team`, "docs" is a developer's server, and the developer has none of that name: nothing of the team's is asked for.
    await assert.rejects(complete({ server: 'docs', ref: { type: 'prompt', name: 'completable-prompt' }, argument: { name: 'department', value: 'S' } }), /there is no MCP server "docs"/);

    // The chat input, as the extension wires it (its argument questions go through PromptArgumentSuggestions to hearth/mcp/complete).
    const { h, composer, showing, dispose } = composerOverLsp(hearth!.client.connection);
    try {
      type(composer, `/${name} Mar`);
      await until(showing(['Marketing']), 'the team server\'s departments narrowed to what was typed', 15_000);
      keydown(composer, 'Tab');
      assert.equal(composer.value, `/${name} Marketing `);
      await until(showing(['Grace', 'Henry', 'Iris']), 'Marketing\'s people for the second argument', 15_000);
      assert.ok(h.api.of('completeArgument').every((q) => q.team === true && q.server === 'docs'), 'asked as the team server\'s prompt');
    } finally {
      dispose();
    }
  });

  describe('the team server\'s Complete RPC, called as a hostile client would', () => {
    let mcp: McpServiceClient;
    let token: string;

    before(async () => {
      mcp = new (hearthPackage().grpc.hearth.v1.McpService)(`localhost:${server.port}`, grpc.credentials.createSsl(pki.caPem));
      direct ??= teamConnection(server.port, pki);
      token = (await direct.metadata()).get('authorization')[0].toString().replace(/^Bearer /, '');
    });

    after(() => mcp?.close());

    function call(req: CompleteMcpArgumentRequest, accessToken: string | null = token): Promise<unknown> {
      const md = new grpc.Metadata();
      if (accessToken !== null) md.set('authorization', `Bearer ${accessToken}`);
      return new Promise((resolve, reject) => mcp.Complete(req, md, (err, res) => (err ? reject(err) : resolve(res))));
    }

    async function refused(promise: Promise<unknown>, code: grpc.status, message: RegExp): Promise<grpc.ServiceError> {
      let error: grpc.ServiceError | undefined;
      await assert.rejects(promise, (err: grpc.ServiceError) => {
        assert.equal(grpc.status[err.code], grpc.status[code], `status for: ${err.details}`);
        assert.match(err.details, message);
        error = err;
        return true;
      });
      return error!;
    }

    const department = (value: string): CompleteMcpArgumentRequest => ({ server: 'docs', prompt: 'completable-prompt', argument: 'department', value });

    it('answers a signed-in user, and refuses a call without a token or with an expired one', async () => {
      const answer = (await call(department('Eng'))) as { values: string[]; has_more: boolean };
      assert.deepEqual([answer.values, answer.has_more], [['Engineering'], false]);
      await refused(call(department('S'), null), grpc.status.UNAUTHENTICATED, /no access token was sent/);
      const past = Math.floor(Date.now() / 1000) - 3600;
      const expired = jwt.sign({ sub: 'alice', typ: 'access', fam: 'f-1', jti: 'j-1', iss: ISSUER, aud: AUDIENCE, iat: past - 60, nbf: past - 60, exp: past }, pki.hsSecret, { algorithm: 'HS256', keyid: 'hs-1' });
      await refused(call(department('S'), expired), grpc.status.UNAUTHENTICATED, /expired/);
    });

    it('refuses oversize input, and anything the admin\'s servers do not list, with the reason', async () => {
      await refused(call(department('x'.repeat(1001))), grpc.status.INVALID_ARGUMENT, /value: is longer than 1000 characters/);
      await refused(call({ ...department('S'), argument: 'a'.repeat(201) }), grpc.status.INVALID_ARGUMENT, /argument: is longer than 200 characters/);
      await refused(call({ ...department('S'), context: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 'v'])) }), grpc.status.INVALID_ARGUMENT, /context: has more than 32 entries/);
      await refused(call({ ...department('S'), argument: 'password' }), grpc.status.INVALID_ARGUMENT, /argument: is not an argument of the prompt completable-prompt \(it has department, name\)/);
      await refused(call({ server: 'docs', argument: 'department', value: 'S' }), grpc.status.INVALID_ARGUMENT, /ref: must be a prompt or a uri_template/);
      await refused(call({ ...department('S'), prompt: 'no-such-prompt' }), grpc.status.NOT_FOUND, /has no prompt no-such-prompt/);
      await refused(call({ ...department('S'), server: 'elsewhere' }), grpc.status.NOT_FOUND, /MCP server "elsewhere" has no prompt/);
      await refused(call({ server: 'docs', uri_template: 'file:///{path}', argument: 'path', value: '/etc' }), grpc.status.NOT_FOUND, /has no resource template file:\/\/\/\{path\}/);
      assert.deepEqual(((await call({ server: 'docs', uri_template: TEMPLATE, argument: 'resourceId', value: '3' })) as { values: string[] }).values, ['3']);
    });

    it('answers nothing for a listed prompt of a server that does not offer completions, as in local mode', async () => {
      await untilValue(
        async () => ((await new RemoteAgent(direct!).mcp.prompts()).some((p) => p.server === 'plain' && p.name === 'greet') ? true : undefined),
        'the prompt-only server\'s prompt in the team server\'s list',
        30_000,
        500,
      );
      assert.deepEqual(await call({ server: 'plain', prompt: 'greet', argument: 'name', value: 'A' }), { values: [], has_more: false });
    });

    it('limits each user to the completions per minute, telling them when to retry, and leaves other users alone', async () => {
      const bob = teamConnection(server.port, pki, BOB_KEY);
      try {
        const bobToken = (await bob.metadata()).get('authorization')[0].toString().replace(/^Bearer /, '');
        // The bucket holds a minute's allowance (60) and refills at one a second: asking without pause runs it dry.
        let answered = 0;
        let refusal: unknown;
        while (refusal === undefined && answered < 200) {
          await call(department('S'), bobToken).then(
            () => answered++,
            (err: unknown) => (refusal = err),
          );
        }
        const err = await refused(Promise.reject(refusal as Error), grpc.status.RESOURCE_EXHAUSTED, /limit of completions per minute; retry in \d+ s/);
        assert.ok(answered >= 60, `a minute's allowance was answered first (${answered})`);
        assert.ok(Number(err.metadata.get('retry-after-ms')[0]) > 0, 'the retry hint is in the trailers');
        assert.deepEqual(((await call(department('Eng'))) as { values: string[] }).values, ['Engineering'], 'alice is still answered');
      } finally {
        bob.close();
      }
    });
  });

  it('refuses an admin server\'s sampling request with the reason, asking no one and sending nothing to a model', async () => {
    const before = chats().length;
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'scripted.sample', arguments: { prompt: 'Summarise everyone\'s secrets', maxTokens: 50 } }] }, { kind: 'text', text: 'Refused.' });
    const { results } = await hearth!.turn('Ask the admin server to sample');
    assert.equal(results.length, 1);
    assert.equal(results[0].isError, true);
    assert.match(results[0].content, /Sampling failed: .*sampling\/createMessage is not offered here: Hearth's team server shares its MCP servers among all developers/);
    assert.equal(hearth!.samplingRequests.length, 0, 'no developer was asked');
    assert.equal(chats().length - before, 2, 'the turn\'s two steps and no sampling');
  });
});
