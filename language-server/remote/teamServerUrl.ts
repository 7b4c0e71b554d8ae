/**
 * Parses the team server address the user typed: `grpcs://host:port` (TLS)
 * or `grpc://host:port` (plaintext, accepted only for loopback addresses,
 * where a standalone agent host runs without TLS).
 */
export interface TeamServerAddress {
  /** host:port as gRPC dials it. */
  target: string;
  host: string;
  port: number;
  tls: boolean;
  /** What the status bar shows. */
  display: string;
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export function parseTeamServerUrl(url: string): TeamServerAddress {
  const trimmed = url.trim();
  const match = /^(grpcs?):\/\/(\[[^\]]+\]|[^/:\s]+)(?::(\d+))?\/?$/i.exec(trimmed);
  if (!match) throw new Error(`"${trimmed}" is not a team server address. Write it as grpcs://host:port, for example grpcs://gpu.example.com:50051.`);
  const tls = match[1].toLowerCase() === 'grpcs';
  const host = match[2];
  const port = match[3] ? Number(match[3]) : tls ? 443 : 50051;
  if (port < 1 || port > 65535) throw new Error(`Port ${port} in "${trimmed}" is not a valid port.`);
  if (!tls && !isLoopbackHost(host.replace(/^\[|\]$/g, ''))) {
    throw new Error(`"${trimmed}" would send your API key and code unencrypted. Use grpcs:// for a team server; grpc:// is only for an agent host on this machine.`);
  }
  return { target: `${host}:${port}`, host, port, tls, display: `${host}:${port}` };
}
