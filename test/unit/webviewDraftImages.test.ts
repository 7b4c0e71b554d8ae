/**
 * The composer's attached images survive a reload of the view like its text:
 * each is stored once through the extension (`saveDraftImages`), the view's
 * state keeps only references, and a reloaded view reads them back into
 * chips (saying which could not be brought back). Sending unpins them.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { ChatImage, ImageRef } from '../../protocol/chatImages';
import { sampleImage } from '../fixtures/sampleImages';
import { click, createHarness, keydown, type } from './webviewTestHarness';
import type { Harness } from './webviewTestHarness';

const refOf = (image: ChatImage): ImageRef => ({ mimeType: image.mimeType, name: image.name, sha256: createHash('sha256').update(Buffer.from(image.dataBase64, 'base64')).digest('hex') });

describe('webview: attached images survive a reload of the view', () => {
  let h: Harness;
  let reloaded: Harness | undefined;
  afterEach(() => {
    h.dispose();
    reloaded?.dispose();
    reloaded = undefined;
  });

  it('stores new images once, keeps only references in the view state, and a reloaded view shows them again', () => {
    h = createHarness();
    h.app.start();
    const [a, b] = [sampleImage('a.png', [1, 2, 3]), sampleImage('b.png', [4, 5, 6])];
    type(h.$('composer') as HTMLTextAreaElement, 'compare these');
    h.send({ type: 'imagesPicked', images: [a, b], problems: [] });
    const [save] = h.api.of('saveDraftImages');
    assert.deepEqual(save.add, [a, b]);
    assert.deepEqual(save.keep, []);
    h.send({ type: 'draftImagesSaved', requestId: save.requestId, refs: [refOf(a), refOf(b)] });
    assert.deepEqual(h.api.state?.draftImages, [refOf(a), refOf(b)]);
    assert.ok(!JSON.stringify(h.api.state).includes(a.dataBase64.slice(0, 40)), 'no image bytes in the view state');

    click(h.$$('image-chip-remove')[0]);
    const unpin = h.api.of('saveDraftImages').at(-1)!;
    assert.deepEqual([unpin.keep, unpin.add], [[refOf(b)], []], 'the removed image is no longer pinned');
    assert.equal(h.api.of('saveDraftImages').filter((m) => m.add.length > 0).length, 1, 'nothing stored twice');

    reloaded = createHarness({ state: h.api.state });
    reloaded.app.start();
    assert.equal((reloaded.$('composer') as HTMLTextAreaElement).value, 'compare these');
    const [load] = reloaded.api.of('loadDraftImages');
    assert.deepEqual(load.refs, [refOf(b)]);
    reloaded.send({ type: 'draftImagesLoaded', requestId: load.requestId, images: [{ ...b, sha256: refOf(b).sha256 }], missing: [] });
    assert.deepEqual(reloaded.$$('image-chip').map((c) => c.textContent), ['b.png']);
    assert.equal(reloaded.api.of('saveDraftImages').length, 0, 'an image read back is not stored again');

    keydown(reloaded.$('composer')!, 'Enter');
    assert.deepEqual(reloaded.api.of('send').map((m) => m.images), [[b]], 'the restored image goes with the message');
    assert.deepEqual(reloaded.api.of('saveDraftImages').map((m) => [m.keep, m.add]), [[[], []]], 'sending unpins the draft');
    assert.deepEqual(reloaded.api.state?.draftImages, []);
  });

  it('says which images could not be brought back, and keeps the others', () => {
    const [kept, gone] = [sampleImage('kept.png', [9, 9, 9]), sampleImage('gone.png', [8, 8, 8])];
    h = createHarness({ state: { draftId: '5f0c1a52-8f3e-4b8e-9c1d-2a6b7c8d9e0f', draftImages: [refOf(kept), refOf(gone)] } });
    h.app.start();
    const [load] = h.api.of('loadDraftImages');
    h.send({ type: 'draftImagesLoaded', requestId: load.requestId, images: [{ ...kept, sha256: refOf(kept).sha256 }], missing: ['gone.png'] });
    assert.deepEqual(h.$$('image-chip').map((c) => c.textContent), ['kept.png']);
    assert.match(h.$('send-error')?.textContent ?? '', /gone\.png could not be brought back: no longer stored\. Attach it again\./);
    assert.deepEqual(h.api.state?.draftImages, [refOf(kept)]);
    assert.deepEqual(h.api.of('saveDraftImages').map((m) => [m.draftId, m.keep, m.add]), [['5f0c1a52-8f3e-4b8e-9c1d-2a6b7c8d9e0f', [refOf(kept)], []]], 'the same draft is pinned to what it still holds');
  });

  it('when the images cannot be stored, says so once and still sends them', () => {
    h = createHarness();
    h.app.start();
    const image = sampleImage('big.png');
    h.send({ type: 'imagesPicked', images: [image], problems: [] });
    const [save] = h.api.of('saveDraftImages');
    h.send({ type: 'draftImagesSaved', requestId: save.requestId, refs: [], error: 'ENOSPC: no space left on device' });
    assert.match(h.$('send-error')?.textContent ?? '', /will not survive a reload of the view: ENOSPC/);
    assert.equal(h.api.of('saveDraftImages').filter((m) => m.add.length > 0).length, 1, 'not tried again in a loop');
    type(h.$('composer') as HTMLTextAreaElement, 'what is this?');
    click(h.$('send')!);
    assert.deepEqual(h.api.of('send').map((m) => m.images), [[image]]);
  });
});
