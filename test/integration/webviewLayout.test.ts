/**
 * The chat at the width VS Code gives its sidebar by default (about 300 px),
 * laid out by a real browser (Debian's Chromium through playwright-core) from
 * the real bundle and stylesheet (dist/webview.js, dist/webview.css). What a
 * user would see as broken: a button label split over two lines, a tool
 * row's outcome cut off, the composer's hint losing its end.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { AssistantEntry, UserEntry } from '../../protocol/sessions';

const WIDTH = 300;

/** The page's `getComputedStyle`, typed for this Node-side file (the test tsconfig has no DOM library). */
declare const css: (e: unknown) => { lineHeight: string; display: string };

describe('webview layout in a default-width sidebar (real Chromium)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let page: Page;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-layout-'));
    const dist = resolve('dist');
    // The host API is a stub: this test is about layout, not messages back to the extension.
    writeFileSync(
      join(dir, 'index.html'),
      `<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="${pathToFileURL(join(dist, 'webview.css')).href}">
<script>window.acquireVsCodeApi = () => ({ postMessage() {}, getState() { return undefined; }, setState() {} }); window.css = (e) => getComputedStyle(e);</script></head>
<body><div id="root"></div><script src="${pathToFileURL(join(dist, 'webview.js')).href}"></script></body></html>`,
    );
    browser = await chromium.launch({ executablePath: process.env.HEARTH_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--allow-file-access-from-files'] });
    page = await browser.newPage({ viewport: { width: WIDTH, height: 800 } });
    await page.goto(pathToFileURL(join(dir, 'index.html')).href);
    const user: UserEntry = { kind: 'user', id: 'u0', text: 'Rename the helper and run the tests.', context: [], at: 1 };
    const answer: AssistantEntry = {
      kind: 'assistant',
      id: 'a0',
      replyTo: 'u0',
      model: 'qwen2.5-coder:7b',
      state: 'done',
      doneReason: 'stop',
      at: 2,
      usage: { promptTokens: 900, completionTokens: 120, totalDurationMs: 4200 },
      parts: [
        {
          kind: 'toolCall',
          call: { id: 'c1', name: 'edit_file', arguments: { path: 'src/components/navigation/SidebarNavigationItem.tsx', oldText: 'helper', newText: 'formatLabel' } },
          result: { callId: 'c1', name: 'edit_file', content: 'Edited src/components/navigation/SidebarNavigationItem.tsx', isError: false, durationMs: 1234 },
        },
        { kind: 'text', text: 'Renamed the helper.' },
      ],
    };
    await page.evaluate((session) => (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage({ type: 'session', session }, '*'), { summary: { id: 's1', title: 'Rename', createdAt: 0, updatedAt: 0, messageCount: 2 }, entries: [user, answer] });
    await page.waitForSelector('[data-testid="undo-turn"]');
  });

  after(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps "Undo changes" on one line, inside the sidebar', async () => {
    const box = await page.$eval('[data-testid="undo-turn"]', (b) => {
      const label = [...b.querySelectorAll('span')].find((s) => s.textContent === 'Undo changes')!;
      const r = b.getBoundingClientRect();
      return { lines: label.getClientRects().length, labelHeight: label.getBoundingClientRect().height, lineHeight: parseFloat(css(label).lineHeight) || 16, right: r.right };
    });
    assert.equal(box.lines, 1);
    assert.ok(box.labelHeight < box.lineHeight * 1.5, `the label is ${box.labelHeight}px tall: it wrapped`);
    assert.ok(box.right <= WIDTH, `the button ends at ${box.right}px, past the ${WIDTH}px sidebar`);
  });

  it('shows a tool row\'s outcome and duration in full; only the arguments give way', async () => {
    const row = await page.$eval('[data-testid="tool-row"] .tool-summary', (s) => {
      const part = (sel: string) => {
        const e = s.querySelector(sel)!;
        const r = e.getBoundingClientRect();
        return { right: r.right, width: r.width, clipped: e.scrollWidth > e.clientWidth + 1 };
      };
      return { summary: s.getBoundingClientRect().right, outcome: part('.tool-result-summary'), duration: part('.tool-duration'), args: part('.tool-args') };
    });
    assert.ok(row.duration.width > 0 && row.duration.right <= row.summary + 0.5, 'the duration is visible');
    assert.equal(row.duration.clipped, false);
    assert.ok(row.outcome.width > 40, `the outcome has room (${row.outcome.width}px)`);
    assert.ok(row.args.clipped, 'the long path is what gets the ellipsis');
  });

  it('shows the composer hint whole', async () => {
    const hint = await page.$eval('.composer-hint', (e) => {
      const r = e.getBoundingClientRect();
      return { display: css(e).display, clipped: e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1, right: r.right, text: e.textContent };
    });
    assert.notEqual(hint.display, 'none');
    assert.equal(hint.clipped, false, `"${hint.text}" is cut off`);
    assert.ok(hint.right <= WIDTH);
  });
  it('keeps the mode switch and the header’s buttons inside the sidebar, each mode on one line', async () => {
    await page.evaluate((models) => (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage(models, '*'), {
      type: 'models',
      models: [{ name: 'qwen2.5-coder:7b' }],
      selected: 'qwen2.5-coder:7b',
      host: 'http://127.0.0.1:11434',
    });
    const boxes = await page.$$eval('.header [data-testid^="mode-"], .header [data-testid="history-button"], .header [data-testid="model-picker"]', (els) =>
      els.map((e) => {
        const r = e.getBoundingClientRect();
        return { id: e.getAttribute('data-testid'), right: r.right, height: r.height };
      }),
    );
    assert.deepEqual(boxes.map((b) => b.id).filter((id) => id?.startsWith('mode-')), ['mode-switch', 'mode-ask', 'mode-plan', 'mode-agent']);
    for (const b of boxes) assert.ok(b.right <= WIDTH, `${b.id} ends at ${b.right}px, past the ${WIDTH}px sidebar`);
    const modeHeights = boxes.filter((b) => b.id?.startsWith('mode-') && b.id !== 'mode-switch').map((b) => b.height);
    assert.ok(modeHeights.every((h) => h < 30), `a mode label wrapped: heights ${modeHeights.join(', ')}`);
    // The chosen model's name is readable: the picker is wider than the name in its own font, plus its arrow.
    const picker = await page.$eval('.header [data-testid="model-picker"]', (e) => {
      const select = e as HTMLSelectElement;
      const context = document.createElement('canvas').getContext('2d')!;
      context.font = getComputedStyle(select).font;
      return { width: select.clientWidth, text: context.measureText(select.selectedOptions[0]?.text ?? '').width };
    });
    assert.ok(picker.width >= picker.text + 24, `the model picker is ${picker.width}px wide for a ${Math.round(picker.text)}px name: it shows only the first letters`);
  });

  it('offers Edit on a message, in its corner, but not while an answer streams', async () => {
    const shown = () => page.$$eval('[data-testid="edit-message"]', (els) => els.map((e) => css(e).display !== 'none'));
    assert.deepEqual(await shown(), [true]);
    await page.evaluate((m) => (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage(m, '*'), {
      type: 'turnStarted',
      sessionId: 's1',
      userEntryId: 'u1',
      assistantEntryId: 'a1',
      retry: false,
      input: { text: 'And document it.', context: [] },
    });
    await page.waitForSelector('.composer[data-mode="streaming"]');
    assert.deepEqual(await shown(), [false, false], 'while the answer streams, no message offers Edit');
  });
});
