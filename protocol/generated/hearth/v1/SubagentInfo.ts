// Original file: protocol/hearth.proto


export interface SubagentInfo {
  'id'?: (string);
  /**
   * "explorer", "researcher" or "executor".
   */
  'role'?: (string);
  'model'?: (string);
  'task'?: (string);
  'parent_call_id'?: (string);
  /**
   * The named agent the sub-agent runs as; absent for a plain role.
   */
  'agent'?: (string);
  '_agent'?: "agent";
}

export interface SubagentInfo__Output {
  'id': (string);
  /**
   * "explorer", "researcher" or "executor".
   */
  'role': (string);
  'model': (string);
  'task': (string);
  'parent_call_id': (string);
  /**
   * The named agent the sub-agent runs as; absent for a plain role.
   */
  'agent'?: (string);
  '_agent'?: "agent";
}
