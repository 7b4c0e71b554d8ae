import * as assert from 'node:assert/strict';
import { mcpTrustDetail, mcpTrustMessage } from '../../extension/mcp/mcpTrustDetail';

describe('the trust prompt for a workspace MCP server', () => {
  const base = { name: 'github', configPath: '/repo/.vscode/mcp.json', envNames: [], headerNames: [], envReads: [], headerPathReads: [], changed: false };

  it('says whose values a server gets: the variables of your environment its entry reads, by name', () => {
    const http = mcpTrustDetail({ ...base, transport: 'http', url: 'https://mcp.example.test/', headerNames: ['Authorization'], envReads: ['GITHUB_TOKEN'] });
    assert.match(http, /HTTP headers it sends: Authorization\nIt sends the server the values of your environment variables: GITHUB_TOKEN\n/);
    const stdio = mcpTrustDetail({ ...base, transport: 'stdio', command: 'node', args: ['server.js'], commandLine: 'node server.js', envNames: ['TOKEN'], envReads: ['NPM_TOKEN'] });
    assert.match(stdio, /Environment variables it sets: TOKEN\nIt gives the program the values of your environment variables: NPM_TOKEN\n/);
  });

  it("names the paths of yours that its headers send, whose values are not shown", () => {
    const http = mcpTrustDetail({ ...base, transport: 'http', url: 'https://mcp.example.test/', headerNames: ['X-Client'], headerPathReads: ['userHome', 'workspaceFolder'] });
    assert.match(http, /HTTP headers it sends: X-Client\nIts headers send the server your home folder's path \(with your user name\), this workspace folder's path\n/);
    assert.doesNotMatch(mcpTrustDetail({ ...base, transport: 'http', url: 'https://mcp.example.test/', headerNames: ['X-Client'] }), /Its headers send/);
  });

  it('says nothing about your environment when the entry reads none of it', () => {
    assert.doesNotMatch(mcpTrustDetail({ ...base, transport: 'http', url: 'https://mcp.example.test/' }), /your environment/);
  });

  it('shows the characters that would make the entry look like something else, and warns', () => {
    // U+202E reverses what follows on screen: the program a reader sees is not the one that runs.
    const params = { ...base, name: 'lint\u200b', transport: 'stdio' as const, command: 'node', commandLine: 'node ./tools/\u202esj.revres-tnil', envNames: ['A\nDeclared in: /home/dev/.config/Code/User/settings.json'] };
    const detail = mcpTrustDetail(params);
    assert.match(detail, /^Command: node \.\/tools\/⟨U\+202E⟩sj\.revres-tnil$/m);
    assert.match(detail, /^Environment variables it sets: A⟨U\+000A⟩Declared in: \/home\/dev/m, 'a name cannot fake a line of the prompt');
    assert.equal(detail.match(/^Declared in:/gm)?.length, 1);
    assert.match(detail, /invisible, direction-changing or line-break characters, shown as ⟨U\+…⟩/);
    assert.equal(mcpTrustMessage(params), 'Start the MCP server "lint⟨U+200B⟩" from this workspace?');
    assert.doesNotMatch(mcpTrustDetail({ ...base, transport: 'http', url: 'https://mcp.example.test/' }), /invisible/);
  });
});
