// Original file: protocol/hearth.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CompleteRequest as _hearth_v1_CompleteRequest, CompleteRequest__Output as _hearth_v1_CompleteRequest__Output } from '../../hearth/v1/CompleteRequest';
import type { CompleteResponse as _hearth_v1_CompleteResponse, CompleteResponse__Output as _hearth_v1_CompleteResponse__Output } from '../../hearth/v1/CompleteResponse';

/**
 * Fill-in-the-middle for inline suggestions, scheduled ahead of chat turns.
 */
export interface CompletionServiceClient extends grpc.Client {
  Complete(argument: _hearth_v1_CompleteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_CompleteResponse__Output>): grpc.ClientUnaryCall;
  Complete(argument: _hearth_v1_CompleteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hearth_v1_CompleteResponse__Output>): grpc.ClientUnaryCall;
  Complete(argument: _hearth_v1_CompleteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_CompleteResponse__Output>): grpc.ClientUnaryCall;
  Complete(argument: _hearth_v1_CompleteRequest, callback: grpc.requestCallback<_hearth_v1_CompleteResponse__Output>): grpc.ClientUnaryCall;
  complete(argument: _hearth_v1_CompleteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_CompleteResponse__Output>): grpc.ClientUnaryCall;
  complete(argument: _hearth_v1_CompleteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hearth_v1_CompleteResponse__Output>): grpc.ClientUnaryCall;
  complete(argument: _hearth_v1_CompleteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_CompleteResponse__Output>): grpc.ClientUnaryCall;
  complete(argument: _hearth_v1_CompleteRequest, callback: grpc.requestCallback<_hearth_v1_CompleteResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Fill-in-the-middle for inline suggestions, scheduled ahead of chat turns.
 */
export interface CompletionServiceHandlers extends grpc.UntypedServiceImplementation {
  Complete: grpc.handleUnaryCall<_hearth_v1_CompleteRequest__Output, _hearth_v1_CompleteResponse>;
  
}

export interface CompletionServiceDefinition extends grpc.ServiceDefinition {
  Complete: MethodDefinition<_hearth_v1_CompleteRequest, _hearth_v1_CompleteResponse, _hearth_v1_CompleteRequest__Output, _hearth_v1_CompleteResponse__Output>
}
