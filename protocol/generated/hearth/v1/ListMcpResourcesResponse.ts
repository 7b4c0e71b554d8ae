// Original file: protocol/hearth.proto

import type { McpResourceEntry as _hearth_v1_McpResourceEntry, McpResourceEntry__Output as _hearth_v1_McpResourceEntry__Output } from '../../hearth/v1/McpResourceEntry';

export interface ListMcpResourcesResponse {
  'resources'?: (_hearth_v1_McpResourceEntry)[];
}

export interface ListMcpResourcesResponse__Output {
  'resources': (_hearth_v1_McpResourceEntry__Output)[];
}
