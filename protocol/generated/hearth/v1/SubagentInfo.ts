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
}
