// Original file: protocol/hearth.proto


export interface SubagentOptions {
  'max_parallel'?: (number);
  'max_steps'?: (number);
  /**
   * Role ("explorer", "researcher", "executor") to model; a role without
   * one uses the turn's model.
   */
  'models'?: ({[key: string]: string});
  '_max_parallel'?: "max_parallel";
  '_max_steps'?: "max_steps";
}

export interface SubagentOptions__Output {
  'max_parallel'?: (number);
  'max_steps'?: (number);
  /**
   * Role ("explorer", "researcher", "executor") to model; a role without
   * one uses the turn's model.
   */
  'models': ({[key: string]: string});
  '_max_parallel'?: "max_parallel";
  '_max_steps'?: "max_steps";
}
