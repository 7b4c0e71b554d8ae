import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { installVsix, makeDirs, REPO_ROOT, startCodeServer, type CodeServer } from './codeServer';
import { openWorkbench, type Workbench } from './workbench';
import { saveFailureEvidence } from './failureEvidence';

export interface HearthInVsCode {
  server: CodeServer;
  wb: Workbench;
  /** The folder the workbench has open. */
  workspace: string;
}

/**
 * Registers the mocha hooks every e2e file needs: a fresh workspace, the
 * packaged hearth.vsix installed into a fresh code-server, the workbench open
 * in Chromium; on a failure a screenshot and the server log under
 * test-results/; and everything stopped and removed at the end. Call it inside
 * `describe`, after the hooks that the settings depend on (such as the fixture).
 */
export function useHearthInVsCode(options: { settings: () => Record<string, unknown>; prepareWorkspace?: (workspace: string) => void; restricted?: boolean }): HearthInVsCode {
  const session = {} as HearthInVsCode;
  before(async function () {
    this.timeout(300_000);
    session.workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-e2e-ws-'));
    options.prepareWorkspace?.(session.workspace);
    const dirs = makeDirs();
    installVsix(path.join(REPO_ROOT, 'hearth.vsix'), dirs);
    session.server = await startCodeServer({ ...dirs, settings: options.settings(), restricted: options.restricted });
    session.wb = await openWorkbench(session.server.url(session.workspace));
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await saveFailureEvidence(session.wb, session.server, this.currentTest.title);
  });
  after(async () => {
    await session.wb?.close();
    await session.server?.stop();
    if (session.workspace) fs.rmSync(session.workspace, { recursive: true, force: true });
    if (session.server) fs.rmSync(path.dirname(session.server.userDataDir), { recursive: true, force: true });
  });
  return session;
}
