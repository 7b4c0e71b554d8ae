// Original file: protocol/hearth.proto

import type { SubagentInfo as _hearth_v1_SubagentInfo, SubagentInfo__Output as _hearth_v1_SubagentInfo__Output } from '../../hearth/v1/SubagentInfo';

export interface AgentSpawnEvent {
  'agent'?: (_hearth_v1_SubagentInfo | null);
}

export interface AgentSpawnEvent__Output {
  'agent': (_hearth_v1_SubagentInfo__Output | null);
}
