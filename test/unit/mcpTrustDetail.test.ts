import * as assert from 'node:assert/strict';
import { mcpTrustDetail } from '../../extension/mcp/mcpTrustDetail';

describe('the trust prompt for a workspace MCP server', () => {
  const base = { name: 'github', configPath: '/repo/.vscode/mcp.json', envNames: [], headerNames: [], envReads: [], changed: false };

  it('says whose values a server gets: the variables of your environment its entry reads, by name', () => {
    const http = mcpTrustDetail({ ...base, transport: 'http', url: 'https://mcp.example.test/', headerNames: ['Authorization'], envReads: ['GITHUB_TOKEN'] });
    assert.match(http, /HTTP headers it sends: Authorization\nIt sends the server the values of your environment variables: GITHUB_TOKEN\n/);
    const stdio = mcpTrustDetail({ ...base, transport: 'stdio', command: 'node', args: ['server.js'], commandLine: 'node server.js', envNames: ['TOKEN'], envReads: ['NPM_TOKEN'] });
    assert.match(stdio, /Environment variables it sets: TOKEN\nIt gives the program the values of your environment variables: NPM_TOKEN\n/);
  });

  it('says nothing about your environment when the entry reads none of it', () => {
    assert.doesNotMatch(mcpTrustDetail({ ...base, transport: 'http', url: 'https://mcp.example.test/' }), /your environment/);
  });
});
