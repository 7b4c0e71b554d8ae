/**
 * Chat modes and rules files in a real VS Code (code-server with the packaged
 * .vsix): switch to Plan in the chat header, get a plan made with read-only
 * tools, run it in Agent mode (the plan lands in the composer, editable, and
 * goes out with every tool), and the workspace's AGENTS.md reaches the
 * model's system prompt, shown as a chip above the input.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { type RecordedRequest } from '../fixtures/ollamaFixture';
import { useOllamaFixture } from './support/useOllamaFixture';
import { chatAnswers, openHearth, until, untilAnswerDone, sendChatMessage } from './support/workbench';
import { useHearthInVsCode } from './support/useHearthInVsCode';

const MODEL = 'qwen2.5-coder:7b';
const PLAN = '1. Open src/math.js.\n2. Change `a - b` to `a + b` in add().\n3. Run the tests.';
const offered = (r: RecordedRequest): string[] => (r.body.tools ?? []).map((t: { function: { name: string } }) => t.function.name);

describe('Hearth chat modes and rules files in a real VS Code (e2e)', function () {
  this.timeout(180_000);
  let chat: Frame;
  const fixture = useOllamaFixture();
  const vscode = useHearthInVsCode({
    settings: () => ({ 'hearth.ollama.host': fixture.url, 'hearth.chat.model': MODEL }),
    prepareWorkspace: (workspace) => {
      fs.mkdirSync(path.join(workspace, 'src'));
      fs.writeFileSync(path.join(workspace, 'src', 'math.js'), 'export function add(a, b) {\n  return a - b;\n}\n');
      fs.writeFileSync(path.join(workspace, 'AGENTS.md'), 'E2E-RULE: always run the tests after a change.\n');
    },
  });

  const lastAnswer = () => chat.locator('[data-testid="assistant-message"]').last();

  it('Plan mode makes a plan with read-only tools under AGENTS.md; Run in Agent mode sends the edited plan with every tool', async () => {
    chat = await openHearth(vscode.wb.page);
    await chat.locator('[data-testid="composer"]').waitFor({ state: 'visible' });
    const chip = chat.locator('[data-testid="rules-chip"][data-path="AGENTS.md"]');
    await chip.waitFor({ state: 'visible', timeout: 30_000 });

    await chat.locator('[data-testid="mode-plan"]').click();
    await until(async () => (await chat.locator('[data-testid="mode-plan"]').getAttribute('aria-pressed')) === 'true', 'Plan mode to show as chosen');
    fixture.enqueue({ kind: 'text', text: PLAN });
    const before = fixture.requests.length;
    await sendChatMessage(chat, 'Plan the fix for add()');
    const planRequest = await fixture.waitFor((r) => r.id > before && r.path === '/api/chat', 30_000);
    await until(async () => (planRequest.body && (await lastAnswer().getAttribute('data-state')) === 'done' ? true : undefined), 'the plan to finish');
    const system: string = planRequest.body.messages[0].content;
    assert.match(system, /Plan mode/);
    assert.match(system, /E2E-RULE: always run the tests after a change\./, 'AGENTS.md reaches the system prompt');
    // The read-only built-ins (the symbol index and codebase search among them) and the core's own run_subagents and update_todos, which change nothing.
    assert.deepEqual(offered(planRequest), ['read_file', 'list_dir', 'glob', 'grep', 'get_problems', 'find_symbol', 'codebase_search', 'fetch_web_page', 'run_subagents', 'update_todos']);

    await lastAnswer().locator('[data-testid="run-plan"]').click();
    await until(async () => (await chat.locator('[data-testid="mode-agent"]').getAttribute('aria-pressed')) === 'true', 'Agent mode to show as chosen');
    const composer = chat.locator('[data-testid="composer"]');
    assert.match(await composer.inputValue(), /^Carry out this plan:\n\n1\. Open src\/math\.js\./);
    // The user edits the plan before sending it.
    await composer.press('Control+End');
    await composer.press('Shift+Enter');
    await composer.pressSequentially('4. Keep the commit small.');
    fixture.enqueue({ kind: 'text', text: 'Following the plan.' });
    const beforeRun = fixture.requests.length;
    const answersBefore = await chatAnswers(chat).count();
    await chat.locator('[data-testid="send"]').click();
    const runRequest = await fixture.waitFor((r) => r.id > beforeRun && r.path === '/api/chat', 30_000);
    // The request is recorded when it arrives; its body is parsed a moment later.
    await until(async () => (runRequest.body ? true : undefined), 'the agent request’s body');
    assert.ok(offered(runRequest).includes('write_file') && offered(runRequest).includes('run_command'), `Agent mode offers every tool: ${offered(runRequest).join(', ')}`);
    const lastUser = [...runRequest.body.messages].reverse().find((m: { role: string }) => m.role === 'user');
    assert.match(lastUser.content, /Change `a - b` to `a \+ b`/);
    assert.match(lastUser.content, /4\. Keep the commit small\./, 'the user’s edit went with the plan');
    await untilAnswerDone(chat, answersBefore);
  });
});
