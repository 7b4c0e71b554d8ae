import { randomUUID } from 'node:crypto';
import type { ChatMode } from '../../protocol/chat';
import type { AssistantEntry } from '../../protocol/sessions';

/**
 * A reply that has not streamed anything yet. The store records it; the chat service
 * also keeps one in memory when the disk refused to (so the turn can fail with Retry),
 * and both must have the same shape or the chat would draw them differently.
 */
export function newAssistantEntry(replyTo: string, model: string, mode: ChatMode | undefined, at: number): AssistantEntry {
  return { kind: 'assistant', id: randomUUID(), replyTo, model, mode, parts: [], state: 'streaming', at };
}
