import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_COMMAND_ALLOW_LIST, DEFAULT_COMMAND_DENY_LIST } from '../../language-server/tools/agentPolicyDefaults';
import { AGENT_DEFAULTS } from '../../language-server/settings/settingsReader';
import { DEFAULT_TOOL_POLICY } from '../../language-server/tools/toolTypes';
import { DEFAULT_SAMPLING_PER_HOUR } from '../../language-server/mcp/mcpServerRequests';

interface SettingSchema {
  scope?: string;
  default?: unknown;
}

const manifest = JSON.parse(fs.readFileSync(path.resolve('package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, SettingSchema> } };
  capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
};

describe('the extension manifest’s settings', () => {
  it('uses no machine scopes, whose User values VS Code ignores in remote windows', () => {
    // In a remote window (code-server, Remote-SSH, WSL) VS Code drops User values of `machine` and
    // `machine-overridable` settings, except in a start-up race; Hearth then fell back to the default
    // Ollama host after a window reload. Every Hearth setting must keep the value the user set.
    const machineScoped = Object.entries(manifest.contributes.configuration.properties)
      .filter(([, schema]) => schema.scope === 'machine' || schema.scope === 'machine-overridable')
      .map(([key]) => key);
    assert.deepEqual(machineScoped, []);
  });

  it('keeps the Ollama host out of reach of a workspace the user has not trusted', () => {
    assert.ok(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations.includes('hearth.ollama.host'));
    assert.equal(manifest.contributes.configuration.properties['hearth.ollama.host'].scope, 'window');
  });

  it('shows the same command allow- and deny-lists the language server uses when nothing is set', () => {
    // The defaults once lived in three copies that drifted (`cat` was allowed by one and not the others).
    const properties = manifest.contributes.configuration.properties;
    assert.deepEqual(properties['hearth.agent.commandAllowList'].default, [...DEFAULT_COMMAND_ALLOW_LIST]);
    assert.deepEqual(properties['hearth.agent.commandDenyList'].default, [...DEFAULT_COMMAND_DENY_LIST]);
    assert.deepEqual(AGENT_DEFAULTS.commandAllowList, [...DEFAULT_COMMAND_ALLOW_LIST]);
    assert.deepEqual(AGENT_DEFAULTS.commandDenyList, [...DEFAULT_COMMAND_DENY_LIST]);
    assert.deepEqual(DEFAULT_TOOL_POLICY.commandAllowList, [...DEFAULT_COMMAND_ALLOW_LIST]);
    assert.deepEqual(DEFAULT_TOOL_POLICY.commandDenyList, [...DEFAULT_COMMAND_DENY_LIST]);
  });

  it('shows the sampling limit the language server uses, in a scope no workspace can widen', () => {
    const limit = manifest.contributes.configuration.properties['hearth.mcp.samplingPerHour'];
    assert.equal(limit.default, DEFAULT_SAMPLING_PER_HOUR);
    assert.equal(limit.scope, 'application');
  });
});
