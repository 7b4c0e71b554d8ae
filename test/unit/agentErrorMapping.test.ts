/**
 * Failure shapes that are awkward to produce for real (DNS failures, dual-stack
 * connection errors, a stream cut after headers), built the way Node's fetch
 * builds them, and the message each one gives the user.
 */
import assert from 'node:assert/strict';
import { classifyFailure, isToolsUnsupported, modelNotFoundError, unreachableError } from '../../agent-host/core/errorMapping';

function fetchFailed(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('classifyFailure', () => {
  it('treats DNS and refused connections as an unreachable host', () => {
    assert.deepEqual(classifyFailure(fetchFailed(withCode('getaddrinfo ENOTFOUND gpu-box', 'ENOTFOUND'))), { kind: 'unreachable', detail: 'host name not found' });
    assert.deepEqual(classifyFailure(fetchFailed(withCode('connect ECONNREFUSED 127.0.0.1:11434', 'ECONNREFUSED'))), { kind: 'unreachable', detail: 'connection refused' });
  });

  it('looks inside the AggregateError of a dual-stack connection attempt', () => {
    const aggregate = new AggregateError([withCode('connect ECONNREFUSED ::1:11434', 'ECONNREFUSED'), withCode('connect ECONNREFUSED 127.0.0.1:11434', 'ECONNREFUSED')]);
    assert.deepEqual(classifyFailure(fetchFailed(aggregate)), { kind: 'unreachable', detail: 'connection refused' });
  });

  it('treats a body cut mid-stream as a dropped connection, not an unreachable host', () => {
    const terminated = new TypeError('terminated', { cause: withCode('other side closed', 'UND_ERR_SOCKET') });
    assert.deepEqual(classifyFailure(terminated), { kind: 'dropped', detail: 'other side closed' });
    assert.equal(classifyFailure(new Error('Did not receive done or success response in stream.')).kind, 'dropped');
  });

  it('recognises aborts and HTTP errors from the ollama client', () => {
    assert.deepEqual(classifyFailure(new DOMException('This operation was aborted', 'AbortError')), { kind: 'aborted' });
    const responseError = Object.assign(new Error('registry.ollama.ai/library/phi:2b does not support tools'), { name: 'ResponseError', status_code: 400 });
    assert.equal(classifyFailure(responseError).kind, 'http');
    assert.equal(isToolsUnsupported(responseError), true);
    assert.equal(isToolsUnsupported(Object.assign(new Error('model is required'), { name: 'ResponseError', status_code: 400 })), false);
  });
});

describe('user-facing Ollama errors', () => {
  it('says where Hearth looked and both ways to fix an unreachable host', () => {
    const error = unreachableError('http://gpu-box:11434', 'host name not found');
    assert.equal(error.code, 'ollamaUnreachable');
    assert.match(error.message, /http:\/\/gpu-box:11434 \(host name not found\)/);
    assert.match(error.message, /`ollama serve`/);
    assert.match(error.message, /`hearth\.ollama\.host`/);
  });

  it('tells the user to pull a model when none is installed', () => {
    const error = modelNotFoundError('http://127.0.0.1:11434', 'qwen2.5-coder:7b', []);
    assert.match(error.message, /No models are installed yet\. Install it with `ollama pull qwen2\.5-coder:7b`\./);
    assert.deepEqual(error.installedModels, []);
  });
});
