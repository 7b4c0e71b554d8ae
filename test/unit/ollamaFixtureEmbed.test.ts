/**
 * The scripted Ollama's /api/embed, driven by the real `ollama` client: the
 * shapes and error texts of server/routes.go `EmbedHandler`, and deterministic
 * normalised vectors whose similarity follows shared words.
 */
import assert from 'node:assert/strict';
import { Ollama } from 'ollama';
import { DEFAULT_MODELS, NO_EMBEDDINGS_ERROR, NOMIC_EMBED_TEXT, startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';

const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);

describe('ollama fixture: /api/embed', () => {
  let fixture: OllamaFixture;
  let client: Ollama;

  beforeEach(async () => {
    fixture = await startOllamaFixture({ models: [...DEFAULT_MODELS, NOMIC_EMBED_TEXT, { name: 'tiny-embed:latest', capabilities: ['embedding'] }], embeddingDimension: 32 });
    client = new Ollama({ host: fixture.url });
  });
  afterEach(() => fixture.close());

  it('answers one normalised vector per input, of the model\'s dimension (or the fixture\'s), deterministic and similar for shared words', async () => {
    const r = await client.embed({ model: 'nomic-embed-text', input: ['verify the jwt token', 'verify the JWT token', 'append sessions to a file'] });
    assert.equal(r.model, 'nomic-embed-text');
    assert.equal(r.embeddings.length, 3);
    assert.equal(r.embeddings[0].length, 768);
    assert.ok(Math.abs(dot(r.embeddings[0], r.embeddings[0]) - 1) < 1e-9);
    assert.deepEqual(r.embeddings[0], r.embeddings[1]);
    assert.ok(dot(r.embeddings[0], r.embeddings[2]) < 0.5);
    const tiny = await client.embed({ model: 'tiny-embed', input: 'hello' });
    assert.equal(tiny.embeddings[0].length, 32, 'a model without its own length uses the fixture\'s embeddingDimension');
    const words = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda omicron sigma tau upsilon omega';
    const cut = await client.embed({ model: 'tiny-embed', input: [words], dimensions: 8 });
    assert.equal(cut.embeddings[0].length, 8);
    assert.ok(Math.abs(dot(cut.embeddings[0], cut.embeddings[0]) - 1) < 1e-9, 'cut vectors are normalised again');
    assert.deepEqual((await client.embed({ model: 'nomic-embed-text', input: [] })).embeddings, []);
  });

  it('refuses as Ollama does: an unknown model (404, single quotes), a chat model (501 from llama.cpp), a bad input, an over-long input without truncation', async () => {
    await assert.rejects(client.embed({ model: 'nomic-embed-text:v9', input: ['x'] }), (e: Error & { status_code?: number }) => e.status_code === 404 && e.message === "model 'nomic-embed-text:v9' not found");
    await assert.rejects(client.embed({ model: 'llama3.2:3b', input: ['x'] }), (e: Error & { status_code?: number }) => e.status_code === 501 && e.message === NO_EMBEDDINGS_ERROR);
    const bad = await fetch(`${fixture.url}/api/embed`, { method: 'POST', body: JSON.stringify({ model: 'nomic-embed-text', input: [1, 2] }) });
    assert.equal(bad.status, 400);
    assert.deepEqual(await bad.json(), { error: 'invalid input type' });
    const long = 'word '.repeat(3000);
    await assert.rejects(client.embed({ model: 'nomic-embed-text', input: [long], truncate: false }), /the input length exceeds the context length/);
    assert.equal((await client.embed({ model: 'nomic-embed-text', input: [long] })).embeddings.length, 1, 'truncated by default');
    const recorded = fixture.requests.filter((r) => r.path === '/api/embed');
    assert.equal(recorded[0].outcome, 'error');
    assert.equal(recorded[1].load, 'cold', 'the chat model was loaded before llama.cpp refused');
  });
});
