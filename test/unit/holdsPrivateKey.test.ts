/**
 * Which text the codebase index takes for a private key and leaves out: a
 * key, in any of its PEM forms or escaped inside JSON, but not code that
 * merely names the header, and no text can make the check slow.
 */
import assert from 'node:assert/strict';
import { holdsPrivateKey } from '../../agent-host/search/holdsPrivateKey';

const MATERIAL = 'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun';

describe('holdsPrivateKey', () => {
  it('finds a key in its PEM forms, also escaped inside a service-account JSON', () => {
    for (const kind of ['RSA PRIVATE KEY', 'OPENSSH PRIVATE KEY', 'PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'EC PRIVATE KEY']) {
      assert.ok(holdsPrivateKey(`-----BEGIN ${kind}-----\n${MATERIAL}\n-----END ${kind}-----\n`), kind);
    }
    assert.ok(holdsPrivateKey(`-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: GnuPG v2\n\n${MATERIAL}\n`));
    assert.ok(holdsPrivateKey(Buffer.from(JSON.stringify({ private_key: `-----BEGIN PRIVATE KEY-----\n${MATERIAL}\n-----END PRIVATE KEY-----\n` }))));
  });

  it('leaves code that only names the header, public keys and certificates alone', () => {
    assert.ok(!holdsPrivateKey("if (pem.startsWith('-----BEGIN RSA PRIVATE KEY-----')) return parseRsa(pem);\n"));
    assert.ok(!holdsPrivateKey(`-----BEGIN PUBLIC KEY-----\n${MATERIAL}\n-----END PUBLIC KEY-----\n`));
    assert.ok(!holdsPrivateKey(`-----BEGIN CERTIFICATE-----\n${MATERIAL}\n-----END CERTIFICATE-----\n`));
  });

  it('answers at once for half a megabyte of headers each followed by near-misses', () => {
    const text = `-----BEGIN ${'A'.repeat(39)} PRIVATE KEY-----${`${'a'.repeat(39)} `.repeat(5)}`.repeat(2000).slice(0, 512 * 1024);
    const started = performance.now();
    assert.equal(holdsPrivateKey(text), false);
    assert.ok(performance.now() - started < 500, `${Math.round(performance.now() - started)} ms`);
  });
});
