// Original file: protocol/hearth.proto

import type { TurnAgent as _hearth_v1_TurnAgent, TurnAgent__Output as _hearth_v1_TurnAgent__Output } from '../../hearth/v1/TurnAgent';

/**
 * An agent a sub-agent can run as: the agent and the description the model
 * picks it by.
 */
export interface SubagentAgent {
  'agent'?: (_hearth_v1_TurnAgent | null);
  'description'?: (string);
}

/**
 * An agent a sub-agent can run as: the agent and the description the model
 * picks it by.
 */
export interface SubagentAgent__Output {
  'agent': (_hearth_v1_TurnAgent__Output | null);
  'description': (string);
}
