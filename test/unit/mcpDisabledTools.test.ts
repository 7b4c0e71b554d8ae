import * as assert from 'node:assert/strict';
import { toSettings } from '../../language-server/settings/settingsReader';
import { clashingServerName, isMcpServerOff, isMcpToolOff, parseDisabledMcpTools, withMcpServerOff, withMcpToolsOn } from '../../protocol/mcpDisabledTools';

describe('hearth.mcp.disabledTools', () => {
  it('reads server and server.tool names, trimmed, once each, and ignores what is not a name', () => {
    assert.deepEqual(parseDisabledMcpTools([' github ', 'tracker.tool_0002', '', 42, null, { name: 'x' }, 'github', 'tracker.tool_0002 ']), ['github', 'tracker.tool_0002']);
    for (const bad of [undefined, null, 'github', { github: true }, 7]) assert.deepEqual(parseDisabledMcpTools(bad), [], `${JSON.stringify(bad)} turns nothing off`);
  });

  it('reaches the language server settings only as a list of names', () => {
    assert.deepEqual(toSettings({ mcp: { disabledTools: ['github', 3, ' tracker.tool_0001 '] } }, {}).mcp?.disabledTools, ['github', 'tracker.tool_0001']);
    assert.equal(toSettings({ mcp: { disabledTools: 'github' } }, {}).mcp?.disabledTools, undefined, 'a string is not a list: nothing is off');
    assert.equal(toSettings({}, {}).mcp?.disabledTools, undefined);
  });

  it('turns a whole server off with its name, and one tool with server.tool', () => {
    const disabled = ['github', 'tracker.tool_0002'];
    assert.equal(isMcpServerOff(disabled, 'github'), true);
    assert.equal(isMcpToolOff(disabled, 'github', 'create_issue'), true, "a server's tools are off with it");
    assert.equal(isMcpServerOff(disabled, 'tracker'), false, 'a tool entry does not turn its server off');
    assert.equal(isMcpToolOff(disabled, 'tracker', 'tool_0002'), true);
    assert.equal(isMcpToolOff(disabled, 'tracker', 'tool_0001'), false);
    // Names are compared exactly: no prefixes, no case folding.
    assert.equal(isMcpServerOff(disabled, 'git'), false);
    assert.equal(isMcpServerOff(disabled, 'GitHub'), false);
    assert.equal(isMcpToolOff(disabled, 'tracker', 'tool_000'), false);
  });

  it('turns a server off and on again without losing the tools chosen for it', () => {
    const off = withMcpServerOff(['tracker.tool_0002'], 'tracker', true);
    assert.deepEqual(off, ['tracker.tool_0002', 'tracker']);
    assert.deepEqual(withMcpServerOff(off, 'tracker', true), off, 'turning it off twice lists it once');
    assert.deepEqual(withMcpServerOff(off, 'tracker', false), ['tracker.tool_0002']);
  });

  it("writes the tools left unticked as off, and keeps other servers' entries and tools the server does not list now", () => {
    const before = ['github', 'tracker.tool_0001', 'tracker.tool_0009'];
    const after = withMcpToolsOn(before, 'tracker', ['tool_0001', 'tool_0002', 'tool_0003'], ['tool_0001', 'tool_0003']);
    assert.deepEqual(after, ['github', 'tracker.tool_0009', 'tracker.tool_0002']);
    assert.deepEqual(withMcpToolsOn(after, 'tracker', ['tool_0001', 'tool_0002', 'tool_0003'], ['tool_0001', 'tool_0002', 'tool_0003']), ['github', 'tracker.tool_0009'], 'all ticked: all on');
  });

  it('finds the server whose name would share entries with another: "a" and "a.b", either way round, and nothing else', () => {
    assert.equal(clashingServerName('tracker.tool_0002', ['github', 'tracker']), 'tracker');
    assert.equal(clashingServerName('tracker', ['tracker.tool_0002']), 'tracker.tool_0002');
    assert.equal(clashingServerName('a.b', ['a.b.c']), 'a.b.c');
    for (const [name, taken] of [['trackers', ['tracker']], ['tracker_2', ['tracker']], ['tracker', ['tracker']], ['io.github', ['io-github']]] as const) {
      assert.equal(clashingServerName(name, taken), undefined, `${name} beside ${taken.join(', ')}`);
    }
  });
});
