import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_COMMAND_ALLOW_LIST, DEFAULT_COMMAND_DENY_LIST } from '../../language-server/tools/agentPolicyDefaults';
import { AGENT_DEFAULTS, COMPLETION_DEFAULTS } from '../../language-server/settings/settingsReader';
import { DEFAULT_TOOL_POLICY } from '../../language-server/tools/toolTypes';
import { DEFAULT_SAMPLING_PER_HOUR } from '../../language-server/mcp/mcpServerRequests';

interface SettingSchema {
  scope?: string;
  default?: unknown;
}

interface SettingsSection {
  title: string;
  order: number;
  properties: Record<string, SettingSchema & { order?: number }>;
}

const manifest = JSON.parse(fs.readFileSync(path.resolve('package.json'), 'utf8')) as {
  contributes: {
    configuration: SettingsSection[];
    commands: { command: string; icon?: string }[];
    menus: Record<string, { command?: string; when?: string; group?: string }[]>;
    keybindings: { command: string; key: string; when?: string }[];
  };
  capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
};
/** Every setting, from all the titled sections. */
const properties: Record<string, SettingSchema> = Object.assign({}, ...manifest.contributes.configuration.map((s) => s.properties));

describe('the extension manifest’s settings', () => {
  it('uses no machine scopes, whose User values VS Code ignores in remote windows', () => {
    // In a remote window (code-server, Remote-SSH, WSL) VS Code drops User values of `machine` and
    // `machine-overridable` settings, except in a start-up race; Hearth then fell back to the default
    // Ollama host after a window reload. Every Hearth setting must keep the value the user set.
    const machineScoped = Object.entries(properties)
      .filter(([, schema]) => schema.scope === 'machine' || schema.scope === 'machine-overridable')
      .map(([key]) => key);
    assert.deepEqual(machineScoped, []);
  });

  it('keeps the Ollama host out of reach of a workspace the user has not trusted', () => {
    assert.ok(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations.includes('hearth.ollama.host'));
    assert.equal(properties['hearth.ollama.host'].scope, 'window');
  });

  it('keeps the providers (where chat text is sent) in a scope no workspace can set', () => {
    // A workspace that could add a provider, or point one at its own URL, would receive the user's code and the provider's key.
    assert.equal(properties['hearth.providers'].scope, 'application');
  });

  it('shows the same command allow- and deny-lists the language server uses when nothing is set', () => {
    // The defaults once lived in three copies that drifted (`cat` was allowed by one and not the others).
    assert.deepEqual(properties['hearth.agent.commandAllowList'].default, [...DEFAULT_COMMAND_ALLOW_LIST]);
    assert.deepEqual(properties['hearth.agent.commandDenyList'].default, [...DEFAULT_COMMAND_DENY_LIST]);
    assert.deepEqual(AGENT_DEFAULTS.commandAllowList, [...DEFAULT_COMMAND_ALLOW_LIST]);
    assert.deepEqual(AGENT_DEFAULTS.commandDenyList, [...DEFAULT_COMMAND_DENY_LIST]);
    assert.deepEqual(DEFAULT_TOOL_POLICY.commandAllowList, [...DEFAULT_COMMAND_ALLOW_LIST]);
    assert.deepEqual(DEFAULT_TOOL_POLICY.commandDenyList, [...DEFAULT_COMMAND_DENY_LIST]);
  });

  it('shows the secrets files the language server keeps inline suggestions out of, in a scope no workspace can narrow', () => {
    // A repository's .vscode/settings.json that emptied the list would send a developer's .env to the team server.
    const files = properties['hearth.completion.disabledFiles'];
    assert.deepEqual(files.default, COMPLETION_DEFAULTS.disabledFiles);
    assert.equal(files.scope, 'application');
  });

  it('shows the sampling limit the language server uses, in a scope no workspace can widen', () => {
    const limit = properties['hearth.mcp.samplingPerHour'];
    assert.equal(limit.default, DEFAULT_SAMPLING_PER_HOUR);
    assert.equal(limit.scope, 'application');
  });

  it('keeps the MCP servers and tools the user turned off in a scope no workspace can set', () => {
    // A workspace's value of a list replaces the user's instead of adding to it: a repository's `[]` would turn back on
    // every server and tool the user turned off.
    assert.equal(properties['hearth.mcp.disabledTools'].scope, 'application');
    assert.deepEqual(properties['hearth.mcp.disabledTools'].default, []);
  });

  it('groups the settings by what users look for first: Ollama and models before policies', () => {
    const sections = [...manifest.contributes.configuration].sort((a, b) => a.order - b.order).map((s) => s.title);
    assert.deepEqual(sections, ['Ollama', 'Chat', 'Inline Suggestions', 'Codebase', 'Agent Policies', 'MCP Servers', 'Team Server']);
    const first = manifest.contributes.configuration.find((s) => s.title === 'Ollama')!;
    assert.deepEqual(Object.keys(first.properties), ['hearth.ollama.host', 'hearth.providers']);
    const chat = manifest.contributes.configuration.find((s) => s.title === 'Chat')!;
    assert.equal(chat.properties['hearth.chat.model'].order, 0, 'the model first in its section');
    // Every setting is in exactly one section.
    const keys = manifest.contributes.configuration.flatMap((s) => Object.keys(s.properties));
    assert.equal(new Set(keys).size, keys.length);
  });

  it('puts a gear in the chat view’s title bar that opens Hearth’s settings, with a key too', () => {
    assert.equal(manifest.contributes.commands.find((c) => c.command === 'hearth.openSettings')?.icon, '$(gear)');
    const item = manifest.contributes.menus['view/title'].find((m) => m.command === 'hearth.openSettings');
    assert.equal(item?.when, 'view == hearth.chat');
    assert.match(item?.group ?? '', /^navigation/);
    assert.ok(manifest.contributes.keybindings.some((k) => k.command === 'hearth.openSettings'));
    assert.ok(manifest.contributes.keybindings.some((k) => k.command === 'hearth.writeTests'), 'Write Tests has a key');
  });
});
