import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { REPO_ROOT, type CodeServer } from './codeServer';

/** Saves a screenshot and the server log of a failed e2e test under test-results/. */
export async function saveFailureEvidence(page: Page | undefined, server: CodeServer | undefined, title: string): Promise<void> {
  const dir = path.join(REPO_ROOT, 'test-results');
  fs.mkdirSync(dir, { recursive: true });
  const name = title.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
  await page?.screenshot({ path: path.join(dir, `failed-${name}.png`) }).catch(() => undefined);
  if (server) fs.writeFileSync(path.join(dir, `failed-${name}.log`), server.log());
  console.log(`      (screenshot and log saved to test-results/failed-${name}.*)`);
}
