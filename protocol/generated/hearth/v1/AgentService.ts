// Original file: protocol/hearth.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ChatClientMessage as _hearth_v1_ChatClientMessage, ChatClientMessage__Output as _hearth_v1_ChatClientMessage__Output } from '../../hearth/v1/ChatClientMessage';
import type { ChatServerMessage as _hearth_v1_ChatServerMessage, ChatServerMessage__Output as _hearth_v1_ChatServerMessage__Output } from '../../hearth/v1/ChatServerMessage';

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
  
}

export interface AgentServiceDefinition extends grpc.ServiceDefinition {
  Chat: MethodDefinition<_hearth_v1_ChatClientMessage, _hearth_v1_ChatServerMessage, _hearth_v1_ChatClientMessage__Output, _hearth_v1_ChatServerMessage__Output>
}
