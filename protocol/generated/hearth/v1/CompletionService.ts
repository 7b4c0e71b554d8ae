// Original file: protocol/hearth.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CompleteRequest as _hearth_v1_CompleteRequest, CompleteRequest__Output as _hearth_v1_CompleteRequest__Output } from '../../hearth/v1/CompleteRequest';
import type { CompleteResponse as _hearth_v1_CompleteResponse, CompleteResponse__Output as _hearth_v1_CompleteResponse__Output } from '../../hearth/v1/CompleteResponse';
import type { SuggestionReport as _hearth_v1_SuggestionReport, SuggestionReport__Output as _hearth_v1_SuggestionReport__Output } from '../../hearth/v1/SuggestionReport';
import type { SuggestionReportAck as _hearth_v1_SuggestionReportAck, SuggestionReportAck__Output as _hearth_v1_SuggestionReportAck__Output } from '../../hearth/v1/SuggestionReportAck';

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
  
  /**
   * Counts of inline suggestions shown and accepted since the client's last
   * report, for the admin page's acceptance rate per language. The user is
   * the caller's token's; the report names none.
   */
  Report(argument: _hearth_v1_SuggestionReport, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_SuggestionReportAck__Output>): grpc.ClientUnaryCall;
  Report(argument: _hearth_v1_SuggestionReport, metadata: grpc.Metadata, callback: grpc.requestCallback<_hearth_v1_SuggestionReportAck__Output>): grpc.ClientUnaryCall;
  Report(argument: _hearth_v1_SuggestionReport, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_SuggestionReportAck__Output>): grpc.ClientUnaryCall;
  Report(argument: _hearth_v1_SuggestionReport, callback: grpc.requestCallback<_hearth_v1_SuggestionReportAck__Output>): grpc.ClientUnaryCall;
  /**
   * Counts of inline suggestions shown and accepted since the client's last
   * report, for the admin page's acceptance rate per language. The user is
   * the caller's token's; the report names none.
   */
  report(argument: _hearth_v1_SuggestionReport, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_SuggestionReportAck__Output>): grpc.ClientUnaryCall;
  report(argument: _hearth_v1_SuggestionReport, metadata: grpc.Metadata, callback: grpc.requestCallback<_hearth_v1_SuggestionReportAck__Output>): grpc.ClientUnaryCall;
  report(argument: _hearth_v1_SuggestionReport, options: grpc.CallOptions, callback: grpc.requestCallback<_hearth_v1_SuggestionReportAck__Output>): grpc.ClientUnaryCall;
  report(argument: _hearth_v1_SuggestionReport, callback: grpc.requestCallback<_hearth_v1_SuggestionReportAck__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Fill-in-the-middle for inline suggestions, scheduled ahead of chat turns.
 */
export interface CompletionServiceHandlers extends grpc.UntypedServiceImplementation {
  Complete: grpc.handleUnaryCall<_hearth_v1_CompleteRequest__Output, _hearth_v1_CompleteResponse>;
  
  /**
   * Counts of inline suggestions shown and accepted since the client's last
   * report, for the admin page's acceptance rate per language. The user is
   * the caller's token's; the report names none.
   */
  Report: grpc.handleUnaryCall<_hearth_v1_SuggestionReport__Output, _hearth_v1_SuggestionReportAck>;
  
}

export interface CompletionServiceDefinition extends grpc.ServiceDefinition {
  Complete: MethodDefinition<_hearth_v1_CompleteRequest, _hearth_v1_CompleteResponse, _hearth_v1_CompleteRequest__Output, _hearth_v1_CompleteResponse__Output>
  Report: MethodDefinition<_hearth_v1_SuggestionReport, _hearth_v1_SuggestionReportAck, _hearth_v1_SuggestionReport__Output, _hearth_v1_SuggestionReportAck__Output>
}
