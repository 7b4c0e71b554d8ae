import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Workbench } from './workbench';
import { REPO_ROOT, type CodeServer } from './codeServer';

/** Saves a screenshot and the server log of a failed e2e test under test-results/. */
export async function saveFailureEvidence(wb: Workbench | undefined, server: CodeServer | undefined, title: string): Promise<void> {
  const dir = path.join(REPO_ROOT, 'test-results');
  fs.mkdirSync(dir, { recursive: true });
  const name = title.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
  await wb?.page.screenshot({ path: path.join(dir, `failed-${name}.png`) }).catch(() => undefined);
  if (server) {
    // The server's log, then the extension's own output channel logs (language server included).
    const logs = [server.log()];
    const walk = (d: string): void => {
      for (const entry of fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true }) : []) {
        const p = path.join(d, entry.name);
        if (entry.isDirectory()) walk(p);
        else if (/Hearth.*\.log$|^exthost\.log$|^remoteexthost\.log$/.test(entry.name)) logs.push(`--- ${p}\n${fs.readFileSync(p, 'utf8')}`);
      }
    };
    walk(path.join(server.userDataDir, 'logs'));
    // The user settings as VS Code left them (the test's own values: no secrets), to tell a lost setting from a misread one.
    const userSettings = path.join(server.userDataDir, 'User', 'settings.json');
    logs.push(`--- ${userSettings}\n${fs.existsSync(userSettings) ? fs.readFileSync(userSettings, 'utf8') : '(missing)'}`);
    if (wb) logs.push(`--- the workbench page's console (warnings and errors)\n${wb.consoleLog.join('\n')}`);
    fs.writeFileSync(path.join(dir, `failed-${name}.log`), logs.join('\n'));
  }
  console.log(`      (screenshot and log saved to test-results/failed-${name}.*)`);
}
