/**
 * AgentService.Sample's messages at both trust boundaries: the team server
 * accepts only a text-only request that ends with the user's message, within
 * the token cap; the client accepts only an answer with a known stop reason
 * and no more text than the tokens asked for could be.
 */
import assert from 'node:assert/strict';
import { decodeSampleRequest, decodeSampleResponse, encodeSampleRequest, encodeSampleResponse } from '../../protocol/grpc/sampleMessages';
import type { SampleRequest__Output } from '../../protocol/generated/hearth/v1/SampleRequest';
import type { SampleResponse__Output } from '../../protocol/generated/hearth/v1/SampleResponse';

const params = {
  model: 'qwen2.5-coder:7b',
  messages: [
    { role: 'user' as const, text: 'Name a colour' },
    { role: 'assistant' as const, text: 'Teal' },
    { role: 'user' as const, text: 'Another' },
  ],
  systemPrompt: '',
  maxTokens: 64,
  temperature: 0.7,
  stopSequences: ['\n\n'],
  think: false as const,
  mcpServer: 'everything',
};

describe('sampling messages (protocol/grpc/sampleMessages.ts)', () => {
  it('round-trips a request, keeping an empty system prompt apart from none', () => {
    const decoded = decodeSampleRequest(encodeSampleRequest(params) as SampleRequest__Output);
    assert.deepEqual(decoded, params);
    const { systemPrompt: _omit, ...withoutSystem } = params;
    assert.equal('systemPrompt' in decodeSampleRequest(encodeSampleRequest(withoutSystem) as SampleRequest__Output), false);
  });

  it('refuses a request the developer could not have approved: tool messages, a last message not from the user, no or too many tokens', () => {
    const base = encodeSampleRequest(params) as SampleRequest__Output;
    const bad: [string, SampleRequest__Output, RegExp][] = [
      ['a tool message', { ...base, messages: [...base.messages.slice(0, 2), { ...base.messages[2], role: 'ROLE_TOOL' }] }, /messages\[2\]\.role/],
      ['a tool call', { ...base, messages: [{ ...base.messages[0], tool_calls: [{ id: '1', name: 'write_file', arguments_json: '{}' }] }] }, /text only/],
      ['ending with the assistant', { ...base, messages: base.messages.slice(0, 2) }, /must end with a user message/],
      ['no token limit', { ...base, max_tokens: 0 }, /max_tokens/],
      ['over the cap', { ...base, max_tokens: 1_000_000 }, /max_tokens/],
      ['no messages', { ...base, messages: [] }, /must end with a user message/],
    ];
    for (const [what, req, error] of bad) assert.throws(() => decodeSampleRequest(req), error, what);
  });

  it('checks a team server\'s answer: a known stop reason, and no more text than asked for', () => {
    const answer = { text: 'Teal', stopReason: 'maxTokens' as const, usage: { promptTokens: 10, completionTokens: 2 } };
    assert.deepEqual(decodeSampleResponse(encodeSampleResponse(answer) as SampleResponse__Output, 100), answer);
    assert.throws(() => decodeSampleResponse({ text: 'x'.repeat(101), stop_reason: 'endTurn', usage: null } as SampleResponse__Output, 100), /text: is longer than 100/);
    assert.throws(() => decodeSampleResponse({ text: 'ok', stop_reason: 'toolUse', usage: null } as SampleResponse__Output, 100), /stop_reason/);
  });
});
