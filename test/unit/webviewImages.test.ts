/**
 * Images in the webview's composer and transcript: the attach-image button
 * asks the extension for its picker, picked images become thumbnail chips
 * that can be removed, the caps are enforced with a message, a send carries
 * them and shows them in the sent message, a failed send puts them back, and
 * a chat loaded from history shows its images.
 */
import assert from 'node:assert/strict';
import { File } from 'node:buffer';
import { MAX_IMAGES_PER_MESSAGE } from '../../protocol/chatImages';
import { sampleImage } from '../fixtures/sampleImages';
import { until } from '../fixtures/until';
import { click, createHarness, keydown, type } from './webviewTestHarness';
import type { Harness } from './webviewTestHarness';

describe('webview: images in the composer and the transcript', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
    h.send({ type: 'models', models: [{ name: 'gemma3:4b' }], selected: 'gemma3:4b', host: 'http://localhost:11434' });
  });
  afterEach(() => h.dispose());

  it('the image button asks the extension for its picker; picked images show as removable thumbnails and go with the message', () => {
    click(h.$('attach-image')!);
    assert.equal(h.api.of('pickImages').length, 1);
    const a = sampleImage('a.png', [1, 2, 3]);
    const b = sampleImage('b.png', [4, 5, 6]);
    h.send({ type: 'imagesPicked', images: [a, b], problems: [] });
    assert.deepEqual(h.$$('image-chip').map((c) => c.textContent), ['a.png', 'b.png']);
    assert.equal(h.$$('image-chip')[0].querySelector('img')?.getAttribute('src'), `data:image/png;base64,${a.dataBase64}`);

    click(h.$$('image-chip-remove')[0]);
    assert.deepEqual(h.$$('image-chip').map((c) => c.textContent), ['b.png']);

    type(h.$('composer') as HTMLTextAreaElement, 'what colour?');
    click(h.$('send')!);
    assert.deepEqual(h.api.of('send').map((m) => m.images), [[b]]);
    assert.equal(h.$$('image-chip').length, 0, 'the composer is empty of images after sending');

    h.send({ type: 'turnStarted', sessionId: 's1', userEntryId: 'u1', assistantEntryId: 'a1', retry: false });
    assert.equal(h.$$('user-image').length, 1);
    assert.equal(h.$$('user-image')[0].querySelector('img')?.getAttribute('alt'), 'b.png');
  });

  it('says why images were not attached: the extension\'s problems, and more than the cap', () => {
    const many = Array.from({ length: MAX_IMAGES_PER_MESSAGE + 1 }, (_, i) => sampleImage(`s${i}.png`, [i, i, i]));
    h.send({ type: 'imagesPicked', images: many, problems: ['notes.png is not a PNG, JPEG, GIF or WebP image.'] });
    assert.equal(h.$$('image-chip').length, MAX_IMAGES_PER_MESSAGE);
    const error = h.$('send-error')?.textContent ?? '';
    assert.match(error, /notes\.png is not a PNG/);
    assert.match(error, new RegExp(`at most ${MAX_IMAGES_PER_MESSAGE} images; s${MAX_IMAGES_PER_MESSAGE}\\.png was not attached`));
  });

  it('a failed send puts the images back with the text', () => {
    h.send({ type: 'imagesPicked', images: [sampleImage()], problems: [] });
    type(h.$('composer') as HTMLTextAreaElement, 'what is this?');
    click(h.$('send')!);
    h.send({ type: 'sendFailed', error: { code: 'ollamaUnreachable', message: 'Cannot reach Ollama.', retryable: true } });
    assert.deepEqual(h.$$('image-chip').map((c) => c.textContent), ['diagram.png']);
  });

  it('images alone can be sent (Enter with an empty input), and the sent message shows only them; an empty input without images sends nothing', () => {
    const composer = h.$('composer') as HTMLTextAreaElement;
    keydown(composer, 'Enter');
    assert.equal(h.api.of('send').length, 0);
    const image = sampleImage('error-dialog.png');
    h.send({ type: 'imagesPicked', images: [image], problems: [] });
    keydown(composer, 'Enter');
    assert.deepEqual(h.api.of('send').map((m) => [m.text, m.images]), [['', [image]]]);
    h.send({ type: 'turnStarted', sessionId: 's1', userEntryId: 'u1', assistantEntryId: 'a1', retry: false });
    const message = h.$$('user-message')[0];
    assert.equal(message.querySelectorAll('[data-testid="user-image"]').length, 1);
    assert.equal(message.querySelector('.user-text'), null, 'no empty text line');
  });

  it('a chat loaded from history shows the images of its messages', () => {
    const image = sampleImage();
    h.send({
      type: 'session',
      session: {
        summary: { id: 's1', title: 'What is this?', createdAt: 1, updatedAt: 1, messageCount: 1 },
        entries: [{ kind: 'user', id: 'u1', text: 'What is this?', context: [], images: [image], at: 1 }],
      },
    });
    assert.equal(h.$$('user-image').length, 1);
    assert.match(h.$$('user-image')[0].textContent ?? '', /diagram\.png/);
  });

  it('refuses a dropped file larger than the cap before reading it, and still attaches the image dropped beside it', async () => {
    let reads = 0;
    // A 300 MB scan: reading it whole into the webview is what the cap is there to avoid, and a file larger than the
    // webview's memory makes the read fail outright, as Chromium's ArrayBuffer allocation does.
    const scan = {
      name: 'scan.png',
      type: 'image/png',
      size: 300 * 1024 * 1024,
      arrayBuffer: () => {
        reads++;
        return Promise.reject(new RangeError('Array buffer allocation failed'));
      },
    };
    const small = sampleImage('small.png', [7, 8, 9]);
    // Node's File: jsdom's Blob cannot be read with arrayBuffer(), a browser's can.
    const smallFile = new File([Buffer.from(small.dataBase64, 'base64')], 'small.png', { type: 'image/png' });
    const drop = new h.window.Event('drop', { bubbles: true, cancelable: true });
    Object.defineProperty(drop, 'dataTransfer', { value: { files: [scan, smallFile], items: [] } });
    h.$('composer')!.dispatchEvent(drop);
    await until(() => h.$$('image-chip').length > 0 || (h.$('send-error')?.textContent ?? '') !== '', 'the drop to be handled');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(reads, 0, 'the oversized file was not read');
    assert.match(h.$('send-error')?.textContent ?? '', /scan\.png is 300 MB; images may be at most 5 MB\. Crop or shrink it/);
    assert.deepEqual(h.$$('image-chip').map((c) => c.textContent), ['small.png']);
  });
});
