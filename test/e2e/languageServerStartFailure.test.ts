/**
 * A language server that dies at every start, in a real VS Code: the
 * installed Hearth's server is replaced by one that exits at once, as a
 * corrupt install or a crash while loading would. The user must be told once,
 * clearly, and a message typed in the chat must not vanish without a word.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { installVsix, makeDirs, REPO_ROOT, startCodeServer, type CodeServer } from './support/codeServer';
import { openHearth, openWorkbench, sendChatMessage, until, type Workbench } from './support/workbench';
import { saveFailureEvidence } from './support/failureEvidence';

describe('A language server that dies at every start, in a real VS Code (e2e)', function () {
  this.timeout(300_000);
  let server: CodeServer | undefined;
  let wb: Workbench | undefined;
  let workspace = '';
  before(async () => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-e2e-ws-'));
    const dirs = makeDirs();
    installVsix(path.join(REPO_ROOT, 'hearth.vsix'), dirs);
    const installed = fs.readdirSync(dirs.extensionsDir).find((name) => name.startsWith('hearth.hearth-'));
    assert.ok(installed, 'Hearth is installed');
    fs.writeFileSync(path.join(dirs.extensionsDir, installed, 'dist', 'language-server.js'), "process.stderr.write('simulated crash at start\\n'); process.exit(1);\n");
    server = await startCodeServer({ ...dirs, settings: { 'hearth.ollama.host': 'http://127.0.0.1:9' } });
    wb = await openWorkbench(server.url(workspace));
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await saveFailureEvidence(wb, server, this.currentTest.title);
  });
  after(async () => {
    await wb?.close();
    await server?.stop();
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
    if (server) fs.rmSync(path.dirname(server.userDataDir), { recursive: true, force: true });
  });

  it('says in the chat that the server could not start, and a message sent goes back to the composer with the reason', async () => {
    const chat = await openHearth(wb!.page);
    await until(async () => (await chat.locator('body').innerText()).includes('language server could not start'), 'the chat to say the server could not start', 60_000);
    assert.equal(await chat.locator('body').innerText().then((t) => t.includes('Loading models')), false, 'no endless "Loading models…"');
    await sendChatMessage(chat, 'Hello there');
    const error = chat.locator('[data-testid="send-error"]');
    await until(async () => /language server could not start/.test(await error.innerText()), 'the send to fail with the reason', 30_000);
    assert.equal(await chat.locator('[data-testid="composer"]').inputValue(), 'Hello there', 'the message is back in the composer');
  });
});
