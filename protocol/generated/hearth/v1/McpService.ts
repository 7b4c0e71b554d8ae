// Original file: protocol/hearth.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CompleteMcpArgumentRequest as _hearth_v1_CompleteMcpArgumentRequest, CompleteMcpArgumentRequest__Output as _hearth_v1_CompleteMcpArgumentRequest__Output } from '../../hearth/v1/CompleteMcpArgumentRequest';
import type { CompleteMcpArgumentResponse as _hearth_v1_CompleteMcpArgumentResponse, CompleteMcpArgumentResponse__Output as _hearth_v1_CompleteMcpArgumentResponse__Output } from '../../hearth/v1/CompleteMcpArgumentResponse';
import type { GetMcpPromptRequest as _hearth_v1_GetMcpPromptRequest, GetMcpPromptRequest__Output as _hearth_v1_GetMcpPromptRequest__Output } from '../../hearth/v1/GetMcpPromptRequest';
import type { GetMcpPromptResponse as _hearth_v1_GetMcpPromptResponse, GetMcpPromptResponse__Output as _hearth_v1_GetMcpPromptResponse__Output } from '../../hearth/v1/GetMcpPromptResponse';
import type { ListMcpPromptsRequest as _hearth_v1_ListMcpPromptsRequest, ListMcpPromptsRequest__Output as _hearth_v1_ListMcpPromptsRequest__Output } from '../../hearth/v1/ListMcpPromptsRequest';
import type { ListMcpPromptsResponse as _hearth_v1_ListMcpPromptsResponse, ListMcpPromptsResponse__Output as _hearth_v1_ListMcpPromptsResponse__Output } from '../../hearth/v1/ListMcpPromptsResponse';
import type { ListMcpResourcesRequest as _hearth_v1_ListMcpResourcesRequest, ListMcpResourcesRequest__Output as _hearth_v1_ListMcpResourcesRequest__Output } from '../../hearth/v1/ListMcpResourcesRequest';
import type { ListMcpResourcesResponse as _hearth_v1_ListMcpResourcesResponse, ListMcpResourcesResponse__Output as _hearth_v1_ListMcpResourcesResponse__Output } from '../../hearth/v1/ListMcpResourcesResponse';
import type { ReadMcpResourceRequest as _hearth_v1_ReadMcpResourceRequest, ReadMcpResourceRequest__Output as _hearth_v1_ReadMcpResourceRequest__Output } from '../../hearth/v1/ReadMcpResourceRequest';
import type { ReadMcpResourceResponse as _hearth_v1_ReadMcpResourceResponse, ReadMcpResourceResponse__Output as _hearth_v1_ReadMcpResourceResponse__Output } from '../../hearth/v1/ReadMcpResourceResponse';

/**
 * The resources and prompts of the admin's MCP servers (config.yaml
 * `mcp.servers`) for every signed-in developer; their tools are offered in
 * Chat. Resources and prompts are data for the developer's messages, never
 * instructions to the client. Requires `authorization: Bearer <access token>`.
 */
export interface McpServiceClient extends grpc.Client {
  /**
   * Suggestions for one argument of a listed prompt or one variable of a
   * listed resource template (MCP completion/complete), as the user types.
   * Empty when that server does not offer completions.
   */
  Complete(argument: _hearth_v1_CompleteMcpArgumentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_CompleteMcpArgumentResponse__Output>): grpc.ClientUnaryCall;
  Complete(argument: _hearth_v1_CompleteMcpArgumentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hearth_v1_CompleteMcpArgumentResponse__Output>): grpc.ClientUnaryCall;
  Complete(argument: _hearth_v1_CompleteMcpArgumentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_CompleteMcpArgumentResponse__Output>): grpc.ClientUnaryCall;
  Complete(argument: _hearth_v1_CompleteMcpArgumentRequest, callback: grpc.requestCallback<_hearth_v1_CompleteMcpArgumentResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Suggestions for one argument of a listed prompt or one variable of a
   * listed resource template (MCP completion/complete), as the user types.
   * Empty when that server does not offer completions.
   */
  complete(argument: _hearth_v1_CompleteMcpArgumentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_CompleteMcpArgumentResponse__Output>): grpc.ClientUnaryCall;
  complete(argument: _hearth_v1_CompleteMcpArgumentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hearth_v1_CompleteMcpArgumentResponse__Output>): grpc.ClientUnaryCall;
  complete(argument: _hearth_v1_CompleteMcpArgumentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_CompleteMcpArgumentResponse__Output>): grpc.ClientUnaryCall;
  complete(argument: _hearth_v1_CompleteMcpArgumentRequest, callback: grpc.requestCallback<_hearth_v1_CompleteMcpArgumentResponse__Output>): grpc.ClientUnaryCall;
  
  GetPrompt(argument: _hearth_v1_GetMcpPromptRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_GetMcpPromptResponse__Output>): grpc.ClientUnaryCall;
  GetPrompt(argument: _hearth_v1_GetMcpPromptRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hearth_v1_GetMcpPromptResponse__Output>): grpc.ClientUnaryCall;
  GetPrompt(argument: _hearth_v1_GetMcpPromptRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_GetMcpPromptResponse__Output>): grpc.ClientUnaryCall;
  GetPrompt(argument: _hearth_v1_GetMcpPromptRequest, callback: grpc.requestCallback<_hearth_v1_GetMcpPromptResponse__Output>): grpc.ClientUnaryCall;
  getPrompt(argument: _hearth_v1_GetMcpPromptRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_GetMcpPromptResponse__Output>): grpc.ClientUnaryCall;
  getPrompt(argument: _hearth_v1_GetMcpPromptRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hearth_v1_GetMcpPromptResponse__Output>): grpc.ClientUnaryCall;
  getPrompt(argument: _hearth_v1_GetMcpPromptRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_GetMcpPromptResponse__Output>): grpc.ClientUnaryCall;
  getPrompt(argument: _hearth_v1_GetMcpPromptRequest, callback: grpc.requestCallback<_hearth_v1_GetMcpPromptResponse__Output>): grpc.ClientUnaryCall;
  
  ListPrompts(argument: _hearth_v1_ListMcpPromptsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_ListMcpPromptsResponse__Output>): grpc.ClientUnaryCall;
  ListPrompts(argument: _hearth_v1_ListMcpPromptsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hearth_v1_ListMcpPromptsResponse__Output>): grpc.ClientUnaryCall;
  ListPrompts(argument: _hearth_v1_ListMcpPromptsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_ListMcpPromptsResponse__Output>): grpc.ClientUnaryCall;
  ListPrompts(argument: _hearth_v1_ListMcpPromptsRequest, callback: grpc.requestCallback<_hearth_v1_ListMcpPromptsResponse__Output>): grpc.ClientUnaryCall;
  listPrompts(argument: _hearth_v1_ListMcpPromptsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_ListMcpPromptsResponse__Output>): grpc.ClientUnaryCall;
  listPrompts(argument: _hearth_v1_ListMcpPromptsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hearth_v1_ListMcpPromptsResponse__Output>): grpc.ClientUnaryCall;
  listPrompts(argument: _hearth_v1_ListMcpPromptsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_ListMcpPromptsResponse__Output>): grpc.ClientUnaryCall;
  listPrompts(argument: _hearth_v1_ListMcpPromptsRequest, callback: grpc.requestCallback<_hearth_v1_ListMcpPromptsResponse__Output>): grpc.ClientUnaryCall;
  
  ListResources(argument: _hearth_v1_ListMcpResourcesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_ListMcpResourcesResponse__Output>): grpc.ClientUnaryCall;
  ListResources(argument: _hearth_v1_ListMcpResourcesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hearth_v1_ListMcpResourcesResponse__Output>): grpc.ClientUnaryCall;
  ListResources(argument: _hearth_v1_ListMcpResourcesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_ListMcpResourcesResponse__Output>): grpc.ClientUnaryCall;
  ListResources(argument: _hearth_v1_ListMcpResourcesRequest, callback: grpc.requestCallback<_hearth_v1_ListMcpResourcesResponse__Output>): grpc.ClientUnaryCall;
  listResources(argument: _hearth_v1_ListMcpResourcesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_ListMcpResourcesResponse__Output>): grpc.ClientUnaryCall;
  listResources(argument: _hearth_v1_ListMcpResourcesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hearth_v1_ListMcpResourcesResponse__Output>): grpc.ClientUnaryCall;
  listResources(argument: _hearth_v1_ListMcpResourcesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_ListMcpResourcesResponse__Output>): grpc.ClientUnaryCall;
  listResources(argument: _hearth_v1_ListMcpResourcesRequest, callback: grpc.requestCallback<_hearth_v1_ListMcpResourcesResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Only a listed resource, or a URI made from a listed template, is read.
   */
  ReadResource(argument: _hearth_v1_ReadMcpResourceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_ReadMcpResourceResponse__Output>): grpc.ClientUnaryCall;
  ReadResource(argument: _hearth_v1_ReadMcpResourceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hearth_v1_ReadMcpResourceResponse__Output>): grpc.ClientUnaryCall;
  ReadResource(argument: _hearth_v1_ReadMcpResourceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_ReadMcpResourceResponse__Output>): grpc.ClientUnaryCall;
  ReadResource(argument: _hearth_v1_ReadMcpResourceRequest, callback: grpc.requestCallback<_hearth_v1_ReadMcpResourceResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Only a listed resource, or a URI made from a listed template, is read.
   */
  readResource(argument: _hearth_v1_ReadMcpResourceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_ReadMcpResourceResponse__Output>): grpc.ClientUnaryCall;
  readResource(argument: _hearth_v1_ReadMcpResourceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hearth_v1_ReadMcpResourceResponse__Output>): grpc.ClientUnaryCall;
  readResource(argument: _hearth_v1_ReadMcpResourceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_ReadMcpResourceResponse__Output>): grpc.ClientUnaryCall;
  readResource(argument: _hearth_v1_ReadMcpResourceRequest, callback: grpc.requestCallback<_hearth_v1_ReadMcpResourceResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * The resources and prompts of the admin's MCP servers (config.yaml
 * `mcp.servers`) for every signed-in developer; their tools are offered in
 * Chat. Resources and prompts are data for the developer's messages, never
 * instructions to the client. Requires `authorization: Bearer <access token>`.
 */
export interface McpServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Suggestions for one argument of a listed prompt or one variable of a
   * listed resource template (MCP completion/complete), as the user types.
   * Empty when that server does not offer completions.
   */
  Complete: grpc.handleUnaryCall<_hearth_v1_CompleteMcpArgumentRequest__Output, _hearth_v1_CompleteMcpArgumentResponse>;
  
  GetPrompt: grpc.handleUnaryCall<_hearth_v1_GetMcpPromptRequest__Output, _hearth_v1_GetMcpPromptResponse>;
  
  ListPrompts: grpc.handleUnaryCall<_hearth_v1_ListMcpPromptsRequest__Output, _hearth_v1_ListMcpPromptsResponse>;
  
  ListResources: grpc.handleUnaryCall<_hearth_v1_ListMcpResourcesRequest__Output, _hearth_v1_ListMcpResourcesResponse>;
  
  /**
   * Only a listed resource, or a URI made from a listed template, is read.
   */
  ReadResource: grpc.handleUnaryCall<_hearth_v1_ReadMcpResourceRequest__Output, _hearth_v1_ReadMcpResourceResponse>;
  
}

export interface McpServiceDefinition extends grpc.ServiceDefinition {
  Complete: MethodDefinition<_hearth_v1_CompleteMcpArgumentRequest, _hearth_v1_CompleteMcpArgumentResponse, _hearth_v1_CompleteMcpArgumentRequest__Output, _hearth_v1_CompleteMcpArgumentResponse__Output>
  GetPrompt: MethodDefinition<_hearth_v1_GetMcpPromptRequest, _hearth_v1_GetMcpPromptResponse, _hearth_v1_GetMcpPromptRequest__Output, _hearth_v1_GetMcpPromptResponse__Output>
  ListPrompts: MethodDefinition<_hearth_v1_ListMcpPromptsRequest, _hearth_v1_ListMcpPromptsResponse, _hearth_v1_ListMcpPromptsRequest__Output, _hearth_v1_ListMcpPromptsResponse__Output>
  ListResources: MethodDefinition<_hearth_v1_ListMcpResourcesRequest, _hearth_v1_ListMcpResourcesResponse, _hearth_v1_ListMcpResourcesRequest__Output, _hearth_v1_ListMcpResourcesResponse__Output>
  ReadResource: MethodDefinition<_hearth_v1_ReadMcpResourceRequest, _hearth_v1_ReadMcpResourceResponse, _hearth_v1_ReadMcpResourceRequest__Output, _hearth_v1_ReadMcpResourceResponse__Output>
}
