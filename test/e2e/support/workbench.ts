/**
 * Drives the VS Code workbench in Debian's Chromium with playwright-core.
 * Chromium gets no network beyond loopback (the background-networking flags);
 * playwright gives each launch a fresh, temporary profile.
 */
import { chromium, type Browser, type Frame, type Locator, type Page } from 'playwright-core';

export interface Workbench {
  browser: Browser;
  page: Page;
  /** The page's console warnings and errors and its uncaught exceptions, for failure evidence. */
  consoleLog: string[];
  close(): Promise<void>;
}

export async function openWorkbench(url: string): Promise<Workbench> {
  const browser = await chromium.launch({
    executablePath: process.env.HEARTH_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const consoleLog: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') consoleLog.push(`[${new Date().toISOString()}] ${message.type()} ${message.text()}`);
  });
  page.on('pageerror', (error) => consoleLog.push(`[${new Date().toISOString()}] uncaught ${error.stack ?? error.message}`));
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench .part.activitybar', { timeout: 90_000 });
  return {
    browser,
    page,
    consoleLog,
    async close() {
      await browser.close();
    },
  };
}

/**
 * Runs a command from the command palette by its title. The palette lists the
 * commands known when it opens, so right after a window reload (extensions
 * still being registered) it is closed and opened again until the command is there.
 */
export async function runCommand(page: Page, title: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  for (;;) {
    const step = Math.max(1000, Math.min(5000, deadline - Date.now()));
    try {
      await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: step });
      await input.fill(`>${title}`, { timeout: step });
      await row.waitFor({ timeout: step });
      break;
    } catch (err) {
      // The palette may also have closed on its own (focus moved while it opened): try again.
      if (Date.now() >= deadline) throw err;
      await page.keyboard.press('Escape');
    }
  }
  await page.keyboard.press('Enter');
}

/**
 * The frame holding an extension webview's own document. VS Code nests it:
 * an outer iframe (the webview host) and, inside it, the `active-frame` with
 * the extension's HTML. The test finds the frame that contains `selector`.
 */
export async function webviewFrame(page: Page, selector: string, timeoutMs = 60_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      try {
        if ((await frame.locator(selector).count()) > 0) return frame;
      } catch {
        // The frame navigated away while we looked; try the others.
      }
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`No webview frame with ${selector} appeared within ${timeoutMs} ms.`);
}

/**
 * Opens the Hearth view: by its activity-bar icon (what a user does first), or
 * with the Hearth: Focus Chat command, which always shows the view; the icon
 * toggles, and after a reload VS Code may still be restoring the sidebar.
 */
export async function openHearth(page: Page, via: 'icon' | 'command' = 'icon'): Promise<Frame> {
  if (via === 'icon') await page.locator('.part.activitybar .action-item a[aria-label^="Hearth"]').first().click();
  else await runCommand(page, 'Hearth: Focus Chat');
  return webviewFrame(page, '[data-testid="composer"]');
}

/** Polls until `check` returns a truthy value. */
export async function until<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 30_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}

/** The chat's assistant answers, oldest first. */
export function chatAnswers(chat: Frame): Locator {
  return chat.locator('[data-testid="assistant-message"]');
}

/**
 * Waits until the chat shows the answer at `index` (the number of answers the
 * chat showed before the message was sent) and that answer is done, and
 * returns it. Waiting on the last answer instead races the chat: the language
 * server asks the model and tells the chat of the new answer at about the same
 * time, so until the chat shows it the last answer is the previous turn's,
 * which is done already.
 */
export async function untilAnswerDone(chat: Frame, index: number, timeoutMs = 60_000): Promise<Locator> {
  const answers = chatAnswers(chat);
  const answer = answers.nth(index);
  await until(async () => (await answers.count()) > index && (await answer.getAttribute('data-state')) === 'done', `answer ${index + 1} to finish`, timeoutMs);
  return answer;
}

/** Types a message into the chat's composer and sends it with Enter, as a user would. */
export async function sendChatMessage(chat: Frame, text: string): Promise<void> {
  const composer = chat.locator('[data-testid="composer"]');
  await composer.click();
  await composer.fill(text);
  await composer.press('Enter');
}

/**
 * Chooses a file in VS Code's own file dialog (the "simple" dialog a browser
 * workbench shows for `showOpenDialog`) by typing its path, as a keyboard user
 * does. The dialog works asynchronously, so each step waits for it: it writes
 * its starting folder into the input once it has read that folder (a path
 * typed earlier is overwritten), and after a typed path it lists that folder
 * and focuses the row that matches the typed name (Enter before then accepts
 * another row or nothing). If the dialog is still open after Enter, the path
 * is typed again.
 */
export async function chooseInFileDialog(page: Page, filePath: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await until(async () => ((await input.inputValue()).endsWith('/') ? true : undefined), 'the file dialog to show its starting folder', timeoutMs);
  const name = filePath.split('/').pop() ?? filePath;
  const matchingRow = widget.locator('.quick-input-list .monaco-list-row.focused', { hasText: name });
  for (;;) {
    await input.fill(filePath);
    await matchingRow.waitFor({ state: 'visible', timeout: 5_000 }).catch(() => undefined);
    await input.press('Enter');
    const closed = await widget.waitFor({ state: 'hidden', timeout: 5_000 }).then(
      () => true,
      () => false,
    );
    if (closed) return;
    if (Date.now() >= deadline) throw new Error(`The file dialog did not accept ${filePath} within ${timeoutMs} ms; it shows "${await input.inputValue()}".`);
  }
}

/**
 * Waits until Hearth: List MCP Servers shows `server` running with its tools,
 * as a user would check: the command is run again every second until the
 * list says so (a server starts in the background after the window opens).
 */
export async function untilMcpServerRuns(page: Page, server: string, timeoutMs = 60_000): Promise<void> {
  await until(
    async () => {
      await runCommand(page, 'Hearth: List MCP Servers');
      const rows = page.locator('.quick-input-list .monaco-list-row');
      await rows.first().waitFor({ timeout: 10_000 });
      const text = (await rows.allInnerTexts()).join('\n');
      await page.keyboard.press('Escape');
      return text.includes(server) && /\d+ tools?/.test(text);
    },
    'the MCP server to be running with its tools',
    timeoutMs,
    1000,
  );
}
