/**
 * Rules files on a small context window, through the real language server
 * and the scripted Ollama: a repository whose rules files alone would fill
 * the window still gets answers. The rules take a share of the window, the
 * earliest files first, and the model and the user are told what was cut.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ChatSendRequest } from '../../protocol/lspMethods';
import { chatRequests } from '../fixtures/ollamaFixture';
import { useLanguageServerWorkspace } from './languageServerWorkspace';

const MODEL = 'small-context:1b';

describe('rules files within the context window (integration)', function () {
  this.timeout(30_000);
  const lsp = useLanguageServerWorkspace('rules-budget', { ollama: { models: [{ name: MODEL, contextLength: 4096 }] } });

  it('rules files longer than the window allows are cut to their share, and the user is told which', async () => {
    // Each file is just under the 8 KB cap, so only the window's share can keep them from filling a 4096-token window.
    const rule = (name: string) => `${name}-START\n${`${name} says: keep the code tidy and tested.\n`.repeat(180)}${name}-END\n`.slice(0, 8000);
    fs.writeFileSync(path.join(lsp.workspace, 'AGENTS.md'), rule('AGENTS'));
    fs.writeFileSync(path.join(lsp.workspace, 'CLAUDE.md'), rule('CLAUDE'));
    fs.mkdirSync(path.join(lsp.workspace, '.github'));
    fs.writeFileSync(path.join(lsp.workspace, '.github', 'copilot-instructions.md'), rule('COPILOT'));
    const client = await lsp.start(MODEL);
    const fixture = lsp.ollama;
    fixture.enqueue({ kind: 'text', text: 'Answer.' });

    const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'hi', context: [] } });
    await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done');
    const events = client.events.filter((e) => e.entryId === started.assistantEntryId).map((e) => e.event);
    assert.ok(!events.some((e) => e.type === 'error'), JSON.stringify(events.filter((e) => e.type === 'error')));
    assert.ok(events.some((e) => e.type === 'text' && e.delta === 'Answer.'), 'the turn is answered');
    const warning = events.find((e) => e.type === 'status' && /rules files/.test(e.message));
    assert.ok(warning?.type === 'status' && warning.level === 'warning', 'the user is told the rules were cut');
    assert.match(warning.message, /shortened AGENTS\.md and left out CLAUDE\.md and \.github\/copilot-instructions\.md/);

    const system = (chatRequests(fixture)[0].body.messages as { content: string }[])[0].content;
    assert.match(system, /AGENTS-START/, 'the first rules file keeps its start');
    assert.doesNotMatch(system, /COPILOT-END/);
    assert.match(system, /The rest of AGENTS\.md was left out to fit the context window/, 'the model is told the rules were cut');
    assert.match(system, /Left out to fit the context window: CLAUDE\.md, \.github\/copilot-instructions\.md\./, 'and which files it does not see');
  });
});
