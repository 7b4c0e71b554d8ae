/**
 * How MCP tools are named and described to the model: `server.tool` within
 * [A-Za-z0-9_.-] and 64 characters, never shadowing a built-in tool or
 * another server's tool, with schemas the agent core and the team server's
 * protocol accept, and results that are bounded text.
 */
import assert from 'node:assert/strict';
import { namespacedToolName, serverSlug, MAX_TOOL_NAME_LENGTH } from '../../agent-host/mcp/namespaceToolName';
import { toMcpTool, toSchemaSubset } from '../../agent-host/mcp/toMcpTool';
import { formatToolResult } from '../../agent-host/mcp/formatToolResult';
import { withMcpTools, type McpToolSource } from '../../agent-host/mcp/withMcpTools';
import type { McpTool } from '../../agent-host/mcp/mcpTypes';
import { validateAgainstSchema } from '../../agent-host/core/schemaValidator';
import { checkJsonSchema } from '../../protocol/grpc/decodeChat';
import { BUILTIN_TOOL_LIST } from '../../protocol/tools';
import type { ToolExecutor } from '../../agent-host';

const VALID_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

describe('MCP tool names', () => {
  it('prefixes the tool with its server', () => {
    assert.equal(namespacedToolName(serverSlug('github'), 'create_issue'), 'github.create_issue');
  });

  it('cleans server names to [A-Za-z0-9_-], so the first dot always ends the server part', () => {
    assert.equal(serverSlug('my.server'), 'my_server');
    assert.equal(serverSlug('My Server (dev)'), 'My_Server__dev_');
    assert.notEqual(namespacedToolName(serverSlug('a.b'), 'c'), namespacedToolName(serverSlug('a'), 'b.c'));
    assert.match(serverSlug('日本語'), /^server_[0-9a-f]{6}$/);
    assert.match(serverSlug('-leading'), VALID_NAME);
  });

  it('gives servers whose names clean up alike distinct prefixes', () => {
    const first = serverSlug('my server');
    const second = serverSlug('my_server', new Set([first]));
    assert.equal(first, 'my_server');
    assert.equal(second, 'my_server_2');
  });

  it('keeps names within 64 characters, stably, and distinct when cut to the same prefix', () => {
    const slug = serverSlug('a-server-with-a-rather-long-name-indeed');
    assert.ok(slug.length <= 24);
    const long1 = namespacedToolName(slug, `fetch_${'x'.repeat(80)}_one`);
    const long2 = namespacedToolName(slug, `fetch_${'x'.repeat(80)}_two`, new Set([long1]));
    for (const name of [long1, long2]) {
      assert.ok(name.length <= MAX_TOOL_NAME_LENGTH, name);
      assert.match(name, VALID_NAME);
      assert.ok(name.startsWith(`${slug}.`));
    }
    assert.notEqual(long1, long2);
    assert.equal(long1, namespacedToolName(slug, `fetch_${'x'.repeat(80)}_one`), 'the same tool gets the same name on every listing');
  });

  it('replaces characters outside [A-Za-z0-9_.-] and keeps two tools that clean up alike apart', () => {
    const a = namespacedToolName('srv', 'get file');
    const b = namespacedToolName('srv', 'get_file', new Set([a]));
    const c = namespacedToolName('srv', 'get/file', new Set([a, b]));
    assert.equal(a, 'srv.get_file');
    assert.equal(new Set([a, b, c]).size, 3);
    for (const n of [a, b, c]) assert.match(n, VALID_NAME);
  });

  it('can never equal a built-in tool name', () => {
    const builtins = new Set(BUILTIN_TOOL_LIST.map((t) => t.name));
    for (const builtin of builtins) {
      assert.ok(!builtin.includes('.'));
      assert.ok(!builtins.has(namespacedToolName(serverSlug('x'), builtin)));
      assert.ok(!builtins.has(namespacedToolName(serverSlug(''), builtin)));
    }
  });
});

describe('MCP tool definitions for the model', () => {
  const listed = {
    name: 'search',
    description: 'Searches the docs.',
    inputSchema: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: {
        query: { type: 'string', description: 'What to look for' },
        limit: { type: 'integer', minimum: 1, maximum: 50, default: 10 },
        mode: { type: 'string', enum: ['fast', 'exact'] },
        since: { type: ['string', 'null'], format: 'date' },
        filter: { anyOf: [{ type: 'string' }, { type: 'number' }] },
        tags: { type: 'array', items: { type: 'string' } },
        options: { type: 'object', properties: { caseSensitive: { type: 'boolean' } }, additionalProperties: false },
      },
      required: ['query'],
      additionalProperties: false,
    },
  };

  it('keeps what the agent can validate and drops what it cannot express', () => {
    const tool = toMcpTool('docs server', 'docs_server', listed, new Set());
    const params = tool.definition.parameters;
    assert.equal(tool.name, 'docs_server.search');
    assert.equal(tool.definition.readOnly, false, 'readOnlyHint is the server\'s own claim: MCP tools always need approval');
    assert.match(tool.definition.description, /Searches the docs\..*"docs server"/);
    assert.deepEqual(params.required, ['query']);
    assert.deepEqual(params.properties!.limit, { type: 'integer', minimum: 1, maximum: 50, description: 'Default: 10.' });
    assert.deepEqual(params.properties!.mode, { type: 'string', enum: ['fast', 'exact'] });
    assert.deepEqual(params.properties!.since, {}, 'a type list is dropped: any value passes, the server validates');
    assert.deepEqual(params.properties!.filter, {});
    assert.deepEqual(params.properties!.options, { type: 'object', properties: { caseSensitive: { type: 'boolean' } }, additionalProperties: false });
    // The team server's protocol accepts it, so the tool can be offered to a remote agent.
    assert.doesNotThrow(() => checkJsonSchema(JSON.parse(JSON.stringify(params)), 'parameters'));
    // The agent core validates model arguments against it.
    assert.equal(validateAgainstSchema(params, { query: 'streams', limit: '5', since: null, filter: 3 }).ok, true);
    assert.match(validateAgainstSchema(params, { limit: 500 }).errors.join(' '), /"query" is required.*at most 50/);
  });

  it('hashes the definition as declared, not as simplified', () => {
    const a = toMcpTool('s', 's', listed, new Set());
    const b = toMcpTool('s', 's', { ...listed, inputSchema: { ...listed.inputSchema, properties: { ...listed.inputSchema.properties, since: { type: ['string', 'null'], format: 'date-time' } } } }, new Set());
    assert.deepEqual(a.definition.parameters, b.definition.parameters);
    assert.notEqual(a.hash, b.hash);
  });

  it('bounds deep and long schemas', () => {
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 20; i++) deep = { type: 'object', properties: { next: deep } };
    assert.doesNotThrow(() => checkJsonSchema(toSchemaSubset(deep), 'parameters'));
    const tool = toMcpTool('s', 's', { name: 't', description: 'x'.repeat(50_000), inputSchema: { type: 'object' } }, new Set());
    assert.ok(tool.definition.description.length < 2000);
    assert.deepEqual(tool.definition.parameters, { type: 'object', properties: {} });
  });
});

describe('MCP tool results', () => {
  it('passes text through and summarizes images, audio and binary resources', () => {
    const outcome = formatToolResult('s.t', {
      content: [
        { type: 'text', text: 'Here it is:' },
        { type: 'image', data: 'aGVsbG8=', mimeType: 'image/png' },
        { type: 'resource', resource: { uri: 'file:///a.txt', text: 'inline text' } },
        { type: 'resource', resource: { uri: 'file:///b.bin', blob: 'AAAA', mimeType: 'application/octet-stream' } },
        { type: 'resource_link', uri: 'file:///c.md', name: 'c.md' },
      ],
    });
    assert.equal(outcome.isError, false);
    assert.equal(
      outcome.content,
      'Here it is:\n[image image/png, 5 bytes, not shown]\n[resource file:///a.txt]\ninline text\n[resource file:///b.bin: application/octet-stream, 3 bytes, not shown]\n[resource link: c.md <file:///c.md>]',
    );
    assert.match(outcome.summary, /4 non-text blocks/);
  });

  it('uses structured content when there is no text, and keeps isError', () => {
    assert.equal(formatToolResult('s.t', { content: [], structuredContent: { temperature: 21 } }).content, '{\n  "temperature": 21\n}');
    const failed = formatToolResult('s.t', { content: [{ type: 'text', text: 'no such file' }], isError: true });
    assert.deepEqual([failed.isError, failed.content], [true, 'no such file']);
  });

  it('cuts long results and says so', () => {
    const outcome = formatToolResult('s.t', { content: [{ type: 'text', text: 'y'.repeat(100_000) }] }, 1000);
    assert.ok(outcome.content.length < 1200);
    assert.match(outcome.content, /99000 more characters cut/);
    assert.match(outcome.summary, /cut/);
  });
});

describe('the composite executor', () => {
  const inner: ToolExecutor = {
    definitions: () => [{ name: 'read_file', description: 'Read', readOnly: true, parameters: { type: 'object', properties: {} } }],
    execute: async (call) => ({ callId: call.id, name: call.name, content: 'built-in ran', isError: false }),
  };
  const tool = (server: string, name: string): McpTool => toMcpTool(server, server, { name, inputSchema: { type: 'object' } }, new Set());
  const source = (tools: McpTool[], calls: string[] = []): McpToolSource => ({
    tools: () => tools,
    statuses: () => [],
    callTool: async (t) => {
      calls.push(t.name);
      return { content: `${t.name} ran`, isError: false, summary: 'ok' };
    },
  });
  const run = (executor: ToolExecutor, name: string) => executor.execute({ id: 'c1', name, arguments: {} }, new AbortController().signal);

  it('offers built-in and MCP tools together and routes each call to its owner', async () => {
    const calls: string[] = [];
    const executor = withMcpTools(inner, source([tool('git', 'status')], calls));
    assert.deepEqual(executor.definitions().map((d) => d.name), ['read_file', 'git.status']);
    assert.equal((await run(executor, 'read_file')).content, 'built-in ran');
    assert.equal((await run(executor, 'git.status')).content, 'git.status ran');
    assert.deepEqual(calls, ['git.status']);
  });

  it('never lets an MCP tool shadow another tool with the same name', async () => {
    const conflicts: string[] = [];
    const shadowing = { ...tool('x', 'y'), name: 'read_file' };
    const executor = withMcpTools(inner, source([shadowing, tool('a', 'b'), tool('a', 'b')]), { onNameConflict: (t) => conflicts.push(t.name) });
    assert.deepEqual(executor.definitions().map((d) => d.name), ['read_file', 'a.b']);
    assert.equal((await run(executor, 'read_file')).content, 'built-in ran');
    assert.ok(conflicts.includes('read_file'));
  });

  it('offers no MCP tools while the gate is closed, and refuses a call the gate refuses', async () => {
    let open = false;
    const calls: string[] = [];
    const executor = withMcpTools(inner, source([tool('git', 'status')], calls), {
      enabled: () => open,
      authorize: async () => ({ content: 'The user rejected it.', summary: 'rejected' }),
    });
    assert.deepEqual(executor.definitions().map((d) => d.name), ['read_file']);
    assert.match((await run(executor, 'git.status')).content, /no tool named "git\.status"/);
    open = true;
    const refused = await run(executor, 'git.status');
    assert.deepEqual([refused.isError, refused.content, refused.summary], [true, 'The user rejected it.', 'rejected']);
    assert.deepEqual(calls, []);
  });

  it('leaves out a tool the user turned off, refuses a call to it with the reason, and asks no approval for it', async () => {
    const calls: string[] = [];
    const asked: string[] = [];
    const executor = withMcpTools(inner, source([tool('git', 'status'), tool('git', 'push')], calls), {
      turnedOff: (t) => (t.toolName === 'push' ? { content: 'The user turned git.push off.', summary: 'turned off by the user' } : undefined),
      authorize: async (t) => {
        asked.push(t.name);
        return undefined;
      },
    });
    assert.deepEqual(executor.definitions().map((d) => d.name), ['read_file', 'git.status']);
    assert.equal(executor.refusalFor?.('git.push'), 'The user turned git.push off.');
    assert.equal(executor.refusalFor?.('git.status'), undefined, 'a tool that is on has no refusal');
    assert.equal(executor.refusalFor?.('git.pull'), undefined, 'nor a tool that does not exist');
    const refused = await run(executor, 'git.push');
    assert.deepEqual([refused.isError, refused.content, refused.summary], [true, 'The user turned git.push off.', 'turned off by the user']);
    assert.equal((await run(executor, 'git.status')).content, 'git.status ran');
    assert.deepEqual([calls, asked], [['git.status'], ['git.status']]);
  });
});
