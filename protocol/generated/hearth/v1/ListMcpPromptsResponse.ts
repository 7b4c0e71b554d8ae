// Original file: protocol/hearth.proto

import type { McpPromptInfo as _hearth_v1_McpPromptInfo, McpPromptInfo__Output as _hearth_v1_McpPromptInfo__Output } from '../../hearth/v1/McpPromptInfo';

export interface ListMcpPromptsResponse {
  'prompts'?: (_hearth_v1_McpPromptInfo)[];
}

export interface ListMcpPromptsResponse__Output {
  'prompts': (_hearth_v1_McpPromptInfo__Output)[];
}
