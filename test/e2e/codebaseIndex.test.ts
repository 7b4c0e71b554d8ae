/**
 * The local index in a real VS Code (code-server with the packaged .vsix):
 * the one Hearth index item in the status bar shows indexing progress while
 * the workspace is embedded by the scripted model, then a finished state;
 * and `@codebase <question>`, picked from the composer's mention list,
 * reaches the model with the chunk of the file that answers it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { DEFAULT_MODELS, NOMIC_EMBED_TEXT } from '../fixtures/ollamaFixture';
import { useOllamaFixture } from './support/useOllamaFixture';
import { REPO_ROOT } from './support/codeServer';
import { chatAnswers, openHearth, until, untilAnswerDone } from './support/workbench';
import { useHearthInVsCode } from './support/useHearthInVsCode';

const MODEL = 'qwen2.5-coder:7b';
const RESULTS = path.join(REPO_ROOT, 'test-results');
/** Enough files, each embedded slowly, that progress stays on screen for several seconds. */
const FILLER_FILES = 50;

describe('Hearth codebase index in a real VS Code (e2e)', function () {
  this.timeout(240_000);
  let chat: Frame;
  before(() => fs.mkdirSync(RESULTS, { recursive: true }));
  const fixture = useOllamaFixture({ models: [...DEFAULT_MODELS, { ...NOMIC_EMBED_TEXT, embedDelayMs: 250 }] });
  const vscode = useHearthInVsCode({
    settings: () => ({ 'hearth.ollama.host': fixture.url, 'hearth.chat.model': MODEL, 'hearth.codebaseSearch.embeddingModel': 'nomic-embed-text' }),
    prepareWorkspace: (workspace) => {
      fs.mkdirSync(path.join(workspace, 'src', 'util'), { recursive: true });
      fs.writeFileSync(
        path.join(workspace, 'src', 'invoiceTotals.ts'),
        [
          '/** Sums the invoice lines and applies the regional sales tax. */',
          'export function invoiceTotalWithTax(lines: { amount: number }[], taxRate: number): number {',
          '  const subtotal = lines.reduce((sum, line) => sum + line.amount, 0);',
          '  return Math.round(subtotal * (1 + taxRate) * 100) / 100;',
          '}',
          '',
        ].join('\n'),
      );
      for (let i = 0; i < FILLER_FILES; i++) {
        fs.writeFileSync(path.join(workspace, 'src', 'util', `helper${i}.ts`), `/** Formats widget number ${i} for the dashboard. */\nexport function formatWidget${i}(name: string): string {\n  return name.padStart(${i + 2});\n}\n`);
      }
    },
  });

  it('shows indexing progress in one status-bar item, then a finished state', async () => {
    const page = vscode.wb.page;
    const item = page.locator('.statusbar-item', { hasText: /Indexing|Indexed/ });
    const progress = await until(async () => {
      const text = (await item.first().textContent().catch(() => null)) ?? '';
      return /Indexing (symbols|codebase) \d+\/\d+|Indexing…/.test(text) ? text : undefined;
    }, 'the index item to show progress', 60_000);
    assert.match(progress, /Indexing/);
    await page.screenshot({ path: path.join(RESULTS, 'index-status-progress.png') });
    // The same item (there is only one for both indexes) turns into the finished state.
    await until(async () => ((await item.first().textContent().catch(() => null)) ?? '').includes('Indexed') || undefined, 'the index item to show a finished state', 120_000);
    assert.equal(await page.locator('.statusbar-item', { hasText: /Indexing|Indexed|Index:/ }).count(), 1, 'one status-bar item for both indexes');
    const embeds = fixture.requests.filter((r) => r.path === '/api/embed');
    assert.ok(embeds.length >= FILLER_FILES, `every file was embedded by the scripted model (${embeds.length} requests)`);
    await page.screenshot({ path: path.join(RESULTS, 'index-status-done.png') });
  });

  it('@codebase <question> in the composer reaches the model with the retrieved snippet', async () => {
    chat = await openHearth(vscode.wb.page);
    const composer = chat.locator('[data-testid="composer"]');
    await composer.waitFor({ state: 'visible' });
    await composer.click();
    await composer.pressSequentially('@codeb');
    const suggestion = chat.locator('[data-testid="mention-suggestion"][data-path="codebase"]');
    await suggestion.waitFor({ state: 'visible', timeout: 30_000 });
    await suggestion.click();
    await composer.pressSequentially('how is the invoice total with tax computed?');
    fixture.enqueue({ kind: 'text', text: 'invoiceTotalWithTax sums the lines and applies the tax rate.' });
    const before = fixture.requests.length;
    const answersBefore = await chatAnswers(chat).count();
    await composer.press('Enter');
    const request = await fixture.waitFor((r) => r.id > before && r.path === '/api/chat', 60_000);
    const body = await until(async () => request.body ?? undefined, 'the chat request’s body');
    const user = [...body.messages].reverse().find((m: { role: string }) => m.role === 'user');
    assert.match(user.content, /Codebase search results for: how is the invoice total with tax computed\?/);
    assert.match(user.content, /src\/invoiceTotals\.ts:1-\d+/, 'the file that answers is attached with its lines');
    assert.match(user.content, /const subtotal = lines\.reduce/, 'with its current text');
    await untilAnswerDone(chat, answersBefore);
    await vscode.wb.page.screenshot({ path: path.join(RESULTS, 'codebase-mention.png') });
  });
});
