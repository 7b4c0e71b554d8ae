/**
 * Remote mode in a real VS Code: the test starts a real team server (gRPC over
 * TLS with a certificate from a throwaway CA, API key → JWT) in front of the
 * scripted Ollama. The developer connects with Hearth's command, chats, and the
 * agent's edit is approved in VS Code's diff editor and executed on the
 * developer's machine; the server only ever sees the tool result.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { ALICE_KEY, makePki, remoteConfig, startTestServer, type MemoryAudit, type TestPki } from '../integration/teamServerHarness';
import type { TeamServer } from '../../agent-host/server/teamServer';
import { openHearth, runCommand, until } from './support/workbench';
import { useHearthInVsCode } from './support/useHearthInVsCode';

describe('connecting to a team server from a real VS Code (e2e)', function () {
  this.timeout(180_000);
  let fixture: OllamaFixture;
  let pki: TestPki;
  let team: TeamServer;
  let audit: MemoryAudit;
  before(async () => {
    fixture = await startOllamaFixture();
    pki = makePki();
    ({ server: team, audit } = await startTestServer(remoteConfig(pki, fixture.url)));
    fs.writeFileSync(path.join(pki.dir, 'ca-only.crt'), pki.caPem);
  });
  after(async () => {
    await team?.shutdown(500);
    await fixture?.close();
    pki?.cleanup();
  });
  // Local Ollama is deliberately dead: every answer must come through the team server.
  const vscode = useHearthInVsCode({
    settings: () => ({ 'hearth.ollama.host': 'http://127.0.0.1:9', 'hearth.chat.model': 'qwen2.5-coder:7b', 'hearth.server.caFile': path.join(pki.dir, 'ca-only.crt') }),
    prepareWorkspace: (workspace) => fs.writeFileSync(path.join(workspace, 'greeting.txt'), 'hello\n'),
  });

  it('connects with an API key, and a chat’s tool call is approved and executed locally', async () => {
    const chat = await openHearth(vscode.wb.page);
    await runCommand(vscode.wb.page, 'Hearth: Connect to Team Server');
    const input = vscode.wb.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`grpcs://127.0.0.1:${team.port}`);
    await input.press('Enter');
    await until(async () => ((await vscode.wb.page.locator('.quick-input-widget').innerText()).includes('API key') ? true : undefined), 'the API key prompt');
    await input.fill(ALICE_KEY);
    await input.press('Enter');
    const status = vscode.wb.page.locator('.statusbar-item', { hasText: 'Team:' });
    await until(async () => ((await status.innerText()).includes('alice') ? true : undefined), 'the status bar to show the team server and the user', 30_000);
    assert.ok(audit.events.some((e) => JSON.stringify(e).includes('alice')), 'the server audited the sign-in');
    // The model list now comes from the team server, so the "local Ollama unreachable" banner goes away.
    // (The message below is sent at once: it must reach the team server even before the settings catch up.)

    fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'write_file', arguments: { path: 'greeting.txt', content: 'hello from the team server\n' } }] },
      { kind: 'text', text: 'Updated the greeting.' },
    );
    const composer = chat.locator('[data-testid="composer"]');
    await composer.click();
    await composer.fill('Update the greeting');
    await composer.press('Enter');
    await vscode.wb.page.locator('.tabs-container .tab', { hasText: 'proposed change' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    // The approval waits in the chat, on the tool's row, as it does for a local model.
    const card = chat.locator('[data-testid="approval-card"][data-kind="edit"]').last();
    await card.waitFor({ state: 'visible', timeout: 30_000 });
    await card.locator('[data-testid="approval-accept"]').click();
    await until(async () => fs.readFileSync(path.join(vscode.workspace, 'greeting.txt'), 'utf8') === 'hello from the team server\n', 'the local file to change');
    const answer = chat.locator('[data-testid="assistant-message"]').last();
    await until(async () => (await answer.getAttribute('data-state')) === 'done', 'the turn to finish');
    assert.match(await answer.innerText(), /Updated the greeting\./);
    await until(async () => ((await chat.locator('[data-testid="model-error"]').isVisible()) ? undefined : true), 'the model picker to list the team server’s models', 30_000);
    // The model request was made by the team server (the local Ollama setting points nowhere).
    assert.ok(fixture.requests.some((r) => r.path === '/api/chat'));
    assert.ok(audit.events.some((e) => JSON.stringify(e).includes('write_file')), 'the server audited the tool request');
    assert.ok(!audit.lines.some((l) => l.includes('hello from the team server')), 'the audit log has no file contents');
  });
});
