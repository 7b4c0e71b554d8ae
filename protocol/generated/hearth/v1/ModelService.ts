// Original file: protocol/hearth.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ListModelsRequest as _hearth_v1_ListModelsRequest, ListModelsRequest__Output as _hearth_v1_ListModelsRequest__Output } from '../../hearth/v1/ListModelsRequest';
import type { ListModelsResponse as _hearth_v1_ListModelsResponse, ListModelsResponse__Output as _hearth_v1_ListModelsResponse__Output } from '../../hearth/v1/ListModelsResponse';

export interface ModelServiceClient extends grpc.Client {
  List(argument: _hearth_v1_ListModelsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  List(argument: _hearth_v1_ListModelsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hearth_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  List(argument: _hearth_v1_ListModelsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  List(argument: _hearth_v1_ListModelsRequest, callback: grpc.requestCallback<_hearth_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _hearth_v1_ListModelsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _hearth_v1_ListModelsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hearth_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _hearth_v1_ListModelsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _hearth_v1_ListModelsRequest, callback: grpc.requestCallback<_hearth_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface ModelServiceHandlers extends grpc.UntypedServiceImplementation {
  List: grpc.handleUnaryCall<_hearth_v1_ListModelsRequest__Output, _hearth_v1_ListModelsResponse>;
  
}

export interface ModelServiceDefinition extends grpc.ServiceDefinition {
  List: MethodDefinition<_hearth_v1_ListModelsRequest, _hearth_v1_ListModelsResponse, _hearth_v1_ListModelsRequest__Output, _hearth_v1_ListModelsResponse__Output>
}
