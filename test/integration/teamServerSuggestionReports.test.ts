/**
 * Suggestion usage reports as a hostile developer sends them: a real team
 * server over TLS, and a client signed in with a normal API key that reports
 * far more, and far more often, than Hearth's own reporter ever would. What
 * the admin page would show (the server's activity figures) stays bounded,
 * and the refused reports say why.
 */
import assert from 'node:assert/strict';
import { RemoteAgent } from '../../language-server/remote/remoteAgent';
import type { TeamConnection } from '../../language-server/remote/teamConnection';
import { BOB_KEY, teamConnection, useScriptedTeamServer } from './teamServerHarness';

describe('team server: suggestion usage reports are bounded (integration)', function () {
  this.timeout(60_000);
  const suite = useScriptedTeamServer();
  let connection: TeamConnection;

  after(() => connection?.close());

  it('refuses a report that counts more than a person could see, and reports beyond 60 a minute, counting none of them', async () => {
    connection = teamConnection(suite.server.port, suite.pki, BOB_KEY);
    const agent = new RemoteAgent(connection);
    const huge = Array.from({ length: 64 }, (_, i) => ({ language: `lang-${i}`, shown: 100_000, accepted: 100_000 }));
    await assert.rejects(agent.reportSuggestions(huge), (err: Error) => /must add up to at most 1000 in one report/.test(err.message));

    // A flood of small reports, all at once: the first 60 are counted, the rest refused (each waits once for the retry time the server gives).
    const outcomes = await Promise.allSettled(Array.from({ length: 150 }, () => agent.reportSuggestions([{ language: 'go', shown: 1000, accepted: 1000 }])));
    const counted = outcomes.filter((o) => o.status === 'fulfilled').length;
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    assert.ok(counted >= 60 && counted <= 70, `about 60 reports counted (got ${counted})`);
    assert.match(String((refused[0]?.reason as Error | undefined)?.message), /at most 60 times a minute per user, and this report was not counted/);
    const bob = suite.server.activity.snapshot().users.find((u) => u.user === 'bob');
    assert.equal(bob?.suggestionsShown, counted * 1000, 'only the counted reports reach the admin page');
    assert.ok(!suite.server.activity.snapshot().languages.some((l) => l.language.startsWith('lang-')), 'the refused report counted nothing');
  });
});
