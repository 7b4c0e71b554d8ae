/**
 * Sub-agents in a real VS Code: the agent's run_subagents call shows one card
 * per sub-agent under the call, each with its role, model (when it is not the reply's) and task, its tool
 * calls as they happen, and its report when it completes.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { startOllamaFixture, type OllamaFixture, type RecordedRequest, type ScriptedReply } from '../fixtures/ollamaFixture';
import { REPO_ROOT } from './support/codeServer';
import { openHearth, until, sendChatMessage } from './support/workbench';
import { useHearthInVsCode } from './support/useHearthInVsCode';

const MODEL = 'qwen2.5-coder:7b';
const RESULTS = path.join(REPO_ROOT, 'test-results');
const systemOf = (r: RecordedRequest): string => r.body?.messages?.[0]?.content ?? '';

/** Two explorers, each grepping the real workspace once and then reporting; the main agent then answers. */
function team(r: RecordedRequest): ScriptedReply {
  const last = r.body.messages.at(-1);
  if (/explorer sub-agent/.test(systemOf(r))) {
    const word = /find (\w+)/.exec(r.body.messages[1].content)?.[1] ?? 'x';
    return last.role === 'tool'
      ? { kind: 'text', text: `Found ${word} in src/math.js.`, tokenDelayMs: 30 }
      : { kind: 'toolCalls', calls: [{ name: 'grep', arguments: { pattern: word } }], tokenDelayMs: 30 };
  }
  if (last.role === 'tool') return { kind: 'text', text: 'Both functions live in src/math.js.' };
  return { kind: 'toolCalls', calls: [{ name: 'run_subagents', arguments: { agents: [{ role: 'explorer', task: 'find add' }, { role: 'explorer', task: 'find sub' }] } }] };
}

describe('Hearth sub-agents in a real VS Code (e2e)', function () {
  this.timeout(180_000);
  let fixture: OllamaFixture;
  let chat: Frame;
  before(async () => {
    fs.mkdirSync(RESULTS, { recursive: true });
    fixture = await startOllamaFixture();
    fixture.setResponder(team);
  });
  after(async () => fixture?.close());
  const vscode = useHearthInVsCode({
    settings: () => ({ 'hearth.ollama.host': fixture.url, 'hearth.chat.model': MODEL }),
    prepareWorkspace: (workspace) => {
      fs.mkdirSync(path.join(workspace, 'src'));
      fs.writeFileSync(path.join(workspace, 'src', 'math.js'), 'export function add(a, b) { return a + b; }\nexport function sub(a, b) { return a - b; }\n');
    },
  });

  it('shows a card per sub-agent that fills in as it works and completes with its report', async () => {
    chat = await openHearth(vscode.wb.page);
    await chat.locator('[data-testid="composer"]').waitFor({ state: 'visible' });
    await sendChatMessage(chat, 'Where are add and sub?');
    const answer = chat.locator('[data-testid="assistant-message"]').last();
    const cards = answer.locator('[data-testid="subagent-card"]');
    await until(async () => (await cards.count()) === 2, 'two sub-agent cards', 60_000);
    await until(async () => (await answer.getAttribute('data-state')) === 'done', 'the answer to finish', 60_000);
    for (const [i, word] of ['add', 'sub'].entries()) {
      const card = cards.nth(i);
      assert.equal(await card.getAttribute('data-role'), 'explorer');
      assert.equal(await card.getAttribute('data-state'), 'stop');
      assert.equal(await card.locator('[data-testid="subagent-task"]').innerText(), `find ${word}`);
      assert.match(await card.locator('[data-testid="subagent-state"]').innerText(), /^done · .* · 1 tool call$/);
      assert.equal(await card.locator('[data-testid="tool-row"]').count(), 1, 'its grep shows inside its card');
      assert.match(await card.locator('[data-testid="subagent-result"]').innerText(), new RegExp(`Found ${word} in src/math\\.js\\.`));
    }
    assert.match(await answer.innerText(), /Both functions live in src\/math\.js\./);
    // The greps ran in the real workspace through the language server's tools, and their results reached the explorers.
    const reports = fixture.requests.filter((r) => r.path === '/api/chat' && /explorer sub-agent/.test(systemOf(r)) && r.body.messages.at(-1).role === 'tool');
    assert.equal(reports.length, 2);
    assert.ok(reports.every((r) => /src\/math\.js/.test(r.body.messages.at(-1).content)));
    await vscode.wb.page.screenshot({ path: path.join(RESULTS, 'subagents.png') });
  });
});
