/**
 * What `@codebase` attached, under the user's message: one line saying how
 * many references from how many files, opening to the chunks, each of which
 * asks the extension to open it (by position, never by path). Shown as soon
 * as the turn starts and again when the chat is reopened.
 */
import assert from 'node:assert/strict';
import type { ContextReference } from '../../protocol/chat';
import type { UserEntry } from '../../protocol/sessions';
import { parseFromWebview } from '../../protocol/webviewMessages';
import { click, createHarness, sessionView, type Harness } from './webviewTestHarness';

const REFS: ContextReference[] = [
  { path: 'src/store/sessionStore.ts', startLine: 10, endLine: 42 },
  { path: 'src/store/sessionStore.ts', startLine: 60, endLine: 80 },
  { path: 'docs/crash.md', startLine: 1, endLine: 12 },
];

describe('webview @codebase references', () => {
  let h: Harness;
  afterEach(() => h.dispose());

  it('lists what @codebase attached under a stored message; a click asks to open that reference', () => {
    h = createHarness();
    const user: UserEntry = { kind: 'user', id: 'u1', text: '@codebase how are sessions stored?', context: [{ kind: 'file', path: 'README.md' }, { kind: 'mention', path: 'codebase', references: REFS }], at: 1 };
    h.send({ type: 'session', session: sessionView('s1', [user]) });
    const list = h.$('context-references')!;
    assert.equal(list.tagName, 'DETAILS');
    assert.equal((list as HTMLDetailsElement).open, false, 'collapsed: one line under the chips');
    assert.equal(list.querySelector('summary')!.textContent, '@codebase: used 3 references in 2 files');
    const links = h.$$('context-reference');
    assert.deepEqual(
      links.map((l) => l.textContent),
      ['src/store/sessionStore.ts:10-42', 'src/store/sessionStore.ts:60-80', 'docs/crash.md:1-12'],
    );
    click(links[2]);
    assert.deepEqual(h.api.messages.at(-1), { type: 'openReference', sessionId: 's1', entryId: 'u1', context: 1, reference: 2 });
  });

  it('shows the references of a message just sent, from the turn start', () => {
    h = createHarness();
    h.send({ type: 'session', session: sessionView('s1', []) });
    assert.equal(h.$('context-references'), null);
    const input = { text: '@codebase where is the token verified?', context: [{ kind: 'mention' as const, path: 'codebase' }] };
    h.send({ type: 'turnStarted', sessionId: 's1', userEntryId: 'u1', assistantEntryId: 'a1', retry: false, input, references: [{ context: 0, references: REFS.slice(2) }] });
    h.scheduler.flush();
    assert.equal(h.$('context-references')?.querySelector('summary')?.textContent, '@codebase: used 1 reference in 1 file');
    click(h.$('context-reference')!);
    assert.deepEqual(h.api.messages.at(-1), { type: 'openReference', sessionId: 's1', entryId: 'u1', context: 0, reference: 0 });
  });

  it('the extension takes an open request only with a session, a message and two small positions', () => {
    const good = { type: 'openReference', sessionId: 's1', entryId: 'u1', context: 1, reference: 0 };
    assert.deepEqual(parseFromWebview(good), { ok: true, message: good });
    for (const bad of [{ context: -1, reference: 0 }, { context: 0.5, reference: 0 }, { context: 0, reference: '0' }, { context: 0, reference: 1e9 }]) {
      const parsed = parseFromWebview({ ...good, ...bad });
      assert.ok(!parsed.ok && /position/.test(parsed.reason), JSON.stringify(bad));
    }
  });
});
