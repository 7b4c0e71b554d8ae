/**
 * A tool result far larger than the context window, through the real
 * language server (its read_file) and the scripted Ollama: the model gets as
 * much of it as the window has room for, with an honest note of what was cut
 * and how to get the rest, and the request still fits.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ChatSendRequest } from '../../protocol/lspMethods';
import { chatRequests } from '../fixtures/ollamaFixture';
import { useLanguageServerWorkspace } from './languageServerWorkspace';

const MODEL = 'mid-context:3b';

describe('the newest tool output within the context window (integration)', function () {
  this.timeout(30_000);
  const lsp = useLanguageServerWorkspace('newest-output', { ollama: { models: [{ name: MODEL, contextLength: 8192 }] } });

  it('a read far larger than the window keeps what the room allows, says what was cut, and the request fits', async () => {
    // About 70 KB: read_file returns it whole (under its 100 KB limit), some 20,000 tokens for an 8192-token window.
    const lines = Array.from({ length: 1500 }, (_, i) => `export const value${i} = computeSomething(${i}, 'abc');`);
    fs.writeFileSync(path.join(lsp.workspace, 'big.ts'), `${lines.join('\n')}\n`);
    const client = await lsp.start(MODEL);
    const fixture = lsp.ollama;
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: 'big.ts' } }] }, { kind: 'text', text: 'Done.' });

    const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'read big.ts', context: [] } });
    await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done');
    const events = client.events.filter((e) => e.entryId === started.assistantEntryId).map((e) => e.event);
    assert.ok(!events.some((e) => e.type === 'error'), JSON.stringify(events.filter((e) => e.type === 'error')));
    assert.ok(events.some((e) => e.type === 'text' && e.delta === 'Done.'), 'the turn is answered');

    const requests = chatRequests(fixture);
    assert.equal(requests.length, 2);
    assert.equal(requests[1].outcome, 'completed', 'Ollama took the request: it fits');
    const tool = (requests[1].body.messages as { role: string; content: string }[]).find((m) => m.role === 'tool');
    assert.ok(tool);
    // The window has room for some 10,000 characters of it after the tools and the prompt; an old output keeps 900.
    assert.ok(tool.content.length > 9000, `the model sees ${tool.content.length} characters of the read`);
    assert.match(tool.content, /^big\.ts: lines 1-1500 of 1500/, 'the start is kept');
    assert.match(tool.content, /1500\texport const value1499/, 'and the end');
    assert.match(tool.content, /\[… \d+ characters of this tool output were removed to fit the context window; ask for a smaller part \(a line range/);
    const warning = events.find((e) => e.type === 'status' && /cut the newest tool output to what fits/.test(e.message));
    assert.ok(warning, 'the user is told');
  });
});
