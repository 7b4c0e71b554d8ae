/**
 * The gRPC port's TLS credentials, re-read from their files without a
 * restart. Certificates are renewed every few weeks (cert-manager rewrites a
 * Kubernetes Secret, certbot a file); a server that read them once would go
 * on presenting the old one until it expires, and then every developer's
 * connection fails. A reload changes what new connections are given; open
 * connections, and the turns streaming on them, keep the session they have.
 *
 * A new set is checked before it is used (the key must match the
 * certificate, the PEM must parse): files caught half-written, or a
 * mismatched pair, leave the previous certificate in force and are reported,
 * rather than refusing every new connection until the next look.
 */
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';

export interface TlsFiles {
  certFile: string;
  keyFile: string;
  /** Set for mutual TLS: the CA client certificates must be signed by. */
  clientCaFile: string;
}

export type TlsReload = { changed: false } | { changed: true; notAfter: string };

function readOptions(files: TlsFiles, readFile: (path: string) => string): { options: SecureContextOptions; fingerprint: string; notAfter: string } {
  const cert = Buffer.from(readFile(files.certFile));
  const key = Buffer.from(readFile(files.keyFile));
  const ca = files.clientCaFile ? Buffer.from(readFile(files.clientCaFile)) : undefined;
  const options: SecureContextOptions = { cert: [cert], key: [key], ...(ca ? { ca } : {}) };
  let leaf: X509Certificate;
  try {
    // Throws for a key that does not match the certificate, or PEM that does not parse.
    createSecureContext(options);
    leaf = new X509Certificate(cert);
  } catch (err) {
    throw new Error(`tls.cert_file ${files.certFile} and tls.key_file ${files.keyFile}${ca ? ` (with tls.client_ca_file ${files.clientCaFile})` : ''} are not a usable certificate and key: ${(err as Error).message}`);
  }
  return { options, fingerprint: `${leaf.fingerprint256}|${key.toString('base64')}|${ca?.toString('base64') ?? ''}`, notAfter: leaf.validTo };
}

export class ReloadingTlsCredentials extends grpc.ServerCredentials {
  private fingerprint: string;
  /** When the certificate in use expires, as X509Certificate.validTo says it. */
  notAfter: string;

  constructor(private readonly files: TlsFiles, private readonly readFile: (path: string) => string) {
    const first = readOptions(files, readFile);
    // requestCert asks for a client certificate; Node's TLS server then refuses one the CA did not sign (rejectUnauthorized defaults to true).
    super({ requestCert: !!files.clientCaFile, ciphers: process.env.GRPC_SSL_CIPHER_SUITES }, first.options);
    this.fingerprint = first.fingerprint;
    this.notAfter = first.notAfter;
  }

  /**
   * Reads the files again and, when they changed, gives new connections the
   * new certificate. Throws (the previous set stays in force) when they do
   * not make a valid set.
   */
  reload(): TlsReload {
    const next = readOptions(this.files, this.readFile);
    if (next.fingerprint === this.fingerprint) return { changed: false };
    this.updateSecureContextOptions(next.options);
    this.fingerprint = next.fingerprint;
    this.notAfter = next.notAfter;
    return { changed: true, notAfter: next.notAfter };
  }

  _equals(other: grpc.ServerCredentials): boolean {
    return other === this;
  }
}
