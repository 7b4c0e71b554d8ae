// Original file: protocol/hearth.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AuthTokens as _hearth_v1_AuthTokens, AuthTokens__Output as _hearth_v1_AuthTokens__Output } from '../../hearth/v1/AuthTokens';
import type { AuthenticateRequest as _hearth_v1_AuthenticateRequest, AuthenticateRequest__Output as _hearth_v1_AuthenticateRequest__Output } from '../../hearth/v1/AuthenticateRequest';
import type { RefreshRequest as _hearth_v1_RefreshRequest, RefreshRequest__Output as _hearth_v1_RefreshRequest__Output } from '../../hearth/v1/RefreshRequest';

/**
 * Exchanges an API key for short-lived tokens. Not authenticated itself.
 */
export interface AuthServiceClient extends grpc.Client {
  /**
   * API key -> access + refresh token. UNAUTHENTICATED for a wrong or empty key.
   */
  Authenticate(argument: _hearth_v1_AuthenticateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_AuthTokens__Output>): grpc.ClientUnaryCall;
  Authenticate(argument: _hearth_v1_AuthenticateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hearth_v1_AuthTokens__Output>): grpc.ClientUnaryCall;
  Authenticate(argument: _hearth_v1_AuthenticateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_AuthTokens__Output>): grpc.ClientUnaryCall;
  Authenticate(argument: _hearth_v1_AuthenticateRequest, callback: grpc.requestCallback<_hearth_v1_AuthTokens__Output>): grpc.ClientUnaryCall;
  /**
   * API key -> access + refresh token. UNAUTHENTICATED for a wrong or empty key.
   */
  authenticate(argument: _hearth_v1_AuthenticateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_AuthTokens__Output>): grpc.ClientUnaryCall;
  authenticate(argument: _hearth_v1_AuthenticateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hearth_v1_AuthTokens__Output>): grpc.ClientUnaryCall;
  authenticate(argument: _hearth_v1_AuthenticateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_AuthTokens__Output>): grpc.ClientUnaryCall;
  authenticate(argument: _hearth_v1_AuthenticateRequest, callback: grpc.requestCallback<_hearth_v1_AuthTokens__Output>): grpc.ClientUnaryCall;
  
  /**
   * Refresh token -> a new pair. Each refresh token works once: presenting a
   * used one revokes its whole family (every token descended from the same sign-in).
   */
  Refresh(argument: _hearth_v1_RefreshRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_AuthTokens__Output>): grpc.ClientUnaryCall;
  Refresh(argument: _hearth_v1_RefreshRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hearth_v1_AuthTokens__Output>): grpc.ClientUnaryCall;
  Refresh(argument: _hearth_v1_RefreshRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_AuthTokens__Output>): grpc.ClientUnaryCall;
  Refresh(argument: _hearth_v1_RefreshRequest, callback: grpc.requestCallback<_hearth_v1_AuthTokens__Output>): grpc.ClientUnaryCall;
  /**
   * Refresh token -> a new pair. Each refresh token works once: presenting a
   * used one revokes its whole family (every token descended from the same sign-in).
   */
  refresh(argument: _hearth_v1_RefreshRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_AuthTokens__Output>): grpc.ClientUnaryCall;
  refresh(argument: _hearth_v1_RefreshRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hearth_v1_AuthTokens__Output>): grpc.ClientUnaryCall;
  refresh(argument: _hearth_v1_RefreshRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_AuthTokens__Output>): grpc.ClientUnaryCall;
  refresh(argument: _hearth_v1_RefreshRequest, callback: grpc.requestCallback<_hearth_v1_AuthTokens__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Exchanges an API key for short-lived tokens. Not authenticated itself.
 */
export interface AuthServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * API key -> access + refresh token. UNAUTHENTICATED for a wrong or empty key.
   */
  Authenticate: grpc.handleUnaryCall<_hearth_v1_AuthenticateRequest__Output, _hearth_v1_AuthTokens>;
  
  /**
   * Refresh token -> a new pair. Each refresh token works once: presenting a
   * used one revokes its whole family (every token descended from the same sign-in).
   */
  Refresh: grpc.handleUnaryCall<_hearth_v1_RefreshRequest__Output, _hearth_v1_AuthTokens>;
  
}

export interface AuthServiceDefinition extends grpc.ServiceDefinition {
  Authenticate: MethodDefinition<_hearth_v1_AuthenticateRequest, _hearth_v1_AuthTokens, _hearth_v1_AuthenticateRequest__Output, _hearth_v1_AuthTokens__Output>
  Refresh: MethodDefinition<_hearth_v1_RefreshRequest, _hearth_v1_AuthTokens, _hearth_v1_RefreshRequest__Output, _hearth_v1_AuthTokens__Output>
}
