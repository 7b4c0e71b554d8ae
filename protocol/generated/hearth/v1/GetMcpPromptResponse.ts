// Original file: protocol/hearth.proto

import type { McpEmbeddedResource as _hearth_v1_McpEmbeddedResource, McpEmbeddedResource__Output as _hearth_v1_McpEmbeddedResource__Output } from '../../hearth/v1/McpEmbeddedResource';

export interface GetMcpPromptResponse {
  'text'?: (string);
  'resources'?: (_hearth_v1_McpEmbeddedResource)[];
}

export interface GetMcpPromptResponse__Output {
  'text': (string);
  'resources': (_hearth_v1_McpEmbeddedResource__Output)[];
}
