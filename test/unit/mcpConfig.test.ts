/**
 * MCP configuration as users write it: .vscode/mcp.json (VS Code's format,
 * comments and `inputs` included) and the `hearth.mcp.servers` setting, with
 * variable substitution, and bad entries reported rather than dropped.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseJsonc } from '../../language-server/mcp/parseJsonc';
import { parseMcpServers, serverConfigHash } from '../../language-server/mcp/parseMcpServers';
import { readWorkspaceMcpConfig } from '../../language-server/mcp/readWorkspaceMcpConfig';
import { substituteVariables } from '../../language-server/mcp/substituteVariables';
import { toSettings } from '../../language-server/settings/settingsReader';

const ROOT = path.join(os.tmpdir(), 'project');
const ctx = (env: NodeJS.ProcessEnv = {}) => ({ source: 'user' as const, workspaceFolder: ROOT, env, defaultCwd: ROOT, userHome: '/home/dev' });

describe('MCP configuration', () => {
  describe('JSON with comments', () => {
    it('accepts comments and trailing commas, and leaves // inside strings alone', () => {
      const text = `{
        // a comment
        "servers": {
          /* block
             comment */
          "web": { "type": "http", "url": "https://example.com/mcp", },
        },
      }`;
      assert.deepEqual(parseJsonc(text), { servers: { web: { type: 'http', url: 'https://example.com/mcp' } } });
      assert.deepEqual(parseJsonc('{"a": "x, }", "b": "/* not a comment */"}'), { a: 'x, }', b: '/* not a comment */' });
    });

    it('still rejects what is not JSON', () => {
      assert.throws(() => parseJsonc('{"servers": {'));
    });
  });

  describe('variables', () => {
    it('substitutes env, workspace folder, its basename and the home directory', () => {
      const r = substituteVariables('${env:TOKEN}|${workspaceFolder}|${workspaceFolderBasename}|${userHome}', { workspaceFolder: ROOT, env: { TOKEN: 't0k' }, userHome: '/home/dev' });
      assert.equal(r.value, `t0k|${ROOT}|project|/home/dev`);
      assert.deepEqual(r.problems, []);
    });

    it('makes an unset env variable empty, as VS Code does, and reports it', () => {
      const r = substituteVariables('Bearer ${env:MISSING}', { env: {} });
      assert.equal(r.value, 'Bearer ');
      assert.deepEqual(r.unsetEnv, ['MISSING']);
    });

    it('reports ${input:…} and unknown variables instead of passing them on', () => {
      const r = substituteVariables('${input:token} ${config:foo}', { env: {} });
      assert.equal(r.problems.length, 2);
      assert.match(r.problems[0], /input:token.*\$\{env:NAME\}/);
      assert.match(r.problems[1], /not a variable Hearth knows/);
    });

    it('reports ${workspaceFolder} when no folder is open', () => {
      assert.match(substituteVariables('${workspaceFolder}/x', { env: {} }).problems[0], /needs an open folder/);
    });
  });

  describe('server entries', () => {
    it('reads stdio entries with and without "type", and http entries with headers', () => {
      const { servers, problems } = parseMcpServers(
        {
          plain: { command: 'npx', args: ['-y', 'some-server', 7], env: { TOKEN: '${env:TOKEN}', DEBUG: true }, cwd: 'tools' },
          typed: { type: 'stdio', command: 'uvx', args: ['mcp-server-git'] },
          web: { type: 'http', url: 'https://example.com/mcp?key=${env:TOKEN}', headers: { Authorization: 'Bearer ${env:TOKEN}' } },
        },
        ctx({ TOKEN: 'abc' }),
      );
      assert.deepEqual(problems, []);
      assert.deepEqual(servers[0].config, { type: 'stdio', command: 'npx', args: ['-y', 'some-server', '7'], env: { TOKEN: 'abc', DEBUG: 'true' }, cwd: path.join(ROOT, 'tools') });
      assert.deepEqual(servers[0].envNames, ['TOKEN', 'DEBUG']);
      assert.deepEqual(servers[1].config, { type: 'stdio', command: 'uvx', args: ['mcp-server-git'], env: {}, cwd: ROOT });
      assert.deepEqual(servers[2].config, { type: 'http', url: 'https://example.com/mcp?key=abc', headers: { Authorization: 'Bearer abc' } });
      assert.deepEqual(servers[2].headerNames, ['Authorization']);
      assert.deepEqual(servers[2].headerPathReads, []);
    });

    it("records the user's paths an http entry's headers carry, which its URL shows but its headers hide", () => {
      const { servers } = parseMcpServers(
        { web: { type: 'http', url: 'https://example.com/mcp/${workspaceFolderBasename}', headers: { 'X-Home': '${userHome}/x', 'X-Project': '${workspaceFolder}', 'X-Home-Again': '${userHome}' } } },
        ctx(),
      );
      assert.deepEqual(servers[0].config, { type: 'http', url: 'https://example.com/mcp/project', headers: { 'X-Home': '/home/dev/x', 'X-Project': ROOT, 'X-Home-Again': '/home/dev' } });
      assert.deepEqual(servers[0].headerPathReads, ['userHome', 'workspaceFolder']);
    });

    it('reads the HTTP+SSE transport from "transport" beside the url or from VS Code\'s "type": "sse"; without either, Hearth probes', () => {
      const { servers, problems } = parseMcpServers(
        {
          vscodeStyle: { type: 'sse', url: 'https://example.com/sse' },
          explicit: { url: 'https://example.com/sse', transport: 'sse', headers: { Authorization: 'Bearer x' } },
          streamableOnly: { type: 'http', url: 'https://example.com/mcp', transport: 'streamable-http' },
          probe: { type: 'http', url: 'https://example.com/mcp' },
        },
        ctx(),
      );
      assert.deepEqual(problems, []);
      assert.deepEqual(
        servers.map((s) => [s.name, s.config]),
        [
          ['vscodeStyle', { type: 'http', url: 'https://example.com/sse', headers: {}, transport: 'sse' }],
          ['explicit', { type: 'http', url: 'https://example.com/sse', headers: { Authorization: 'Bearer x' }, transport: 'sse' }],
          ['streamableOnly', { type: 'http', url: 'https://example.com/mcp', headers: {}, transport: 'streamable-http' }],
          ['probe', { type: 'http', url: 'https://example.com/mcp', headers: {} }],
        ],
      );
    });

    it('reports each bad entry with what to fix, and keeps the good ones', () => {
      const { servers, problems } = parseMcpServers(
        {
          good: { command: 'node', args: ['server.js'] },
          noCommand: { args: ['x'] },
          badArgs: { command: 'node', args: [{ nested: true }] },
          badTransport: { type: 'http', url: 'https://example.com/sse', transport: 'websocket' },
          contradiction: { type: 'sse', url: 'https://example.com/sse', transport: 'streamable-http' },
          badUrl: { type: 'http', url: 'ftp://example.com' },
          prompt: { command: 'node', env: { KEY: '${input:key}' } },
          notAnObject: 'node server.js',
        },
        ctx(),
      );
      assert.deepEqual(servers.map((s) => s.name), ['good']);
      const byName = Object.fromEntries(problems.map((p) => [p.name, p.message]));
      assert.match(byName.noCommand, /needs a "command"/);
      assert.match(byName.badArgs, /"args" must be a list of strings/);
      assert.match(byName.badTransport, /"transport" must be "streamable-http" or "sse"/);
      assert.match(byName.contradiction, /"type": "sse" contradicts "transport": "streamable-http"/);
      assert.match(byName.badUrl, /http:\/\/ or https:\/\//);
      assert.match(byName.prompt, /\$\{input:key\}/);
      assert.match(byName.notAnObject, /must be an object/);
      for (const message of Object.values(byName)) assert.match(message, /hearth\.mcp\.servers/);
    });

    it('hashes the entry as written, so a changed command needs trust again but a changed env value does not', () => {
      const entry = { command: 'node', args: ['server.js'], env: { TOKEN: '${env:TOKEN}' } };
      const a = parseMcpServers({ s: entry }, ctx({ TOKEN: 'one' })).servers[0];
      const b = parseMcpServers({ s: entry }, ctx({ TOKEN: 'two' })).servers[0];
      const c = parseMcpServers({ s: { ...entry, args: ['other.js'] } }, ctx({ TOKEN: 'one' })).servers[0];
      assert.equal(a.configHash, b.configHash);
      assert.notEqual(a.configHash, c.configHash);
      assert.equal(a.configHash, serverConfigHash('s', { env: { TOKEN: '${env:TOKEN}' }, args: ['server.js'], command: 'node' }), 'key order does not matter');
      assert.notEqual(a.configHash, serverConfigHash('renamed', entry), 'the name is part of the hash');
    });
  });

  describe('.vscode/mcp.json', () => {
    let root: string;
    beforeEach(() => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-mcp-config-'));
      fs.mkdirSync(path.join(root, '.vscode'));
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    it('reads VS Code\'s format, ignoring "inputs", with ${workspaceFolder} as that folder', async () => {
      fs.writeFileSync(
        path.join(root, '.vscode', 'mcp.json'),
        `{
          // Prompts only VS Code can show; Hearth ignores them.
          "inputs": [{ "type": "promptString", "id": "key", "password": true }],
          "servers": {
            "files": { "type": "stdio", "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "\${workspaceFolder}"] },
          },
        }`,
      );
      const config = await readWorkspaceMcpConfig([root], {});
      assert.deepEqual(config.fileProblems, []);
      assert.equal(config.servers.length, 1);
      assert.equal(config.servers[0].source, 'workspace');
      assert.equal(config.servers[0].configPath, path.join(root, '.vscode', 'mcp.json'));
      assert.deepEqual(config.servers[0].config, { type: 'stdio', command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', root], env: {}, cwd: root });
    });

    it('refuses, without reading it, an mcp.json that is a device or too large (a repository controls it, trusted or not)', async () => {
      const file = path.join(root, '.vscode', 'mcp.json');
      fs.symlinkSync('/dev/zero', file);
      const device = await readWorkspaceMcpConfig([root], {});
      assert.deepEqual(device.servers, []);
      assert.match(device.fileProblems.join('\n'), /mcp\.json could not be read \(it is not a regular file\); its servers were not started\./);
      fs.rmSync(file);
      fs.writeFileSync(file, `{ "servers": {} ${' '.repeat(2 * 1024 * 1024)}}`);
      assert.match((await readWorkspaceMcpConfig([root], {})).fileProblems.join('\n'), /it is larger than 1024 KiB/);
    });

    it('accepts the Claude and Cursor spelling "mcpServers"', async () => {
      fs.writeFileSync(path.join(root, '.vscode', 'mcp.json'), JSON.stringify({ mcpServers: { git: { command: 'uvx', args: ['mcp-server-git'] } } }));
      assert.deepEqual((await readWorkspaceMcpConfig([root], {})).servers.map((s) => s.name), ['git']);
    });

    it('reports a file that is not JSON, naming it', async () => {
      fs.writeFileSync(path.join(root, '.vscode', 'mcp.json'), '{ "servers": ');
      const config = await readWorkspaceMcpConfig([root], {});
      assert.equal(config.servers.length, 0);
      assert.match(config.fileProblems[0], /mcp\.json is not valid JSON/);
    });

    it('is simply absent in a folder without one', async () => {
      assert.deepEqual(await readWorkspaceMcpConfig([path.join(root, 'nowhere')], {}), { servers: [], problems: [], fileProblems: [] });
    });
  });

  it('the settings reader passes hearth.mcp.servers through for checking', () => {
    const settings = toSettings({ mcp: { servers: { docs: { type: 'http', url: 'https://example.com/mcp' } } } }, {});
    assert.deepEqual(settings.mcp, { servers: { docs: { type: 'http', url: 'https://example.com/mcp' } } });
    assert.deepEqual(toSettings({}, {}).mcp, { servers: {} });
    assert.deepEqual(toSettings({ mcp: { servers: ['not', 'an', 'object'] } }, {}).mcp, { servers: {} });
  });
});
