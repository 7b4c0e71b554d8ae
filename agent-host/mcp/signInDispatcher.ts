import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import type { Dispatcher } from 'undici';
import { addressKind, type AddressKind } from './addressKind';

/** All the addresses of a host name: the system's resolver in Hearth, a fixed table in tests. */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) => dnsLookup(hostname, { all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))));

/** A sign-in connection Hearth refused because of the address it would have reached; the message says which and why. */
export class SignInAddressRefused extends Error {
  readonly permanent = true;
}

/**
 * Why a sign-in request of a server at an address of kind `server` may not
 * connect to an address of kind `target`, or undefined when it may. A server
 * on this computer may send its sign-in anywhere; one on a private network
 * anywhere but this computer; one on the public internet only to the public
 * internet. Otherwise a remote server's 401 or metadata could make Hearth
 * send requests (with any path and query, and form bodies) to the services on
 * the developer's machine, their network, or their cloud's metadata service.
 */
export function addressProblem(target: AddressKind, server: AddressKind): string | undefined {
  if (server === 'loopback' || target === 'public') return undefined;
  if (target === 'loopback') return 'an address on this computer, and only an MCP server on this computer may send its sign-in to this computer';
  if (server === 'private') return undefined;
  return 'an address on a private network (or a cloud\'s metadata service), and the MCP server is on the public internet';
}

/**
 * Where the MCP server at `url` is, judged so that whoever answers for its
 * name cannot make it look more local than it is: this computer only by its
 * address literal or `localhost` (as the name rule in signInUrlProblem), and
 * a name as the most public kind among its addresses. A name answering with
 * a public address and 127.0.0.1 side by side, or with 127.0.0.1 at the
 * moment this is asked, is thus never "this computer", and one that does not
 * resolve counts as public, the strictest. (A name that answers only private
 * addresses at this moment is judged private: a name server that lies about
 * a public MCP server can still reach the private network this way, not this
 * computer.)
 */
export async function serverAddressKind(url: URL, resolve: Resolver): Promise<AddressKind> {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (isIP(host)) return addressKind(host);
  if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback';
  let kinds: AddressKind[];
  try {
    kinds = (await resolve(host)).map((a) => addressKind(a.address));
  } catch {
    return 'public';
  }
  return kinds.length === 0 || kinds.includes('public') ? 'public' : 'private';
}

/**
 * An undici dispatcher for the sign-in requests of a server at an address of
 * kind `server`, which checks every address it connects to (names after they
 * resolve, address literals as they are, redirects included) against
 * addressProblem. The check is made where the connection is made, on the
 * addresses it will use, so a name that resolved to a public address when
 * first asked and to 127.0.0.1 a moment later (DNS rebinding) is refused too.
 */
export async function signInDispatcher(server: AddressKind, resolve: Resolver): Promise<Dispatcher> {
  const undici = await import('undici');
  const lookup: LookupFunction = (hostname, options, callback) => {
    const answer = callback as unknown as (err: Error | null, address?: string | LookupAddress[], family?: number) => void;
    resolve(hostname).then(
      (addresses) => {
        for (const { address } of addresses) {
          const problem = addressProblem(addressKind(address), server);
          if (problem) return answer(new SignInAddressRefused(`${hostname} resolves to ${address}, ${problem}`));
        }
        const usable = options.family ? addresses.filter((a) => a.family === options.family) : addresses;
        if (usable.length === 0) return answer(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }));
        if (options.all) answer(null, usable);
        else answer(null, usable[0].address, usable[0].family);
      },
      (err: Error) => answer(err),
    );
  };
  const connect = undici.buildConnector({ lookup });
  return new undici.Agent({
    connect: (opts, callback) => {
      // An address literal is never looked up, so it is checked here.
      const host = opts.hostname.replace(/^\[|\]$/g, '');
      const problem = isIP(host) ? addressProblem(addressKind(host), server) : undefined;
      if (problem) return callback(new SignInAddressRefused(`${host} is ${problem}`), null);
      return connect(opts, callback);
    },
  });
}

/** The refusal somewhere in `err`'s chain of causes (fetch wraps a failed connection in "fetch failed"). */
export function refusalIn(err: unknown): SignInAddressRefused | undefined {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof SignInAddressRefused) return e;
  }
  return undefined;
}
