/**
 * Whose failures the admin page's sign-in throttle counts. Behind a trusted
 * TLS proxy, each client by the address the proxy forwarded; from anyone
 * else, the connection's own address, whatever X-Forwarded-For it sends, so
 * a guesser cannot dodge the block by making up an address per guess.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { clientAddress, parseTrustedProxies } from '../../agent-host/server/admin/clientAddress';

/** A request as the admin routes see it: the socket's peer and the headers (Node joins repeated X-Forwarded-For with ", "). */
function request(remoteAddress: string, forwardedFor?: string): IncomingMessage {
  return { socket: { remoteAddress }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } } as unknown as IncomingMessage;
}

describe('admin page: the client address behind proxies', () => {
  const proxies = parseTrustedProxies('10.0.0.0/8, 127.0.0.1, fd00::/8');

  it('believes a trusted proxy: the client it forwarded, skipping other trusted hops', () => {
    assert.equal(clientAddress(request('10.1.2.3', '203.0.113.9'), proxies), '203.0.113.9');
    assert.equal(clientAddress(request('::ffff:127.0.0.1', '198.51.100.7, 10.9.9.9'), proxies), '198.51.100.7', 'an inner proxy is skipped');
    assert.equal(clientAddress(request('fd00::1', '2001:db8::5'), proxies), '2001:db8::5');
  });

  it('takes the rightmost address a trusted proxy added, not what the client wrote before it', () => {
    assert.equal(clientAddress(request('10.1.2.3', '1.1.1.1, 2.2.2.2, 203.0.113.9'), proxies), '203.0.113.9');
  });

  it('ignores X-Forwarded-For from anyone it does not trust', () => {
    assert.equal(clientAddress(request('203.0.113.9', '1.2.3.4'), proxies), '203.0.113.9');
    assert.equal(clientAddress(request('::ffff:192.0.2.1', '10.0.0.1'), proxies), '192.0.2.1');
    assert.equal(clientAddress(request('10.1.2.3', '1.2.3.4'), parseTrustedProxies('')), '10.1.2.3', 'no proxy is trusted unless configured');
  });

  it('stops at an entry that is not an address, and uses the proxy when nothing was forwarded', () => {
    assert.equal(clientAddress(request('10.1.2.3', '1.2.3.4, not-an-ip'), proxies), '10.1.2.3');
    assert.equal(clientAddress(request('10.1.2.3', '1.2.3.4, garbage, 10.0.0.7'), proxies), '10.0.0.7');
    assert.equal(clientAddress(request('10.1.2.3'), proxies), '10.1.2.3');
  });
});
