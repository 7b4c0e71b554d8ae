// Original file: protocol/hearth.proto

import type { SubagentOutcome as _hearth_v1_SubagentOutcome, SubagentOutcome__Output as _hearth_v1_SubagentOutcome__Output } from '../../hearth/v1/SubagentOutcome';

export interface AgentResultEvent {
  'agent_id'?: (string);
  'outcome'?: (_hearth_v1_SubagentOutcome | null);
}

export interface AgentResultEvent__Output {
  'agent_id': (string);
  'outcome': (_hearth_v1_SubagentOutcome__Output | null);
}
