// Original file: protocol/hearth.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ChatClientMessage as _hearth_v1_ChatClientMessage, ChatClientMessage__Output as _hearth_v1_ChatClientMessage__Output } from '../../hearth/v1/ChatClientMessage';
import type { ChatServerMessage as _hearth_v1_ChatServerMessage, ChatServerMessage__Output as _hearth_v1_ChatServerMessage__Output } from '../../hearth/v1/ChatServerMessage';
import type { SampleRequest as _hearth_v1_SampleRequest, SampleRequest__Output as _hearth_v1_SampleRequest__Output } from '../../hearth/v1/SampleRequest';
import type { SampleResponse as _hearth_v1_SampleResponse, SampleResponse__Output as _hearth_v1_SampleResponse__Output } from '../../hearth/v1/SampleResponse';

/**
 * One bidirectional stream per agent turn. Requires `authorization: Bearer <access token>`.
 */
export interface AgentServiceClient extends grpc.Client {
  /**
   * The client sends `start` first, then `tool_result`s and at most one `cancel`.
   * The server answers with events and ends with exactly one `done`.
   */
  Chat(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_hearth_v1_ChatClientMessage, _hearth_v1_ChatServerMessage__Output>;
  Chat(options?: grpc.CallOptions): grpc.ClientDuplexStream<_hearth_v1_ChatClientMessage, _hearth_v1_ChatServerMessage__Output>;
  /**
   * The client sends `start` first, then `tool_result`s and at most one `cancel`.
   * The server answers with events and ends with exactly one `done`.
   */
  chat(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_hearth_v1_ChatClientMessage, _hearth_v1_ChatServerMessage__Output>;
  chat(options?: grpc.CallOptions): grpc.ClientDuplexStream<_hearth_v1_ChatClientMessage, _hearth_v1_ChatServerMessage__Output>;
  
  /**
   * One completion for an MCP sampling request that the developer approved
   * on their own machine (their own MCP server asked). Exactly these
   * messages and system prompt, no tools, at most `max_tokens` tokens. The
   * same auth, chat rate limit, scheduling and audit as a Chat turn.
   */
  Sample(argument: _hearth_v1_SampleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_SampleResponse__Output>): grpc.ClientUnaryCall;
  Sample(argument: _hearth_v1_SampleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hearth_v1_SampleResponse__Output>): grpc.ClientUnaryCall;
  Sample(argument: _hearth_v1_SampleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_SampleResponse__Output>): grpc.ClientUnaryCall;
  Sample(argument: _hearth_v1_SampleRequest, callback: grpc.requestCallback<_hearth_v1_SampleResponse__Output>): grpc.ClientUnaryCall;
  /**
   * One completion for an MCP sampling request that the developer approved
   * on their own machine (their own MCP server asked). Exactly these
   * messages and system prompt, no tools, at most `max_tokens` tokens. The
   * same auth, chat rate limit, scheduling and audit as a Chat turn.
   */
  sample(argument: _hearth_v1_SampleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_SampleResponse__Output>): grpc.ClientUnaryCall;
  sample(argument: _hearth_v1_SampleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hearth_v1_SampleResponse__Output>): grpc.ClientUnaryCall;
  sample(argument: _hearth_v1_SampleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_SampleResponse__Output>): grpc.ClientUnaryCall;
  sample(argument: _hearth_v1_SampleRequest, callback: grpc.requestCallback<_hearth_v1_SampleResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * One bidirectional stream per agent turn. Requires `authorization: Bearer <access token>`.
 */
export interface AgentServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * The client sends `start` first, then `tool_result`s and at most one `cancel`.
   * The server answers with events and ends with exactly one `done`.
   */
  Chat: grpc.handleBidiStreamingCall<_hearth_v1_ChatClientMessage__Output, _hearth_v1_ChatServerMessage>;
  
  /**
   * One completion for an MCP sampling request that the developer approved
   * on their own machine (their own MCP server asked). Exactly these
   * messages and system prompt, no tools, at most `max_tokens` tokens. The
   * same auth, chat rate limit, scheduling and audit as a Chat turn.
   */
  Sample: grpc.handleUnaryCall<_hearth_v1_SampleRequest__Output, _hearth_v1_SampleResponse>;
  
}

export interface AgentServiceDefinition extends grpc.ServiceDefinition {
  Chat: MethodDefinition<_hearth_v1_ChatClientMessage, _hearth_v1_ChatServerMessage, _hearth_v1_ChatClientMessage__Output, _hearth_v1_ChatServerMessage__Output>
  Sample: MethodDefinition<_hearth_v1_SampleRequest, _hearth_v1_SampleResponse, _hearth_v1_SampleRequest__Output, _hearth_v1_SampleResponse__Output>
}
