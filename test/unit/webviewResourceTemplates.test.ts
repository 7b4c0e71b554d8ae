/**
 * Picking an MCP resource template in the `@` list: the composer asks the
 * extension for the template's values instead of inserting the template, then
 * inserts the expanded resource as a mention; a cancelled question attaches
 * nothing.
 */
import assert from 'node:assert/strict';
import { createHarness, delay, keydown, type, type Harness } from './webviewTestHarness';

const template = 'mcp:everything/demo://resource/dynamic/text/{resourceId}';

describe('webview @ resource templates', () => {
  let h: Harness;
  let composer: HTMLTextAreaElement;
  beforeEach(() => {
    h = createHarness();
    composer = h.$('composer') as HTMLTextAreaElement;
  });
  afterEach(() => h.dispose());

  async function pickTemplate(): Promise<number> {
    type(composer, 'read @dyn');
    await delay(20);
    h.send({ type: 'files', requestId: h.api.last('findFiles')!.requestId, paths: ['src/dynamic.ts', template] });
    keydown(composer, 'ArrowDown');
    keydown(composer, 'Enter');
    const asked = h.api.last('expandTemplate');
    assert.ok(asked, 'the extension is asked for the values');
    assert.equal(asked.mention, template);
    assert.equal(composer.value, 'read @dyn', 'the template itself is never inserted');
    assert.deepEqual(h.$$('context-chip'), []);
    return asked.requestId;
  }

  it('inserts the expanded resource as a mention once the extension has the values', async () => {
    const requestId = await pickTemplate();
    h.send({ type: 'templateExpanded', requestId: requestId + 1, mention: 'mcp:everything/demo://resource/dynamic/text/9' });
    assert.equal(composer.value, 'read @dyn', 'an answer to another request is ignored');
    h.send({ type: 'templateExpanded', requestId, mention: 'mcp:everything/demo://resource/dynamic/text/7' });
    assert.equal(composer.value, 'read @mcp:everything/demo://resource/dynamic/text/7 ');
    assert.deepEqual(h.$$('context-chip').map((c) => c.textContent), ['@mcp:everything/demo://resource/dynamic/text/7']);
    type(composer, `${composer.value}please`);
    keydown(composer, 'Enter');
    assert.deepEqual(h.api.last('send')?.context, [{ kind: 'mention', path: 'mcp:everything/demo://resource/dynamic/text/7' }]);
  });

  it('attaches nothing when the user cancels the question', async () => {
    const requestId = await pickTemplate();
    h.send({ type: 'templateExpanded', requestId, mention: null });
    assert.equal(composer.value, 'read @dyn');
    assert.deepEqual(h.$$('context-chip'), []);
  });
});
