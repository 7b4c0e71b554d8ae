/**
 * The language server's side of the team server's McpService.Complete: what
 * it sends, and that a hostile team server's answer (a million values, huge
 * or multi-line ones, repeats, a nonsense total) reaches the user bounded as
 * a local MCP server's answer is, without a process.
 */
import assert from 'node:assert/strict';
import type { CompleteMcpArgumentRequest } from '../../protocol/generated/hearth/v1/CompleteMcpArgumentRequest';
import type { CompleteMcpArgumentResponse__Output } from '../../protocol/generated/hearth/v1/CompleteMcpArgumentResponse';
import { MAX_COMPLETION_VALUES } from '../../agent-host';
import { RemoteMcpClient } from '../../language-server/remote/remoteMcpClient';
import type { TeamConnection } from '../../language-server/remote/teamConnection';

/** A RemoteMcpClient whose team server answers every Complete with `answer`, recording what it was sent. */
function clientAnswering(answer: CompleteMcpArgumentResponse__Output): { client: RemoteMcpClient; sent: CompleteMcpArgumentRequest[] } {
  const sent: CompleteMcpArgumentRequest[] = [];
  const connection = {
    mcp: {
      Complete(req: CompleteMcpArgumentRequest, _md: unknown, _options: unknown, cb: (err: null, res: CompleteMcpArgumentResponse__Output) => void) {
        sent.push(req);
        queueMicrotask(() => cb(null, answer));
        return { cancel() {} };
      },
    },
  } as unknown as TeamConnection;
  const unary = <T>(start: (md: never, cb: (err: unknown, res?: T) => void) => unknown) =>
    new Promise<T>((resolve, reject) => start(undefined as never, (err, res) => (err ? reject(err as Error) : resolve(res as T))));
  return { client: new RemoteMcpClient(connection, unary as never), sent };
}

describe('RemoteMcpClient.complete: the team server\'s suggestions', () => {
  it('asks about one prompt argument or template variable with the values already filled', async () => {
    const { client, sent } = clientAnswering({ values: ['Sales'], has_more: false });
    await client.complete('docs', { ref: { type: 'prompt', name: 'completable-prompt' }, argument: { name: 'department', value: 'S' }, context: { name: 'Iris' } });
    await client.complete('docs', { ref: { type: 'resourceTemplate', uriTemplate: 'demo://x/{id}' }, argument: { name: 'id', value: '' } });
    assert.deepEqual(sent, [
      { server: 'docs', prompt: 'completable-prompt', argument: 'department', value: 'S', context: { name: 'Iris' } },
      { server: 'docs', uri_template: 'demo://x/{id}', argument: 'id', value: '', context: {} },
    ]);
  });

  it('bounds a hostile answer: at most 100 one-line values of sane length, each once, and says there are more', async () => {
    const values = [
      'x'.repeat(10_000_000),
      'line one\nline two',
      'bell\u0007',
      'split\u2028here',
      '',
      'ok-0',
      'ok-0',
      ...Array.from({ length: 1_000_000 }, (_, i) => `v${i}`),
    ];
    const { client } = clientAnswering({ values, has_more: false, total: -5 });
    const started = Date.now();
    const result = await client.complete('docs', { ref: { type: 'prompt', name: 'p' }, argument: { name: 'a', value: '' } });
    assert.equal(result.values.length, MAX_COMPLETION_VALUES);
    assert.deepEqual(result.values.slice(0, 3), ['ok-0', 'v0', 'v1']);
    assert.ok(result.values.every((v) => v.length <= 500 && !v.includes('\n') && !v.includes('\u0007') && !v.includes('\u2028')));
    assert.equal(result.hasMore, true, 'the cut list tells the user to type more');
    assert.equal('total' in result, false, 'a negative total is dropped');
    assert.ok(Date.now() - started < 2_000, 'the rest of the million values is not looked at');
  });

  it('keeps the team server\'s own count and "more" when they make sense', async () => {
    const { client } = clientAnswering({ values: ['a', 'b'], has_more: true, total: 40 });
    assert.deepEqual(await client.complete('docs', { ref: { type: 'prompt', name: 'p' }, argument: { name: 'a', value: '' } }), { values: ['a', 'b'], hasMore: true, total: 40 });
  });
});
