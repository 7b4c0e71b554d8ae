/**
 * The parts of the tool loop that read what a model wrote: the text tool
 * protocol parser, the stream filter that hides tool-call text from the
 * user, and the schema validator for tool arguments.
 */
import assert from 'node:assert/strict';
import { BUILTIN_TOOLS, ToolName } from '../../protocol/tools';
import { parseTextToolCall } from '../../agent-host/core/textToolProtocol';
import { ToolCallTextFilter } from '../../agent-host/core/toolCallTextFilter';
import { validateAgainstSchema } from '../../agent-host/core/schemaValidator';

const known = ['read_file', 'grep'];

describe('parseTextToolCall', () => {
  it('finds a tool_call block after prose and ignores text after it', () => {
    const parsed = parseTextToolCall('I will check.\n```tool_call\n{"name": "grep", "arguments": {"pattern": "TODO"}}\n```\nthanks', known);
    assert.deepEqual(parsed, { kind: 'call', name: 'grep', arguments: { pattern: 'TODO' } });
  });

  it('tolerates trailing commas, a missing closing fence and "parameters"', () => {
    assert.deepEqual(parseTextToolCall('```tool_call\n{"name": "read_file", "parameters": {"path": "a.ts",},}', known), {
      kind: 'call',
      name: 'read_file',
      arguments: { path: 'a.ts' },
    });
  });

  it('decodes arguments sent as a JSON string', () => {
    assert.deepEqual(parseTextToolCall('```tool_call\n{"name": "read_file", "arguments": "{\\"path\\": \\"b.ts\\"}"}\n```', known), {
      kind: 'call',
      name: 'read_file',
      arguments: { path: 'b.ts' },
    });
  });

  it('reports bad JSON inside an explicit block so the model can fix it', () => {
    const parsed = parseTextToolCall('```tool_call\n{name: read_file}\n```', known);
    assert.equal(parsed.kind, 'malformed');
    assert.match(parsed.kind === 'malformed' ? parsed.problem : '', /not valid JSON/);
  });

  it('accepts a json fence or bare JSON only when it names a known tool', () => {
    assert.equal(parseTextToolCall('```json\n{"name": "grep", "arguments": {"pattern": "x"}}\n```', known).kind, 'call');
    assert.equal(parseTextToolCall('{"name": "grep", "arguments": {"pattern": "x"}}', known).kind, 'call');
    assert.deepEqual(parseTextToolCall('Here is a config:\n```json\n{"name": "my-app", "version": "1.0.0"}\n```', known), { kind: 'none' });
  });

  it('accepts only explicit blocks in fences-only mode', () => {
    assert.deepEqual(parseTextToolCall('{"name": "grep", "arguments": {"pattern": "x"}}', known, { fencesOnly: true }), { kind: 'none' });
    assert.equal(parseTextToolCall('<tool_call>{"name": "grep", "arguments": {"pattern": "x"}}</tool_call>', known, { fencesOnly: true }).kind, 'call');
  });

  it('finds nothing in an ordinary answer', () => {
    assert.deepEqual(parseTextToolCall('Use `Array.prototype.map`:\n```ts\n[1, 2].map((x) => x * 2);\n```', known), { kind: 'none' });
  });
});

describe('ToolCallTextFilter', () => {
  function run(chunks: string[]): string {
    const filter = new ToolCallTextFilter();
    return chunks.map((c) => filter.push(c)).join('') + filter.flush();
  }

  it('hides a tool_call block even when its marker is split across chunks', () => {
    assert.equal(run(['Checking.\n\n``', '`tool', '_call\n{"name": "grep"}', '\n```']), 'Checking.\n\n');
  });

  it('shows each token at once unless it could begin a marker, and holds only that tail', () => {
    const filter = new ToolCallTextFilter();
    assert.equal(filter.push('Reading the file'), 'Reading the file');
    assert.equal(filter.push(' now. <'), ' now. ');
    assert.equal(filter.push('b>bold</b> and `x` here.'), '<b>bold</b> and `x` here.');
    assert.equal(filter.push(' then <tool'), ' then ');
    assert.equal(filter.push('_call>{"name": "grep"}'), '');
    assert.equal(filter.push('more text after the call'), '');
    assert.equal(filter.flush(), '');
  });

  it('passes ordinary code fences through unchanged', () => {
    const answer = 'Try:\n```ts\nconst x = 1;\n```\nDone.';
    assert.equal(run(answer.split('')), answer);
  });
});

describe('validateAgainstSchema', () => {
  const readFile = BUILTIN_TOOLS[ToolName.ReadFile].parameters;
  const runCommand = BUILTIN_TOOLS[ToolName.RunCommand].parameters;

  it('accepts valid arguments and coerces quoted numbers', () => {
    assert.deepEqual(validateAgainstSchema(readFile, { path: 'a.ts', startLine: '3' }), { ok: true, value: { path: 'a.ts', startLine: 3 }, errors: [] });
  });

  it('names each missing or wrong-typed argument', () => {
    const outcome = validateAgainstSchema(readFile, { path: 42, endLine: 1.5 });
    assert.equal(outcome.ok, false);
    assert.deepEqual(outcome.errors, ['"path" must be a string, got number 42.', '"endLine" must be an integer, got number 1.5.']);
    assert.deepEqual(validateAgainstSchema(readFile, {}).errors, ['"path" is required.']);
  });

  it('checks minimum and maximum', () => {
    assert.deepEqual(validateAgainstSchema(runCommand, { command: 'ls', timeoutSeconds: 601 }).errors, ['"timeoutSeconds" must be at most 600, got 601.']);
    assert.deepEqual(validateAgainstSchema(readFile, { path: 'a', startLine: 0 }).errors, ['"startLine" must be at least 1, got 0.']);
  });

  it('checks enums, array items, nested objects and unknown properties when closed', () => {
    const schema = {
      type: 'object' as const,
      properties: {
        mode: { type: 'string' as const, enum: ['fast', 'slow'] },
        files: { type: 'array' as const, items: { type: 'string' as const } },
        range: { type: 'object' as const, properties: { start: { type: 'integer' as const } }, required: ['start'] },
      },
      additionalProperties: false,
    };
    const outcome = validateAgainstSchema(schema, { mode: 'medium', files: ['a', 2], range: {}, extra: true });
    assert.deepEqual(outcome.errors, [
      '"mode" must be one of "fast", "slow", got "medium".',
      '"files"[1] must be a string, got number 2.',
      '"start" is required in "range".',
      '"extra" is not a known argument; known arguments: mode, files, range.',
    ]);
  });
});
