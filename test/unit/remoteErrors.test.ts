/** gRPC failures as the chat shows them: a conversation over a size limit is not a busy server. */
import assert from 'node:assert/strict';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { toHearthErrorFromGrpc } from '../../language-server/remote/remoteErrors';

function serviceError(code: status, details: string, retryAfter?: string): ServiceError {
  const metadata = new Metadata();
  if (retryAfter) metadata.set('retry-after-ms', retryAfter);
  return Object.assign(new Error(details), { code, details, metadata });
}

describe('team server errors in the chat', () => {
  it('a message over the client\'s own send limit (grpc-js\'s wording) is too large, not retryable, with the limit', () => {
    const error = toHearthErrorFromGrpc(serviceError(status.RESOURCE_EXHAUSTED, 'Attempted to send message with a size larger than 33554432'), 'grpcs://team:50051', true);
    assert.equal(error.code, 'invalidRequest');
    assert.equal(error.retryable, false);
    assert.match(error.message, /too large to send to the team server at grpcs:\/\/team:50051 \(it takes at most 32\.0 MB\)/);
  });

  it('a rate limit stays "busy" and keeps the server\'s time to retry', () => {
    const error = toHearthErrorFromGrpc(serviceError(status.RESOURCE_EXHAUSTED, 'Too many chat turns this minute.', '4000'), 'grpcs://team:50051', true);
    assert.equal(error.code, 'limitReached');
    assert.equal(error.retryable, true);
    assert.equal(error.retryAfterMs, 4000);
    assert.match(error.message, /^The team server is busy: Too many chat turns this minute\. Retry in 4 s\.$/);
  });
});
