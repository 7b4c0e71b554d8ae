/**
 * The chat webview in a long session, in real Chromium (playwright-core, the
 * browser the e2e tests use): dist/webview.js and dist/webview.css in a page
 * with a stand-in for VS Code's webview API. For each session length it opens
 * a chat of that many turns (each answer a heading, a list and a highlighted
 * 30-line code block) and then streams a 2,000-token answer into it, four
 * tokens every 8 ms, as a fast local model does.
 *
 * Each row is measured twice, side by side: as shipped, where a message off
 * screen is not laid out (chat.css, content-visibility), and with every
 * message laid out (`eager`), as before. Figures: how long opening the chat
 * took until painted, whether the view was then at the end, the streamed
 * frames' gaps (p50, p95, max) and how long the stream took to be shown
 * (its floor is the 4 s the events take to arrive). Prints JSON.
 *
 *   node esbuild.mjs --tests && node out/bench/chatTranscript.bench.mjs
 *   BENCH_TURNS=100,300 (default) and HEARTH_CHROMIUM (default /usr/bin/chromium).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium } from 'playwright-core';

const TURNS = (process.env.BENCH_TURNS ?? '100,300').split(',').map(Number);
const DIST = path.resolve('dist');
const EAGER_CSS = '.entries > .message { content-visibility: visible; }';

function session(turns: number): unknown {
  const code = '```ts\n' + Array.from({ length: 30 }, (_, i) => `export function f${i}(a: number, b: string): string { return b.repeat(a) + "${i}"; }`).join('\n') + '\n```';
  const entries: unknown[] = [];
  for (let i = 0; i < turns; i++) {
    entries.push({ kind: 'user', id: `u${i}`, text: `Question ${i}: how does this work?`, context: [], at: i });
    entries.push({
      kind: 'assistant',
      id: `a${i}`,
      replyTo: `u${i}`,
      model: 'm',
      state: 'done',
      doneReason: 'stop',
      at: i,
      parts: [{ kind: 'text', text: `## Answer ${i}\n\nHere is **the** explanation with \`code\` and a list:\n\n- one\n- two\n\n${code}\n\nThat is all.` }],
    });
  }
  return { summary: { id: 's1', title: 'long chat', createdAt: 0, updatedAt: 0, messageCount: entries.length }, entries };
}

interface Row {
  turns: number;
  layout: 'shipped' | 'eager';
  openMs: number;
  atEndAfterOpen: boolean;
  frameGapMs: { p50: number; p95: number; max: number };
  streamShownMs: number;
}

async function measure(turns: number, layout: Row['layout']): Promise<Row> {
  const browser = await chromium.launch({ executablePath: process.env.HEARTH_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  try {
    // The sidebar's size.
    const page = await browser.newPage({ viewport: { width: 400, height: 900 } });
    const css = fs.readFileSync(path.join(DIST, 'webview.css'), 'utf8') + (layout === 'eager' ? EAGER_CSS : '');
    await page.setContent(`<html><head><style>${css}</style></head><body><div id="root"></div></body></html>`);
    await page.evaluate(() => {
      (window as unknown as { acquireVsCodeApi: unknown }).acquireVsCodeApi = () => ({ postMessage() {}, getState() {}, setState() {} });
    });
    await page.addScriptTag({ content: fs.readFileSync(path.join(DIST, 'webview.js'), 'utf8') });
    const open = await page.evaluate(async (shown) => {
      const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
      const t0 = performance.now();
      window.postMessage({ type: 'session', session: shown }, '*');
      await new Promise((resolve) => setTimeout(resolve, 0));
      await frame();
      await frame();
      const openMs = performance.now() - t0;
      const t = document.querySelector('[data-testid="transcript"]')!;
      return { openMs, atEnd: t.scrollHeight - t.clientHeight - t.scrollTop <= 1 };
    }, session(turns));
    const stream = await page.evaluate(async () => {
      window.postMessage({ type: 'turnStarted', sessionId: 's1', userEntryId: 'ux', assistantEntryId: 'ax', retry: false, input: { text: 'go', context: [] } }, '*');
      await new Promise((resolve) => setTimeout(resolve, 10));
      const gaps: number[] = [];
      let last = performance.now();
      let running = true;
      const tick = () => {
        const now = performance.now();
        gaps.push(now - last);
        last = now;
        if (running) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      const t0 = performance.now();
      for (let i = 0; i < 2000; i++) {
        window.postMessage({ type: 'event', sessionId: 's1', entryId: 'ax', event: { type: 'text', delta: i % 40 === 39 ? 'word.\n\n' : 'word ' } }, '*');
        if (i % 4 === 3) await new Promise((resolve) => setTimeout(resolve, 8));
      }
      window.postMessage({ type: 'event', sessionId: 's1', entryId: 'ax', event: { type: 'done', reason: 'stop' } }, '*');
      const answer = () => document.querySelector('[data-entry-id="ax"]');
      while (answer()?.getAttribute('data-state') !== 'done') await new Promise((resolve) => requestAnimationFrame(resolve));
      const shownMs = performance.now() - t0;
      running = false;
      gaps.sort((a, b) => a - b);
      return { shownMs, p50: gaps[Math.floor(gaps.length / 2)], p95: gaps[Math.floor(gaps.length * 0.95)], max: gaps[gaps.length - 1] };
    });
    const round = (n: number) => Math.round(n * 10) / 10;
    return {
      turns,
      layout,
      openMs: Math.round(open.openMs),
      atEndAfterOpen: open.atEnd,
      frameGapMs: { p50: round(stream.p50), p95: round(stream.p95), max: round(stream.max) },
      streamShownMs: Math.round(stream.shownMs),
    };
  } finally {
    await browser.close();
  }
}

const rows: Row[] = [];
for (const turns of TURNS) for (const layout of ['shipped', 'eager'] as const) rows.push(await measure(turns, layout));
console.log(JSON.stringify({ rows }, null, 2));
