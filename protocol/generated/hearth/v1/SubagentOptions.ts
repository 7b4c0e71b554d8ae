// Original file: protocol/hearth.proto


export interface SubagentOptions {
  'max_parallel'?: (number);
  'max_steps'?: (number);
  /**
   * Role ("explorer", "researcher", "executor") to model; a role without
   * one uses the turn's model.
   */
  'models'?: ({[key: string]: string});
  /**
   * The client's `think` for each model a sub-agent may run on other than
   * the turn's (the roles' models and the named agents'), as
   * TurnOptions.think; "" leaves Ollama's default. TurnOptions.think was
   * decided for the turn's model only. With this map a sub-agent on a model
   * it does not name gets Ollama's default; without it (an older client),
   * the turn's think.
   */
  'think_by_model'?: ({[key: string]: string});
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
  /**
   * The client's `think` for each model a sub-agent may run on other than
   * the turn's (the roles' models and the named agents'), as
   * TurnOptions.think; "" leaves Ollama's default. TurnOptions.think was
   * decided for the turn's model only. With this map a sub-agent on a model
   * it does not name gets Ollama's default; without it (an older client),
   * the turn's think.
   */
  'think_by_model': ({[key: string]: string});
  '_max_parallel'?: "max_parallel";
  '_max_steps'?: "max_steps";
}
