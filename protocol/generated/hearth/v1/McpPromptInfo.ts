// Original file: protocol/hearth.proto

import type { McpPromptArgumentInfo as _hearth_v1_McpPromptArgumentInfo, McpPromptArgumentInfo__Output as _hearth_v1_McpPromptArgumentInfo__Output } from '../../hearth/v1/McpPromptArgumentInfo';

export interface McpPromptInfo {
  'server'?: (string);
  /**
   * The server's namespace, as in its tools' names.
   */
  'namespace'?: (string);
  'name'?: (string);
  'title'?: (string);
  'description'?: (string);
  'arguments'?: (_hearth_v1_McpPromptArgumentInfo)[];
}

export interface McpPromptInfo__Output {
  'server': (string);
  /**
   * The server's namespace, as in its tools' names.
   */
  'namespace': (string);
  'name': (string);
  'title': (string);
  'description': (string);
  'arguments': (_hearth_v1_McpPromptArgumentInfo__Output)[];
}
