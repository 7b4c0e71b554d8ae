/**
 * Shared setup for the team server tests: real certificates made with the
 * openssl CLI (a CA, and a server certificate for localhost/127.0.0.1),
 * JWT signing keys, and a configured server in front of the scripted Ollama.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG, type ServerConfig } from '../../agent-host/server/config/serverConfig';
import { sha256Hash } from '../../agent-host/server/auth/apiKeys';
import type { AuditEvent, AuditLog } from '../../agent-host/server/ops/auditLog';
import { silentLogger } from '../../agent-host/server/ops/logger';
import { startTeamServer, type TeamServer } from '../../agent-host/server/teamServer';
import type { AgentEvent } from '../../protocol/chat';
import { TeamConnection } from '../../language-server/remote/teamConnection';
import { parseTeamServerUrl } from '../../language-server/remote/teamServerUrl';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';

export interface TestPki {
  dir: string;
  caPem: Buffer;
  certFile: string;
  keyFile: string;
  /** A client certificate signed by the same CA, for mutual TLS. */
  clientCertFile: string;
  clientKeyFile: string;
  rsaPrivateFile: string;
  rsaPublicFile: string;
  rsaPublicPem: string;
  hsSecret: string;
  cleanup(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

/** A throwaway CA with a server and a client certificate (EC P-256: fast to make). */
export function makePki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-team-pki-'));
  openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=Hearth Test CA']);
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=DNS:localhost,DNS:team.hearth.test,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  openssl(dir, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost']);
  openssl(dir, ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'server.ext']);
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  openssl(dir, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=alice-laptop']);
  openssl(dir, ['x509', '-req', '-in', 'client.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.crt', '-days', '2', '-extfile', 'client.ext']);
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  writeFileSync(join(dir, 'jwt-rs.key'), rsa.privateKey);
  writeFileSync(join(dir, 'jwt-rs.pub'), rsa.publicKey);
  return {
    dir,
    caPem: readFileSync(join(dir, 'ca.crt')),
    certFile: join(dir, 'server.crt'),
    keyFile: join(dir, 'server.key'),
    clientCertFile: join(dir, 'client.crt'),
    clientKeyFile: join(dir, 'client.key'),
    rsaPrivateFile: join(dir, 'jwt-rs.key'),
    rsaPublicFile: join(dir, 'jwt-rs.pub'),
    rsaPublicPem: rsa.publicKey,
    hsSecret: randomBytes(48).toString('base64'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Another server certificate for localhost from the same CA, as a renewal
 * would issue it: `<name>.crt` and `<name>.key` in the PKI's folder.
 */
export function issueServerCertificate(pki: TestPki, name: string): { certFile: string; keyFile: string } {
  openssl(pki.dir, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', '/CN=localhost']);
  openssl(pki.dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', 'server.ext']);
  return { certFile: join(pki.dir, `${name}.crt`), keyFile: join(pki.dir, `${name}.key`) };
}

export const ALICE_KEY = 'hearth_test-key-for-alice-0123456789abcdefghijklmnop';
export const BOB_KEY = 'hearth_test-key-for-bob-0123456789abcdefghijklmnopqr';
export const ISSUER = 'hearth-test';
export const AUDIENCE = 'hearth-team-test';

/**
 * A remote-mode config: TLS, auth with two signing keys (RS256 "rs-2" signs
 * new tokens; HS256 "hs-1" is the previous key, still accepted for rotation).
 */
export function remoteConfig(pki: TestPki, ollamaUrl: string, overrides: (c: ServerConfig) => void = () => {}): ServerConfig {
  const config = structuredClone(DEFAULT_CONFIG);
  config.server = { ...config.server, mode: 'remote', host: '127.0.0.1', port: 0, shutdownGraceMs: 2000 };
  config.tls = { certFile: pki.certFile, keyFile: pki.keyFile, clientCaFile: '' };
  config.auth = {
    ...config.auth,
    enabled: true,
    issuer: ISSUER,
    audience: AUDIENCE,
    accessTtlMs: 60_000,
    refreshTtlMs: 3_600_000,
    signingKeys: [
      { kid: 'hs-1', algorithm: 'HS256', secret: pki.hsSecret },
      { kid: 'rs-2', algorithm: 'RS256', privateKeyFile: pki.rsaPrivateFile, publicKeyFile: pki.rsaPublicFile },
    ],
    activeKid: 'rs-2',
    apiKeys: [
      { user: 'alice', hash: sha256Hash(ALICE_KEY) },
      { user: 'bob', hash: sha256Hash(BOB_KEY) },
    ],
  };
  config.backends = [{ name: 'fixture', type: 'ollama', url: ollamaUrl, maxConcurrency: 4 }];
  config.metrics = { host: '127.0.0.1', port: 0, hosts: '' };
  overrides(config);
  return config;
}

export class MemoryAudit implements AuditLog {
  readonly events: AuditEvent[] = [];
  readonly lines: string[] = [];
  record(event: AuditEvent): void {
    this.events.push(event);
    this.lines.push(JSON.stringify(event));
  }
}

export async function startTestServer(config: ServerConfig, audit = new MemoryAudit()): Promise<{ server: TeamServer; audit: MemoryAudit }> {
  const server = await startTeamServer({ config, logger: silentLogger, audit, processMetrics: false });
  return { server, audit };
}

/** Polls until `check` returns a value (not undefined), for conditions no event announces. */
export async function eventually<T>(check: () => T | undefined, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The client the language server uses, signed in as `apiKey`'s user (alice by default) on `port`, trusting the test CA. */
export function teamConnection(port: number, pki: TestPki, apiKey = ALICE_KEY): TeamConnection {
  return new TeamConnection({ address: parseTeamServerUrl(`grpcs://localhost:${port}`), apiKey, tls: { caPem: pki.caPem } });
}

/** Every event of a turn, in order. */
export async function collect(events: AsyncIterable<AgentEvent>): Promise<AgentEvent[]> {
  const out: AgentEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

/** What useScriptedTeamServer gives a suite once its `before` hook ran. */
export interface ScriptedTeamServer {
  pki: TestPki;
  fixture: OllamaFixture;
  server: TeamServer;
}

/**
 * Registers mocha hooks that start, for the whole suite, a scripted Ollama
 * and a team server in front of it (the default remote configuration with
 * fresh certificates), and stop both after it. Read the fields inside tests
 * and hooks only: they are set by the `before` hook.
 */
export function useScriptedTeamServer(): ScriptedTeamServer {
  const suite = {} as ScriptedTeamServer;
  before(async () => {
    suite.pki = makePki();
    suite.fixture = await startOllamaFixture();
    ({ server: suite.server } = await startTestServer(remoteConfig(suite.pki, suite.fixture.url)));
  });
  after(async () => {
    await suite.server?.shutdown(200);
    await suite.fixture?.close();
    suite.pki?.cleanup();
  });
  return suite;
}
