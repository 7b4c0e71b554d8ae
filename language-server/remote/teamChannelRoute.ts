/**
 * How the gRPC channel to a team server is dialled: straight to the server,
 * or through the company's HTTP proxy in a CONNECT tunnel when the same
 * rule that routes model servers and web pages says so (OutgoingProxies:
 * `http.proxy`, `http.noProxy`, else HTTPS_PROXY and NO_PROXY).
 *
 * grpc-js can tunnel on its own, but it decides from lowercase environment
 * variables only (grpc_proxy, https_proxy, http_proxy), never from VS Code's
 * settings, and ignores `http.noProxy`: two owners of one decision. Its own
 * choice is switched off, and the channel is given the decision instead: it
 * dials the proxy, asks it for a tunnel to the team server, and runs TLS to
 * the team server through the tunnel, checking the team server's own name
 * and certificate as on a direct connection. The proxy sees only the host
 * name and the encrypted stream. (`http.proxyStrictSSL` is about servers a
 * proxy re-encrypts for; the team server's certificate is always checked.)
 */
import type { ChannelOptions } from '@grpc/grpc-js';
import { describeProxy, type HttpProxy } from '../net/httpProxy';
import type { TeamServerAddress } from './teamServerUrl';

export interface TeamChannelRoute {
  /** What the channel dials: the team server, or the proxy. */
  target: string;
  options: ChannelOptions;
}

/** The route to `address`, through `proxy` when one is given. Throws, with a sentence for the user, for a proxy the channel cannot use. */
export function teamChannelRoute(address: TeamServerAddress, proxy: HttpProxy | undefined): TeamChannelRoute {
  const options: ChannelOptions = { 'grpc.enable_http_proxy': 0 };
  if (!proxy) return { target: address.target, options };
  if (proxy.url.protocol !== 'http:') {
    throw new Error(`the proxy ${describeProxy(proxy)} is reached over TLS; the team server connection can tunnel only through an http:// proxy (its traffic to the team server is encrypted end to end either way).`);
  }
  const credentials = proxyCredentials(proxy);
  options['grpc.http_connect_target'] = `dns:///${address.target}`;
  // The team server (and a load balancer in front of it) sees its own name as the authority, not the proxy's.
  options['grpc.default_authority'] = address.target;
  if (credentials !== undefined) options['grpc.http_connect_creds'] = credentials;
  return { target: `${proxy.url.hostname}:${proxy.url.port || '80'}`, options };
}

/** `user:password` for the tunnel's Basic Proxy-Authorization: from `http.proxyAuthorization`, else from the proxy's address. */
function proxyCredentials(proxy: HttpProxy): string | undefined {
  if (proxy.authorization) {
    const basic = /^Basic\s+([A-Za-z0-9+/]+=*)$/i.exec(proxy.authorization);
    if (!basic) {
      const scheme = proxy.authorization.split(/\s+/)[0];
      throw new Error(`http.proxyAuthorization uses the ${scheme} scheme; the team server connection can send a proxy only Basic credentials (or put them in the proxy's address).`);
    }
    return Buffer.from(basic[1], 'base64').toString('utf8');
  }
  if (!proxy.url.username) return undefined;
  const user = decodeURIComponent(proxy.url.username);
  return proxy.url.password ? `${user}:${decodeURIComponent(proxy.url.password)}` : user;
}
