// Original file: protocol/hearth.proto

import type { TurnAgent as _hearth_v1_TurnAgent, TurnAgent__Output as _hearth_v1_TurnAgent__Output } from '../../hearth/v1/TurnAgent';

/**
 * An agent a sub-agent can run as: the agent and the description the model
 * picks it by.
 */
export interface SubagentAgent {
  'agent'?: (_hearth_v1_TurnAgent | null);
  'description'?: (string);
  /**
   * The model this agent's sub-agents use, as the client chose it (absent:
   * the role's model, else the turn's). The server's router serves it only
   * when one of its backends has it, like the turn's model.
   */
  'model'?: (string);
  /**
   * Why the agent file's own model is not used; shown on the sub-agent's card.
   */
  'model_note'?: (string);
  '_model'?: "model";
  '_model_note'?: "model_note";
}

/**
 * An agent a sub-agent can run as: the agent and the description the model
 * picks it by.
 */
export interface SubagentAgent__Output {
  'agent': (_hearth_v1_TurnAgent__Output | null);
  'description': (string);
  /**
   * The model this agent's sub-agents use, as the client chose it (absent:
   * the role's model, else the turn's). The server's router serves it only
   * when one of its backends has it, like the turn's model.
   */
  'model'?: (string);
  /**
   * Why the agent file's own model is not used; shown on the sub-agent's card.
   */
  'model_note'?: (string);
  '_model'?: "model";
  '_model_note'?: "model_note";
}
