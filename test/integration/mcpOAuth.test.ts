/**
 * OAuth for a Streamable HTTP MCP server through the real language server:
 * the server answers 401, Hearth discovers its authorization server,
 * registers, asks the user (the test plays the editor: it keeps the secrets
 * in a map, as VS Code's SecretStorage would, and answers "open browser" by
 * following the authorization URL itself to Hearth's loopback listener), and
 * the tools work with the bearer token; an expired token is refreshed
 * without asking; sign-out deletes the tokens; a forged redirect, a PKCE
 * failure and a declined sign-in each end cleanly with Hearth running. The
 * same server on the older HTTP+SSE transport is found by the fallback probe
 * after sign-in and gets the same tokens and refresh. Metadata that borrows
 * another server's sign-in page is refused before the user is asked.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { McpOAuthSecretDeleteRequest, McpOAuthSecretGetRequest, McpOAuthSecretStoreRequest, McpRestartRequest, McpSignInRequest, McpSignOutRequest, type McpSignInParams } from '../../protocol/lspMethods';
import { startAuthorizationServer, type AuthorizationServerFixture, type AuthorizationServerOptions } from '../fixtures/oauthAuthorizationServer';
import { startProtectedMcpServer, type ProtectedMcpServer } from '../fixtures/oauthProtectedMcpServer';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { until } from '../fixtures/until';
import { MODEL, startMcpTestServer, type McpTestServer } from './mcpHarness';

/** What the test's "browser" does with an authorization URL. */
type Browser = 'follow' | 'forgeStateFirst' | 'decline';

interface Editor {
  secrets: Map<string, string>;
  signIns: McpSignInParams[];
  /** The loopback listener's answers to each redirect the browser followed: status and the state it carried. */
  redirects: { status: number; state: string | null }[];
  browser: Browser;
}

describe('OAuth sign-in for an HTTP MCP server (Streamable HTTP, or HTTP+SSE found by the probe) through the language server (integration)', function () {
  this.timeout(60_000);
  let fixture: OllamaFixture;
  let auth: AuthorizationServerFixture;
  let mcp: ProtectedMcpServer;
  let storage: string;
  let workspace: string;
  let hearth: McpTestServer | undefined;

  async function startServers(options: AuthorizationServerOptions = {}, transport?: 'sse'): Promise<void> {
    auth = await startAuthorizationServer(options);
    mcp = await startProtectedMcpServer(auth, { transport });
  }

  async function start(editor: Editor): Promise<McpTestServer> {
    hearth = await startMcpTestServer({
      storagePath: storage,
      workspace,
      mcpOAuth: true,
      settings: { ollama: { host: fixture.url }, chat: { model: MODEL }, mcp: { servers: { secure: { type: 'http', url: mcp.url } } } },
    });
    const connection = hearth.client.connection;
    connection.onRequest(McpOAuthSecretGetRequest.type, ({ serverUrl }) => ({ value: editor.secrets.get(serverUrl) ?? null }));
    connection.onRequest(McpOAuthSecretStoreRequest.type, ({ serverUrl, value }) => {
      editor.secrets.set(serverUrl, value);
      return {};
    });
    connection.onRequest(McpOAuthSecretDeleteRequest.type, ({ serverUrl }) => {
      editor.secrets.delete(serverUrl);
      return {};
    });
    connection.onRequest(McpSignInRequest.type, (params) => {
      editor.signIns.push(params);
      if (editor.browser === 'decline') return { decision: 'cancel' as const };
      // The editor answers once the browser is open; the browser does its part on its own time.
      void browse(params.authorizationUrl, editor);
      return { decision: 'open' as const };
    });
    return hearth;
  }

  /** A browser: GET the authorization URL, which the fixture approves with a redirect, then GET the redirect at Hearth's listener. */
  async function browse(authorizationUrl: string, editor: Editor): Promise<void> {
    const approved = await fetch(authorizationUrl, { redirect: 'manual' });
    const location = approved.headers.get('location');
    assert.ok(location, `the authorization server redirected (status ${approved.status})`);
    const back = new URL(location);
    if (editor.browser === 'forgeStateFirst') {
      // Another page that found the port sends its own code with a state Hearth never issued.
      const forged = new URL(back.href);
      forged.searchParams.set('state', 'forged-state');
      forged.searchParams.set('code', 'attacker-code');
      const refused = await fetch(forged);
      editor.redirects.push({ status: refused.status, state: 'forged-state' });
    }
    const answered = await fetch(back);
    editor.redirects.push({ status: answered.status, state: back.searchParams.get('state') });
  }

  function newEditor(browser: Browser = 'follow'): Editor {
    return { secrets: new Map(), signIns: [], redirects: [], browser };
  }

  /** The model calls `whoami`; the call must succeed. Its answer. */
  async function whoami(server: McpTestServer, prompt: string): Promise<string> {
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'secure.whoami', arguments: {} }] }, { kind: 'text', text: 'Done.' });
    const turn = await server.turn(prompt);
    assert.equal(turn.results[0].isError, false, turn.results[0].content);
    return turn.results[0].content;
  }

  function tokenGrants(grantType: string): Record<string, string>[] {
    return auth.requests.filter((r) => r.path === '/token' && r.params.grant_type === grantType).map((r) => r.params);
  }

  beforeEach(async () => {
    fixture = await startOllamaFixture();
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-mcp-oauth-ls-'));
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-mcp-oauth-ws-'));
  });

  afterEach(async () => {
    try {
      await hearth?.stop();
    } finally {
      hearth = undefined;
      await mcp?.close();
      await auth?.close();
      await fixture.close();
      fs.rmSync(storage, { recursive: true, force: true });
      fs.rmSync(workspace, { recursive: true, force: true });
    }
  });

  it('signs in to an HTTP+SSE server found by the fallback probe: its event stream and messages carry the token, which is refreshed silently', async () => {
    await startServers({}, 'sse');
    const editor = newEditor();
    const server = await start(editor);

    const running = await server.waitForServer('secure', (s) => s.state === 'running', 'running after sign-in');
    assert.equal(running.httpTransport, 'sse');
    assert.equal(running.signedIn, true);
    assert.deepEqual(running.tools.map((t) => t.name), ['secure.whoami']);
    assert.equal(editor.signIns.length, 1);
    assert.ok(server.mcpLogs.some((l) => /initialize with HTTP 405; trying the older HTTP\+SSE transport/.test(l)), server.mcpLogs.join('\n'));
    const access = (JSON.parse(editor.secrets.get(mcp.url) ?? '{}') as { tokens?: { access_token?: string } }).tokens?.access_token;
    assert.ok(access);

    assert.match(await whoami(server, 'Who am I?'), /^You are client-/);
    assert.equal(mcp.acceptedTokens.at(-1), access);

    // The access token expires: the message POST is refused once, the token refreshed with the refresh token, and the call retried.
    auth.expireAccessTokens();
    assert.match(await whoami(server, 'And now?'), /^You are client-/);
    assert.equal(tokenGrants('refresh_token').length, 1);
    assert.equal(editor.signIns.length, 1, 'a refresh does not ask the user');
  });

  it('signs in through the browser, calls a tool with the bearer token, refreshes an expired token silently, and signs out', async () => {
    await startServers();
    const editor = newEditor();
    const server = await start(editor);

    const running = await server.waitForServer('secure', (s) => s.state === 'running', 'running after sign-in');
    assert.deepEqual(running.tools.map((t) => t.name), ['secure.whoami']);
    assert.equal(running.signedIn, true);
    // One question, naming the server and where the user signs in.
    assert.equal(editor.signIns.length, 1);
    assert.equal(editor.signIns[0].server, 'secure');
    assert.equal(editor.signIns[0].authorizationServer, auth.issuer);
    const authorizeUrl = new URL(editor.signIns[0].authorizationUrl);
    assert.equal(authorizeUrl.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(authorizeUrl.searchParams.get('resource'), mcp.url, 'the RFC 8707 resource indicator names the MCP server');
    assert.match(authorizeUrl.searchParams.get('redirect_uri') ?? '', /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    assert.deepEqual(editor.redirects, [{ status: 200, state: authorizeUrl.searchParams.get('state') }]);
    // The code was exchanged with the verifier and the resource; the tokens went to secret storage under the server's URL only.
    const [exchange] = tokenGrants('authorization_code');
    assert.equal(exchange.resource, mcp.url);
    assert.ok(exchange.code_verifier && exchange.code_verifier.length >= 43);
    assert.deepEqual([...editor.secrets.keys()], [mcp.url]);
    const stored = JSON.parse(editor.secrets.get(mcp.url) ?? '{}') as { tokens?: { access_token?: string; refresh_token?: string } };
    const firstAccess = stored.tokens?.access_token;
    assert.ok(firstAccess && stored.tokens?.refresh_token);

    assert.match(await whoami(server, 'Who am I?'), /^You are client-/);
    assert.equal(mcp.acceptedTokens.at(-1), firstAccess);

    // The access token expires: the next call is refused once, refreshed with the refresh token, and retried, without asking the user.
    auth.expireAccessTokens();
    assert.match(await whoami(server, 'And now?'), /^You are client-/);
    assert.equal(tokenGrants('refresh_token').length, 1);
    assert.equal(tokenGrants('refresh_token')[0].resource, mcp.url);
    assert.equal(editor.signIns.length, 1, 'a refresh does not ask the user');
    const refreshedAccess = (JSON.parse(editor.secrets.get(mcp.url) ?? '{}') as { tokens?: { access_token?: string } }).tokens?.access_token;
    assert.ok(refreshedAccess && refreshedAccess !== firstAccess, 'the refreshed token replaced the old one in secret storage');
    assert.equal(mcp.acceptedTokens.at(-1), refreshedAccess);
    assert.ok(server.mcpLogs.some((l) => l === 'secure: Its access token was refreshed.'), server.mcpLogs.join('\n'));

    // No token ever reaches a log.
    const logs = [...server.mcpLogs, ...server.client.logs].join('\n');
    for (const issued of auth.issuedTokens()) assert.ok(!logs.includes(issued), 'a token was logged');

    // Sign out: the tokens are deleted and the server stops; restarting asks again.
    const signedOut = await server.client.connection.sendRequest(McpSignOutRequest.type, { name: 'secure' });
    assert.equal(signedOut.state, 'stopped');
    assert.equal(signedOut.signedIn, undefined);
    assert.match(signedOut.lastError ?? '', /signed out/);
    assert.equal(editor.secrets.size, 0);
    await server.client.connection.sendRequest(McpRestartRequest.type, { name: 'secure' });
    await server.waitForServer('secure', (s) => s.state === 'running', 'running after signing in again');
    assert.equal(editor.signIns.length, 2);
  });

  it('asks the user to sign in again when the grant was revoked, and the call that found out says so', async () => {
    await startServers();
    const editor = newEditor();
    const server = await start(editor);
    await server.waitForServer('secure', (s) => s.state === 'running', 'running after sign-in');
    auth.expireAccessTokens();
    auth.revokeRefreshTokens();
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'secure.whoami', arguments: {} }] }, { kind: 'text', text: 'Try later.' });
    const turn = await server.turn('Who am I?');
    assert.equal(turn.results[0].isError, true);
    assert.match(turn.results[0].content, /needs the user to sign in again/);
    await until(() => editor.signIns.length === 2, 'the second sign-in question', 20_000);
    await server.waitForServer('secure', (s) => s.state === 'running' && s.signedIn === true, 'running after signing in again');
    assert.equal(tokenGrants('authorization_code').length, 2);
  });

  it('refuses a redirect whose state it did not issue, and completes with the real one', async () => {
    await startServers();
    const editor = newEditor('forgeStateFirst');
    const server = await start(editor);
    await server.waitForServer('secure', (s) => s.state === 'running', 'running after sign-in');
    assert.equal(editor.redirects.length, 2);
    assert.deepEqual(editor.redirects[0], { status: 400, state: 'forged-state' });
    assert.equal(editor.redirects[1].status, 200);
    // The forged code never reached the token endpoint.
    const exchanged = tokenGrants('authorization_code').map((g) => g.code);
    assert.ok(!exchanged.includes('attacker-code'), JSON.stringify(exchanged));
    assert.equal(exchanged.length, 1);
  });

  it('fails cleanly with the authorization server\'s reason when the PKCE verifier does not match, and keeps running', async () => {
    await startServers({ tamperChallenge: true });
    const editor = newEditor();
    const server = await start(editor);
    const failed = await server.waitForServer('secure', (s) => s.state === 'failed', 'failed');
    assert.match(failed.lastError ?? '', /signing in to http:\/\/127\.0\.0\.1:\d+ failed: .*code_verifier does not match/);
    assert.match(failed.lastError ?? '', /Restart MCP Server/);
    assert.equal(failed.signedIn, undefined);
    assert.equal(editor.secrets.has(mcp.url) && JSON.parse(editor.secrets.get(mcp.url) ?? '{}').tokens !== undefined, false, 'no tokens were stored');
    // The language server still answers; a failed sign-in is final (state failed, no restart scheduled), since a retry would open the browser again.
    const [again] = await server.list();
    assert.equal(again.state, 'failed');
    assert.equal(again.nextRestartAt, undefined);
    assert.equal(editor.signIns.length, 1);
  });

  it('refuses metadata that shows the user one server\'s sign-in page and sends the code to another\'s token endpoint (a mix-up)', async () => {
    // The user's real authorization server, and a hostile one whose metadata borrows its sign-in page and registration.
    const honest = await startAuthorizationServer();
    try {
      await startServers({ endpoints: { authorization_endpoint: `${honest.issuer}/authorize`, registration_endpoint: `${honest.issuer}/register` } });
      const editor = newEditor();
      const server = await start(editor);
      const failed = await server.waitForServer('secure', (s) => s.state === 'failed', 'failed');
      assert.match(failed.lastError ?? '', /sign-in page .* is not on the authorization server/);
      assert.deepEqual(editor.signIns, [], 'the user was never asked to sign in at the borrowed page');
      assert.deepEqual(tokenGrants('authorization_code'), [], 'no code or verifier reached the hostile token endpoint');
      // Registration opened the loopback listener the browser would have come back to; a sign-in that failed before
      // the browser stops it, so no page can probe or post to it while the server sits failed.
      const [redirectUri] = honest.registeredRedirectUris();
      assert.match(redirectUri ?? '', /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
      await assert.rejects(fetch(redirectUri), (err: Error & { cause?: { code?: string } }) => err.cause?.code === 'ECONNREFUSED', 'the loopback listener is closed');
    } finally {
      await honest.close();
    }
  });

  it('leaves the server stopped with a clear message when the user declines to sign in', async () => {
    await startServers();
    const editor = newEditor('decline');
    const server = await start(editor);
    const stopped = await server.waitForServer('secure', (s) => s.state === 'stopped', 'stopped');
    assert.match(stopped.lastError ?? '', /You declined to sign in to http:\/\/127\.0\.0\.1:\d+/);
    assert.equal(tokenGrants('authorization_code').length, 0);
    // Hearth keeps running: the next sign-in is one restart away.
    editor.browser = 'follow';
    await server.client.connection.sendRequest(McpRestartRequest.type, { name: 'secure' });
    await server.waitForServer('secure', (s) => s.state === 'running', 'running after signing in');
    assert.equal(editor.signIns.length, 2);
    await until(() => editor.secrets.has(mcp.url), 'the tokens to be stored');
  });
});
