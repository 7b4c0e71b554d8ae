/**
 * The keys tokens are signed and verified with. Each key has a kid and exactly
 * one algorithm; a token is verified only with the key its `kid` names and only
 * with that key's algorithm, which rules out `alg: none` and HS256/RS256 confusion.
 */
import { createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import type { SigningAlgorithm, SigningKeyConfig } from '../config/serverConfig';

export interface SigningKey {
  kid: string;
  algorithm: SigningAlgorithm;
  /** Absent for verify-only keys (a public key from another replica, or a retired key). */
  signKey?: KeyObject;
  verifyKey: KeyObject;
}

export function loadSigningKeys(configs: SigningKeyConfig[], readFile: (path: string) => string): SigningKey[] {
  return configs.map((c) => {
    if (c.algorithm === 'HS256') {
      const secret = createSecretKey(Buffer.from(c.secret ?? '', 'utf8'));
      if ((secret.symmetricKeySize ?? 0) < 32) throw new Error(`signing key ${c.kid}: HS256 secrets must be at least 32 bytes.`);
      return { kid: c.kid, algorithm: c.algorithm, signKey: secret, verifyKey: secret };
    }
    const signKey = c.privateKeyFile ? createPrivateKey(readFile(c.privateKeyFile)) : undefined;
    const verifyKey = c.publicKeyFile ? createPublicKey(readFile(c.publicKeyFile)) : createPublicKey(signKey!);
    const expected = c.algorithm === 'RS256' ? 'rsa' : 'ec';
    if (verifyKey.asymmetricKeyType !== expected) {
      throw new Error(`signing key ${c.kid}: ${c.algorithm} needs an ${expected} key, but the file holds ${verifyKey.asymmetricKeyType ?? 'an unknown key type'}.`);
    }
    if (expected === 'rsa' && (verifyKey.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) throw new Error(`signing key ${c.kid}: RSA keys must have at least 2048 bits.`);
    if (expected === 'ec' && verifyKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new Error(`signing key ${c.kid}: ES256 needs a P-256 (prime256v1) key.`);
    return { kid: c.kid, algorithm: c.algorithm, signKey, verifyKey };
  });
}
