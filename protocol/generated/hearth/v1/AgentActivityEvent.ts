// Original file: protocol/hearth.proto

import type { ChatServerMessage as _hearth_v1_ChatServerMessage, ChatServerMessage__Output as _hearth_v1_ChatServerMessage__Output } from '../../hearth/v1/ChatServerMessage';

/**
 * A sub-agent's tool call, tool result or notice: `event` carries only
 * tool_call, tool_result or status.
 */
export interface AgentActivityEvent {
  'agent_id'?: (string);
  'event'?: (_hearth_v1_ChatServerMessage | null);
}

/**
 * A sub-agent's tool call, tool result or notice: `event` carries only
 * tool_call, tool_result or status.
 */
export interface AgentActivityEvent__Output {
  'agent_id': (string);
  'event': (_hearth_v1_ChatServerMessage__Output | null);
}
