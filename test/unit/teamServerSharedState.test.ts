/** The in-memory shared state store (one team server, the default) against the store contract. */
import assert from 'node:assert/strict';
import { createMemoryState } from '../../agent-host/server/state/memoryState';
import { describeSharedStateContract } from './sharedStateContract';

describeSharedStateContract('memory', async () => createMemoryState());

describe('shared state: memory', () => {
  it('has no global slots: the one scheduler counts them itself', () => {
    assert.equal(createMemoryState().slots, undefined);
  });
});
