import * as assert from 'node:assert/strict';
import { httpProxyFor } from '../../language-server/net/httpProxy';
import { teamChannelRoute } from '../../language-server/remote/teamChannelRoute';
import { parseTeamServerUrl } from '../../language-server/remote/teamServerUrl';

describe('teamChannelRoute: how the team server channel is dialled', () => {
  const address = parseTeamServerUrl('grpcs://gpu.corp.example:50051');
  const proxy = (settings: Record<string, unknown>) => httpProxyFor(new URL('https://gpu.corp.example:50051'), settings, {});

  it('dials the team server itself without a proxy, and never lets grpc-js pick one from the environment', () => {
    assert.deepEqual(teamChannelRoute(address, undefined), { target: 'gpu.corp.example:50051', options: { 'grpc.enable_http_proxy': 0 } });
  });

  it('dials the proxy and tunnels to the team server, which keeps its own name as the authority', () => {
    const route = teamChannelRoute(address, proxy({ proxy: 'proxy.corp:3128' }));
    assert.deepEqual(route, {
      target: 'proxy.corp:3128',
      options: { 'grpc.enable_http_proxy': 0, 'grpc.http_connect_target': 'dns:///gpu.corp.example:50051', 'grpc.default_authority': 'gpu.corp.example:50051' },
    });
    assert.equal(teamChannelRoute(address, proxy({ proxy: 'http://[fd00::1]' })).target, '[fd00::1]:80', 'an IPv6 proxy on the http default port');
  });

  it('sends Basic credentials from http.proxyAuthorization, else from the address (percent-decoded)', () => {
    const header = `Basic ${Buffer.from('dev:pä:ss').toString('base64')}`;
    assert.equal(teamChannelRoute(address, proxy({ proxy: 'http://u:p@proxy.corp:3128', proxyAuthorization: header })).options['grpc.http_connect_creds'], 'dev:pä:ss');
    assert.equal(teamChannelRoute(address, proxy({ proxy: 'http://dev%40corp:s%3Acret@proxy.corp:3128' })).options['grpc.http_connect_creds'], 'dev@corp:s:cret');
  });

  it('refuses, saying why, a proxy reached over TLS and credentials other than Basic', () => {
    assert.throws(() => teamChannelRoute(address, proxy({ proxy: 'https://proxy.corp:3128' })), /https:\/\/proxy\.corp:3128 \(from http\.proxy\) is reached over TLS/);
    assert.throws(() => teamChannelRoute(address, proxy({ proxy: 'proxy.corp:3128', proxyAuthorization: 'Negotiate YIIB' })), /Negotiate scheme.*only Basic/);
  });
});
