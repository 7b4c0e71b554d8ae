/**
 * The chat image store's garbage collection, on real files: a deleted chat's
 * images go with it (unless another chat or an unsent draft names them), the
 * start-up sweep removes orphans and crash leftovers but never an image a
 * chat being written names, the size cap removes the least recently attached
 * images first, and a second window writing during a collection never loses
 * an image its record names.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { SessionStore } from '../../language-server/chat/sessionStore';
import { DraftImages } from '../../language-server/chat/draftImages';
import { DRAFT_PIN_MAX_AGE_MS } from '../../language-server/chat/imageCollector';
import type { ChatImage } from '../../protocol/chatImages';
import { sampleImage } from '../fixtures/sampleImages';

const hashOf = (image: ChatImage) => createHash('sha256').update(Buffer.from(image.dataBase64, 'base64')).digest('hex');
const HOUR = 60 * 60 * 1000;

describe('image store: garbage collection on real files', () => {
  let dir: string;
  let imagesDir: string;
  const stored = () => (fs.existsSync(imagesDir) ? fs.readdirSync(imagesDir).filter((n) => /^[0-9a-f]{64}$/.test(n)).sort() : []);
  const setMtime = (file: string, ms: number) => fs.utimesSync(file, new Date(ms), new Date(ms));

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-image-gc-'));
    imagesDir = path.join(dir, 'images');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('deleting a chat removes its images, but keeps one another chat shows and one an unsent draft holds', async () => {
    const store = new SessionStore(dir);
    const [own, shared, drafted] = [sampleImage('own.png', [1, 2, 3]), sampleImage('shared.png', [4, 5, 6]), sampleImage('drafted.png', [7, 8, 9])];
    const doomed = store.create().summary.id;
    store.addUserEntry(doomed, { text: 'look', context: [], images: [own, shared, drafted] });
    const kept = store.create().summary.id;
    store.addUserEntry(kept, { text: 'again', context: [], images: [shared] });
    new DraftImages(store.images, store.imageCollector).save(randomUUID(), [], [drafted]);
    assert.equal(stored().length, 3);

    assert.equal(store.delete(doomed), true);
    await store.imageCollector.idle();
    assert.deepEqual(stored(), [hashOf(shared), hashOf(drafted)].sort());
    store.close();
    const entry = new SessionStore(dir).get(kept)!.entries[0];
    assert.ok(entry.kind === 'user');
    assert.deepEqual(entry.images, [shared], 'the other chat still shows the shared image');
  });

  it('the start-up sweep removes orphans and crash leftovers, and keeps images named by chats, by a torn last line and by live drafts', async () => {
    const writer = new SessionStore(dir);
    const [named, torn, orphan, pinned, expired] = ['named', 'torn', 'orphan', 'pinned', 'expired'].map((n, i) => sampleImage(`${n}.png`, [i * 40, 10, 10]));
    const id = writer.create().summary.id;
    writer.addUserEntry(id, { text: 'kept', context: [], images: [named] });
    // Another window is writing a record naming `torn`: its bytes are stored, its line is half written.
    writer.images.save(torn);
    fs.appendFileSync(path.join(dir, 'sessions', `${id}.jsonl`), `{"t":"user","entry":{"kind":"user","images":[{"mimeType":"image/png","name":"torn.png","sha256":"${hashOf(torn)}"`);
    // A crash left an orphan (its record never written), a temporary file and an image set aside by an unfinished collection.
    writer.images.save(orphan);
    const oldTemp = path.join(imagesDir, `${hashOf(orphan)}.${randomUUID()}.tmp`);
    fs.writeFileSync(oldTemp, 'partial');
    setMtime(oldTemp, Date.now() - 2 * HOUR);
    const freshTemp = path.join(imagesDir, `${'a'.repeat(64)}.${randomUUID()}.tmp`);
    fs.writeFileSync(freshTemp, 'another window is writing this');
    fs.renameSync(path.join(imagesDir, hashOf(named)), path.join(imagesDir, `${hashOf(named)}.${Date.now() - 2 * HOUR}.${randomUUID()}.aside`));
    // Drafts: one changed recently, one abandoned longer ago than drafts are kept.
    const drafts = new DraftImages(writer.images, writer.imageCollector);
    drafts.save(randomUUID(), [], [pinned]);
    const expiredDraft = randomUUID();
    drafts.save(expiredDraft, [], [expired]);
    setMtime(path.join(imagesDir, 'drafts', `${expiredDraft}.json`), Date.now() - DRAFT_PIN_MAX_AGE_MS - HOUR);
    writer.close();

    const result = await new SessionStore(dir).collectImages();
    assert.deepEqual(result.removed.sort(), [hashOf(orphan), hashOf(expired)].sort());
    assert.deepEqual(stored(), [named, torn, pinned].map(hashOf).sort(), 'the set-aside image a chat names is back');
    assert.deepEqual(fs.readdirSync(imagesDir).filter((n) => !/^[0-9a-f]{64}$/.test(n)).sort(), ['drafts', path.basename(freshTemp)].sort());
    assert.deepEqual(fs.readdirSync(path.join(imagesDir, 'drafts')).length, 1, 'the expired draft pin is gone');
    const entry = new SessionStore(dir).get(id)!.entries[0];
    assert.ok(entry.kind === 'user');
    assert.deepEqual(entry.images, [named]);
  });

  it('past its cap the store removes the least recently attached images until it is at 90%, never a draft’s, and an image attached again counts as recent', async () => {
    const images = Array.from({ length: 6 }, (_, i) => sampleImage(`shot-${i}.png`, [i * 30, 0, 0]));
    const size = (i: number) => Buffer.from(images[i].dataBase64, 'base64').length;
    // 90% of the cap holds exactly four images (about 4.4 fit under it): the fifth and sixth pass it.
    const store = new SessionStore(dir, Date.now, { maxBytes: Math.ceil((size(0) + size(1) + size(4) + size(5)) / 0.9) });
    const id = store.create().summary.id;
    const start = Date.now() - 10 * HOUR;
    images.slice(0, 4).forEach((image, i) => {
      store.addUserEntry(id, { text: `shot ${i}`, context: [], images: [image] });
      setMtime(path.join(imagesDir, hashOf(image)), start + i * HOUR);
    });
    new DraftImages(store.images, store.imageCollector).save(randomUUID(), [], [images[0]]);
    setMtime(path.join(imagesDir, hashOf(images[0])), start);
    store.addUserEntry(id, { text: 'shot 1 again', context: [], images: [images[1]] });
    store.addUserEntry(id, { text: 'two more', context: [], images: [images[4], images[5]] });
    await store.imageCollector.idle();

    // 0 is the oldest but a draft holds it, 1 was attached again: 2 and 3 are the least recently attached.
    assert.deepEqual(stored(), [images[0], images[1], images[4], images[5]].map(hashOf).sort());
    const shown = new SessionStore(dir).get(id)!.entries.filter((e) => e.kind === 'user');
    assert.deepEqual(shown.map((e) => (e.kind === 'user' ? (e.images ?? []).map((i) => i.name) : [])), [['shot-0.png'], ['shot-1.png'], [], [], ['shot-1.png'], ['shot-4.png', 'shot-5.png']]);
  });

  it('a second window sending an image the sweep is removing never loses it, wherever that window pauses', async () => {
    const ticks = (n: number) => Array.from({ length: n }).reduce<Promise<unknown>>((p) => p.then(() => new Promise((resolve) => setImmediate(resolve))), Promise.resolve());
    // How long the other window pauses: some event-loop turns, or until the sweep has finished.
    const pauses: (number | 'sweep')[] = [0, 1, 2, 4, 8, 16, 'sweep'];
    for (let round = 0; round < pauses.length ** 2; round++) {
      const image = sampleImage(`race-${round}.png`, [round, 99, 7]);
      const first = new SessionStore(dir);
      first.images.save(image); // An orphan the sweep will take, unless the other window names it in time.
      const other = new SessionStore(dir);
      const id = other.create().summary.id;
      other.close();
      const sweep = first.collectImages();
      const pause = (p: number | 'sweep') => (p === 'sweep' ? sweep : ticks(p));
      // The other window does what addUserEntry does (store the bytes, append the record, store them again),
      // paused at different points between the steps, as a process can be by the OS.
      await pause(pauses[round % pauses.length]);
      const ref = other.images.save(image);
      await pause(pauses[Math.floor(round / pauses.length)]);
      fs.appendFileSync(path.join(dir, 'sessions', `${id}.jsonl`), JSON.stringify({ t: 'user', entry: { kind: 'user', id: randomUUID(), at: Date.now(), text: 'this one', context: [], images: [ref] } }) + '\n');
      other.images.save(image);
      await sweep;
      const entry = new SessionStore(dir).get(id)!.entries[0];
      assert.ok(entry.kind === 'user');
      assert.deepEqual(entry.images, [image], `round ${round}: the recorded image is readable`);
      first.close();
    }
  });
});
