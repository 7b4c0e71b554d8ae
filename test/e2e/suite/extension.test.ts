import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ModelListResult } from '../../../protocol/lspMethods';
import type { HearthApi } from '../../../extension/extension';

const EXTENSION_ID = 'hearth.hearth';

/**
 * Asks the extension's own language client for the model list. The method is
 * sent by name: this suite is bundled with its own copy of vscode-jsonrpc, whose
 * RequestType objects the extension's copy would not recognise.
 */
function listModels(api: HearthApi): Promise<ModelListResult> {
  return api.client.sendRequest<ModelListResult>('hearth/models/list', {});
}

async function hearth(): Promise<HearthApi> {
  const extension = vscode.extensions.getExtension<HearthApi>(EXTENSION_ID);
  assert.ok(extension, `the ${EXTENSION_ID} extension is installed`);
  const api = await extension.activate();
  (globalThis as { hearthActivationMs?: number }).hearthActivationMs = api.activationMs;
  return api;
}

describe('Hearth in a real VS Code', () => {
  it('activates lazily and starts its language server', async () => {
    const extension = vscode.extensions.getExtension<HearthApi>(EXTENSION_ID)!;
    const activationEvents: string[] = extension.packageJSON.activationEvents ?? [];
    assert.ok(!activationEvents.includes('*'), 'no eager activation');
    const api = await hearth();
    assert.equal(api.client.isRunning(), true);
    assert.ok(api.activationMs > 0);
  });

  it('has the built-in Git extensions loaded, which Generate Commit Message reads the repository through', async () => {
    // code-server ships Git and Git Base; a broken install of the built-in extensions left Git unable to activate
    // ("depends on 'Git Base', which is not loaded"), and with it every git-based feature.
    for (const id of ['vscode.git-base', 'vscode.git']) {
      const extension = vscode.extensions.getExtension(id);
      assert.ok(extension, `${id} is installed`);
      await extension.activate();
      assert.equal(extension.isActive, true, `${id} is active`);
    }
    // The Git API itself is not asked for: these tests run with `git.enabled: false` (support/codeServer.ts), which keeps it off.
  });

  it('registers every command it contributes', async () => {
    await hearth();
    const contributed: { command: string }[] = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.commands;
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.map((c) => c.command).filter((c) => !registered.has(c));
    assert.deepEqual(missing, []);
    for (const id of ['hearth.newChat', 'hearth.stop', 'hearth.selectModel', 'hearth.openHistory', 'hearth.showLogs']) {
      assert.ok(registered.has(id), `${id} is registered`);
    }
  });

  it('documents its settings and reads the Ollama host the user set', async () => {
    const api = await hearth();
    // The settings come in titled sections (Ollama first); each key is in one of them.
    const sections = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.configuration as { properties: Record<string, { markdownDescription?: string; description?: string }> }[];
    const properties = Object.assign({}, ...sections.map((s) => s.properties)) as Record<string, { markdownDescription?: string; description?: string }>;
    for (const key of ['hearth.ollama.host', 'hearth.chat.model', 'hearth.completion.model']) {
      assert.ok(properties[key]?.markdownDescription || properties[key]?.description, `${key} has a description`);
    }
    const host = vscode.workspace.getConfiguration('hearth').get<string>('ollama.host');
    assert.equal(host, process.env.HEARTH_E2E_OLLAMA_URL);
    const models = await listModels(api);
    assert.equal(models.error, undefined);
    assert.equal(models.host, process.env.HEARTH_E2E_OLLAMA_URL);
    assert.ok(models.models.some((m) => m.name === 'qwen2.5-coder:7b'), 'the fixture’s models are listed');
  });

  it('shows a dead Ollama in the status bar and recovers when the setting is fixed', async () => {
    const api = await hearth();
    const config = vscode.workspace.getConfiguration('hearth');
    const good = config.get<string>('ollama.host')!;
    // Change the value where the run defined it (user settings here, workspace settings under test-electron).
    const target = config.inspect('ollama.host')?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    try {
      await config.update('ollama.host', 'http://127.0.0.1:9', target);
      const deadline = Date.now() + 10_000;
      let models = await listModels(api);
      while (models.host !== 'http://127.0.0.1:9' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        models = await listModels(api);
      }
      assert.equal(models.error?.code, 'ollamaUnreachable');
      assert.match(models.error!.message, /http:\/\/127\.0\.0\.1:9/);
      assert.match(models.error!.message, /ollama serve/);
      while (!api.statusBar.text.includes('unavailable') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.match(api.statusBar.text, /unavailable/);
    } finally {
      await config.update('ollama.host', good, target);
    }
  });

  it('runs the chat commands without errors', async () => {
    await hearth();
    await vscode.commands.executeCommand('hearth.focusChat');
    await vscode.commands.executeCommand('hearth.newChat');
    await vscode.commands.executeCommand('hearth.stop');
  });

  it('Always allow adds exactly the offered rule to the user’s global allow-list, and nothing else', async () => {
    const api = await hearth();
    const config = () => vscode.workspace.getConfiguration('hearth');
    const before = config().inspect<string[]>('agent.commandAllowList')?.globalValue;
    const source = new vscode.CancellationTokenSource();
    const request = {
      kind: 'command' as const,
      sessionId: 's-suite',
      entryId: 'a-suite',
      callId: 'c-suite',
      command: 'make hearth-suite-target',
      cwd: '/',
      reasons: ['it is not on your allow-list'],
      sandbox: { kind: 'none' as const, network: false },
      suggestedRule: 'make hearth-suite-target',
    };
    try {
      const { id, answer } = api.approvals.ask(request, source.token);
      // A forged rule (what a compromised webview could send) is refused and changes nothing.
      assert.equal((await api.approvals.decide(id, 'alwaysAllow', 'rm -rf /')).ok, false);
      assert.ok(!(config().get<string[]>('agent.commandAllowList') ?? []).includes('rm -rf /'));
      assert.deepEqual(await api.approvals.decide(id, 'alwaysAllow', 'make hearth-suite-target'), { ok: true });
      assert.equal(await answer, 'alwaysAllow');
      const global = config().inspect<string[]>('agent.commandAllowList')?.globalValue ?? [];
      assert.ok(global.includes('make hearth-suite-target'), 'the rule is in the user (global) settings');
      assert.ok(global.includes('git status'), 'the defaults are kept');
      assert.ok(!global.includes('rm -rf /'));
    } finally {
      source.dispose();
      await config().update('agent.commandAllowList', before, vscode.ConfigurationTarget.Global);
    }
  });
});
