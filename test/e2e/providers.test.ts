/**
 * Providers in a real VS Code: `hearth.providers` with the scripted
 * OpenAI-compatible server and a provider where nothing listens. The picker
 * lists Ollama's models and the provider's (grouped under its name), the dead
 * provider is named in the banner, the key is set with the command and
 * reaches the server as a bearer token, and a chat turn runs on the provider.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { startOpenAiFixture, type OpenAiFixture } from '../fixtures/openAiFixture';
import { closedPortUrl } from '../fixtures/closedPort';
import { openHearth, runCommand, sendChatMessage, until } from './support/workbench';
import { useHearthInVsCode } from './support/useHearthInVsCode';

const LMSTUDIO_MODEL = 'qwen2.5-coder-7b-instruct';
const KEY = 'sk-e2e-4c1d8b2f9a';

describe('providers beside Ollama in a real VS Code (e2e)', function () {
  this.timeout(180_000);
  let ollama: OllamaFixture;
  let openai: OpenAiFixture;
  let deadUrl: string;
  before(async () => {
    ollama = await startOllamaFixture();
    openai = await startOpenAiFixture({ models: [LMSTUDIO_MODEL] });
    deadUrl = await closedPortUrl();
  });
  after(async () => {
    await openai?.close();
    await ollama?.close();
  });
  const vscode = useHearthInVsCode({
    settings: () => ({
      'hearth.ollama.host': ollama.url,
      'hearth.chat.model': `lmstudio::${LMSTUDIO_MODEL}`,
      'hearth.providers': [
        { name: 'lmstudio', kind: 'openai', baseUrl: `${openai.url}/v1` },
        { name: 'dead', kind: 'openai', baseUrl: deadUrl },
      ],
    }),
    prepareWorkspace: (workspace) => fs.writeFileSync(path.join(workspace, 'README.md'), '# Demo\nRead by the agent.\n'),
  });

  it("lists every provider's models beside Ollama's, names the dead one, and runs a turn with the key set by the command", async () => {
    const chat = await openHearth(vscode.wb.page);
    const picker = chat.locator('[data-testid="model-picker"]');
    await until(async () => ((await picker.locator('optgroup[label="lmstudio"] option').allTextContents()).includes(LMSTUDIO_MODEL) ? true : undefined), "the picker to list the provider's model under its name");
    assert.ok((await picker.locator('option').allTextContents()).includes('qwen2.5-coder:7b'), "Ollama's models stay listed");
    assert.equal(await picker.inputValue(), `lmstudio::${LMSTUDIO_MODEL}`);
    const banner = chat.locator('[data-testid="model-error-text"]');
    await until(async () => ((await banner.innerText()).includes(deadUrl) ? true : undefined), 'the banner to name the dead provider');
    assert.match(await banner.innerText(), /"dead"/);

    await runCommand(vscode.wb.page, 'Hearth: Set Provider API Key');
    const input = vscode.wb.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    // Two providers: pick the one, then type its key.
    await input.fill('lmstudio');
    await input.press('Enter');
    await until(async () => ((await vscode.wb.page.locator('.quick-input-widget').innerText()).includes('API key') ? true : undefined), 'the API key prompt');
    assert.equal(await input.getAttribute('type'), 'password');
    await input.fill(KEY);
    await input.press('Enter');
    await until(async () => (openai.requests.some((r) => r.path === '/v1/models' && r.authorization === `Bearer ${KEY}`) ? true : undefined), 'the model list to be asked again with the key');

    await sendChatMessage(chat, 'What is README.md?');
    const answer = chat.locator('[data-testid="assistant-message"]').last();
    await until(async () => (await answer.getAttribute('data-state')) === 'done', 'the turn to finish', 60_000);
    assert.match(await answer.innerText(), /It is a readme\./);
    const chats = openai.requests.filter((r) => r.path === '/v1/chat/completions');
    assert.equal(chats.length, 2);
    assert.ok(chats.every((c) => c.authorization === `Bearer ${KEY}`));
    assert.ok(!(await chat.locator('body').innerText()).includes(KEY), 'the key never reaches the webview');
  });
});
