import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AgentActivityEvent as _hearth_v1_AgentActivityEvent, AgentActivityEvent__Output as _hearth_v1_AgentActivityEvent__Output } from './hearth/v1/AgentActivityEvent';
import type { AgentResultEvent as _hearth_v1_AgentResultEvent, AgentResultEvent__Output as _hearth_v1_AgentResultEvent__Output } from './hearth/v1/AgentResultEvent';
import type { AgentServiceClient as _hearth_v1_AgentServiceClient, AgentServiceDefinition as _hearth_v1_AgentServiceDefinition } from './hearth/v1/AgentService';
import type { AgentSpawnEvent as _hearth_v1_AgentSpawnEvent, AgentSpawnEvent__Output as _hearth_v1_AgentSpawnEvent__Output } from './hearth/v1/AgentSpawnEvent';
import type { AuthServiceClient as _hearth_v1_AuthServiceClient, AuthServiceDefinition as _hearth_v1_AuthServiceDefinition } from './hearth/v1/AuthService';
import type { AuthTokens as _hearth_v1_AuthTokens, AuthTokens__Output as _hearth_v1_AuthTokens__Output } from './hearth/v1/AuthTokens';
import type { AuthenticateRequest as _hearth_v1_AuthenticateRequest, AuthenticateRequest__Output as _hearth_v1_AuthenticateRequest__Output } from './hearth/v1/AuthenticateRequest';
import type { CancelTurn as _hearth_v1_CancelTurn, CancelTurn__Output as _hearth_v1_CancelTurn__Output } from './hearth/v1/CancelTurn';
import type { ChatClientMessage as _hearth_v1_ChatClientMessage, ChatClientMessage__Output as _hearth_v1_ChatClientMessage__Output } from './hearth/v1/ChatClientMessage';
import type { ChatMessage as _hearth_v1_ChatMessage, ChatMessage__Output as _hearth_v1_ChatMessage__Output } from './hearth/v1/ChatMessage';
import type { ChatServerMessage as _hearth_v1_ChatServerMessage, ChatServerMessage__Output as _hearth_v1_ChatServerMessage__Output } from './hearth/v1/ChatServerMessage';
import type { ChatStart as _hearth_v1_ChatStart, ChatStart__Output as _hearth_v1_ChatStart__Output } from './hearth/v1/ChatStart';
import type { CompactedEvent as _hearth_v1_CompactedEvent, CompactedEvent__Output as _hearth_v1_CompactedEvent__Output } from './hearth/v1/CompactedEvent';
import type { CompleteMcpArgumentRequest as _hearth_v1_CompleteMcpArgumentRequest, CompleteMcpArgumentRequest__Output as _hearth_v1_CompleteMcpArgumentRequest__Output } from './hearth/v1/CompleteMcpArgumentRequest';
import type { CompleteMcpArgumentResponse as _hearth_v1_CompleteMcpArgumentResponse, CompleteMcpArgumentResponse__Output as _hearth_v1_CompleteMcpArgumentResponse__Output } from './hearth/v1/CompleteMcpArgumentResponse';
import type { CompleteRequest as _hearth_v1_CompleteRequest, CompleteRequest__Output as _hearth_v1_CompleteRequest__Output } from './hearth/v1/CompleteRequest';
import type { CompleteResponse as _hearth_v1_CompleteResponse, CompleteResponse__Output as _hearth_v1_CompleteResponse__Output } from './hearth/v1/CompleteResponse';
import type { CompletionServiceClient as _hearth_v1_CompletionServiceClient, CompletionServiceDefinition as _hearth_v1_CompletionServiceDefinition } from './hearth/v1/CompletionService';
import type { ContextEvent as _hearth_v1_ContextEvent, ContextEvent__Output as _hearth_v1_ContextEvent__Output } from './hearth/v1/ContextEvent';
import type { ContextItem as _hearth_v1_ContextItem, ContextItem__Output as _hearth_v1_ContextItem__Output } from './hearth/v1/ContextItem';
import type { DoneEvent as _hearth_v1_DoneEvent, DoneEvent__Output as _hearth_v1_DoneEvent__Output } from './hearth/v1/DoneEvent';
import type { ErrorEvent as _hearth_v1_ErrorEvent, ErrorEvent__Output as _hearth_v1_ErrorEvent__Output } from './hearth/v1/ErrorEvent';
import type { GetMcpPromptRequest as _hearth_v1_GetMcpPromptRequest, GetMcpPromptRequest__Output as _hearth_v1_GetMcpPromptRequest__Output } from './hearth/v1/GetMcpPromptRequest';
import type { GetMcpPromptResponse as _hearth_v1_GetMcpPromptResponse, GetMcpPromptResponse__Output as _hearth_v1_GetMcpPromptResponse__Output } from './hearth/v1/GetMcpPromptResponse';
import type { HearthError as _hearth_v1_HearthError, HearthError__Output as _hearth_v1_HearthError__Output } from './hearth/v1/HearthError';
import type { ImageAttachment as _hearth_v1_ImageAttachment, ImageAttachment__Output as _hearth_v1_ImageAttachment__Output } from './hearth/v1/ImageAttachment';
import type { LanguageSuggestions as _hearth_v1_LanguageSuggestions, LanguageSuggestions__Output as _hearth_v1_LanguageSuggestions__Output } from './hearth/v1/LanguageSuggestions';
import type { LineRange as _hearth_v1_LineRange, LineRange__Output as _hearth_v1_LineRange__Output } from './hearth/v1/LineRange';
import type { ListMcpPromptsRequest as _hearth_v1_ListMcpPromptsRequest, ListMcpPromptsRequest__Output as _hearth_v1_ListMcpPromptsRequest__Output } from './hearth/v1/ListMcpPromptsRequest';
import type { ListMcpPromptsResponse as _hearth_v1_ListMcpPromptsResponse, ListMcpPromptsResponse__Output as _hearth_v1_ListMcpPromptsResponse__Output } from './hearth/v1/ListMcpPromptsResponse';
import type { ListMcpResourcesRequest as _hearth_v1_ListMcpResourcesRequest, ListMcpResourcesRequest__Output as _hearth_v1_ListMcpResourcesRequest__Output } from './hearth/v1/ListMcpResourcesRequest';
import type { ListMcpResourcesResponse as _hearth_v1_ListMcpResourcesResponse, ListMcpResourcesResponse__Output as _hearth_v1_ListMcpResourcesResponse__Output } from './hearth/v1/ListMcpResourcesResponse';
import type { ListModelsRequest as _hearth_v1_ListModelsRequest, ListModelsRequest__Output as _hearth_v1_ListModelsRequest__Output } from './hearth/v1/ListModelsRequest';
import type { ListModelsResponse as _hearth_v1_ListModelsResponse, ListModelsResponse__Output as _hearth_v1_ListModelsResponse__Output } from './hearth/v1/ListModelsResponse';
import type { McpEmbeddedResource as _hearth_v1_McpEmbeddedResource, McpEmbeddedResource__Output as _hearth_v1_McpEmbeddedResource__Output } from './hearth/v1/McpEmbeddedResource';
import type { McpPromptArgumentInfo as _hearth_v1_McpPromptArgumentInfo, McpPromptArgumentInfo__Output as _hearth_v1_McpPromptArgumentInfo__Output } from './hearth/v1/McpPromptArgumentInfo';
import type { McpPromptInfo as _hearth_v1_McpPromptInfo, McpPromptInfo__Output as _hearth_v1_McpPromptInfo__Output } from './hearth/v1/McpPromptInfo';
import type { McpResourceEntry as _hearth_v1_McpResourceEntry, McpResourceEntry__Output as _hearth_v1_McpResourceEntry__Output } from './hearth/v1/McpResourceEntry';
import type { McpServiceClient as _hearth_v1_McpServiceClient, McpServiceDefinition as _hearth_v1_McpServiceDefinition } from './hearth/v1/McpService';
import type { ModelInfo as _hearth_v1_ModelInfo, ModelInfo__Output as _hearth_v1_ModelInfo__Output } from './hearth/v1/ModelInfo';
import type { ModelServiceClient as _hearth_v1_ModelServiceClient, ModelServiceDefinition as _hearth_v1_ModelServiceDefinition } from './hearth/v1/ModelService';
import type { ReadMcpResourceRequest as _hearth_v1_ReadMcpResourceRequest, ReadMcpResourceRequest__Output as _hearth_v1_ReadMcpResourceRequest__Output } from './hearth/v1/ReadMcpResourceRequest';
import type { ReadMcpResourceResponse as _hearth_v1_ReadMcpResourceResponse, ReadMcpResourceResponse__Output as _hearth_v1_ReadMcpResourceResponse__Output } from './hearth/v1/ReadMcpResourceResponse';
import type { RefreshRequest as _hearth_v1_RefreshRequest, RefreshRequest__Output as _hearth_v1_RefreshRequest__Output } from './hearth/v1/RefreshRequest';
import type { RulesFile as _hearth_v1_RulesFile, RulesFile__Output as _hearth_v1_RulesFile__Output } from './hearth/v1/RulesFile';
import type { SampleRequest as _hearth_v1_SampleRequest, SampleRequest__Output as _hearth_v1_SampleRequest__Output } from './hearth/v1/SampleRequest';
import type { SampleResponse as _hearth_v1_SampleResponse, SampleResponse__Output as _hearth_v1_SampleResponse__Output } from './hearth/v1/SampleResponse';
import type { StatusEvent as _hearth_v1_StatusEvent, StatusEvent__Output as _hearth_v1_StatusEvent__Output } from './hearth/v1/StatusEvent';
import type { SubagentAgent as _hearth_v1_SubagentAgent, SubagentAgent__Output as _hearth_v1_SubagentAgent__Output } from './hearth/v1/SubagentAgent';
import type { SubagentInfo as _hearth_v1_SubagentInfo, SubagentInfo__Output as _hearth_v1_SubagentInfo__Output } from './hearth/v1/SubagentInfo';
import type { SubagentOptions as _hearth_v1_SubagentOptions, SubagentOptions__Output as _hearth_v1_SubagentOptions__Output } from './hearth/v1/SubagentOptions';
import type { SubagentOutcome as _hearth_v1_SubagentOutcome, SubagentOutcome__Output as _hearth_v1_SubagentOutcome__Output } from './hearth/v1/SubagentOutcome';
import type { SuggestionReport as _hearth_v1_SuggestionReport, SuggestionReport__Output as _hearth_v1_SuggestionReport__Output } from './hearth/v1/SuggestionReport';
import type { SuggestionReportAck as _hearth_v1_SuggestionReportAck, SuggestionReportAck__Output as _hearth_v1_SuggestionReportAck__Output } from './hearth/v1/SuggestionReportAck';
import type { TextDelta as _hearth_v1_TextDelta, TextDelta__Output as _hearth_v1_TextDelta__Output } from './hearth/v1/TextDelta';
import type { ThinkingDelta as _hearth_v1_ThinkingDelta, ThinkingDelta__Output as _hearth_v1_ThinkingDelta__Output } from './hearth/v1/ThinkingDelta';
import type { TodoItem as _hearth_v1_TodoItem, TodoItem__Output as _hearth_v1_TodoItem__Output } from './hearth/v1/TodoItem';
import type { TodoPlan as _hearth_v1_TodoPlan, TodoPlan__Output as _hearth_v1_TodoPlan__Output } from './hearth/v1/TodoPlan';
import type { TodosEvent as _hearth_v1_TodosEvent, TodosEvent__Output as _hearth_v1_TodosEvent__Output } from './hearth/v1/TodosEvent';
import type { ToolCall as _hearth_v1_ToolCall, ToolCall__Output as _hearth_v1_ToolCall__Output } from './hearth/v1/ToolCall';
import type { ToolCallEvent as _hearth_v1_ToolCallEvent, ToolCallEvent__Output as _hearth_v1_ToolCallEvent__Output } from './hearth/v1/ToolCallEvent';
import type { ToolDefinition as _hearth_v1_ToolDefinition, ToolDefinition__Output as _hearth_v1_ToolDefinition__Output } from './hearth/v1/ToolDefinition';
import type { ToolRequest as _hearth_v1_ToolRequest, ToolRequest__Output as _hearth_v1_ToolRequest__Output } from './hearth/v1/ToolRequest';
import type { ToolRequestCancel as _hearth_v1_ToolRequestCancel, ToolRequestCancel__Output as _hearth_v1_ToolRequestCancel__Output } from './hearth/v1/ToolRequestCancel';
import type { ToolResult as _hearth_v1_ToolResult, ToolResult__Output as _hearth_v1_ToolResult__Output } from './hearth/v1/ToolResult';
import type { ToolResultEvent as _hearth_v1_ToolResultEvent, ToolResultEvent__Output as _hearth_v1_ToolResultEvent__Output } from './hearth/v1/ToolResultEvent';
import type { ToolResultReply as _hearth_v1_ToolResultReply, ToolResultReply__Output as _hearth_v1_ToolResultReply__Output } from './hearth/v1/ToolResultReply';
import type { TurnAgent as _hearth_v1_TurnAgent, TurnAgent__Output as _hearth_v1_TurnAgent__Output } from './hearth/v1/TurnAgent';
import type { TurnOptions as _hearth_v1_TurnOptions, TurnOptions__Output as _hearth_v1_TurnOptions__Output } from './hearth/v1/TurnOptions';
import type { Usage as _hearth_v1_Usage, Usage__Output as _hearth_v1_Usage__Output } from './hearth/v1/Usage';
import type { UsageEvent as _hearth_v1_UsageEvent, UsageEvent__Output as _hearth_v1_UsageEvent__Output } from './hearth/v1/UsageEvent';
import type { UserInput as _hearth_v1_UserInput, UserInput__Output as _hearth_v1_UserInput__Output } from './hearth/v1/UserInput';
import type { WorkspaceContextSection as _hearth_v1_WorkspaceContextSection, WorkspaceContextSection__Output as _hearth_v1_WorkspaceContextSection__Output } from './hearth/v1/WorkspaceContextSection';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  hearth: {
    v1: {
      AgentActivityEvent: MessageTypeDefinition<_hearth_v1_AgentActivityEvent, _hearth_v1_AgentActivityEvent__Output>
      AgentResultEvent: MessageTypeDefinition<_hearth_v1_AgentResultEvent, _hearth_v1_AgentResultEvent__Output>
      /**
       * One bidirectional stream per agent turn. Requires `authorization: Bearer <access token>`.
       */
      AgentService: SubtypeConstructor<typeof grpc.Client, _hearth_v1_AgentServiceClient> & { service: _hearth_v1_AgentServiceDefinition }
      AgentSpawnEvent: MessageTypeDefinition<_hearth_v1_AgentSpawnEvent, _hearth_v1_AgentSpawnEvent__Output>
      /**
       * Exchanges an API key for short-lived tokens. Not authenticated itself.
       */
      AuthService: SubtypeConstructor<typeof grpc.Client, _hearth_v1_AuthServiceClient> & { service: _hearth_v1_AuthServiceDefinition }
      AuthTokens: MessageTypeDefinition<_hearth_v1_AuthTokens, _hearth_v1_AuthTokens__Output>
      AuthenticateRequest: MessageTypeDefinition<_hearth_v1_AuthenticateRequest, _hearth_v1_AuthenticateRequest__Output>
      CancelTurn: MessageTypeDefinition<_hearth_v1_CancelTurn, _hearth_v1_CancelTurn__Output>
      ChatClientMessage: MessageTypeDefinition<_hearth_v1_ChatClientMessage, _hearth_v1_ChatClientMessage__Output>
      ChatMessage: MessageTypeDefinition<_hearth_v1_ChatMessage, _hearth_v1_ChatMessage__Output>
      ChatServerMessage: MessageTypeDefinition<_hearth_v1_ChatServerMessage, _hearth_v1_ChatServerMessage__Output>
      ChatStart: MessageTypeDefinition<_hearth_v1_ChatStart, _hearth_v1_ChatStart__Output>
      CompactedEvent: MessageTypeDefinition<_hearth_v1_CompactedEvent, _hearth_v1_CompactedEvent__Output>
      CompleteMcpArgumentRequest: MessageTypeDefinition<_hearth_v1_CompleteMcpArgumentRequest, _hearth_v1_CompleteMcpArgumentRequest__Output>
      CompleteMcpArgumentResponse: MessageTypeDefinition<_hearth_v1_CompleteMcpArgumentResponse, _hearth_v1_CompleteMcpArgumentResponse__Output>
      CompleteRequest: MessageTypeDefinition<_hearth_v1_CompleteRequest, _hearth_v1_CompleteRequest__Output>
      CompleteResponse: MessageTypeDefinition<_hearth_v1_CompleteResponse, _hearth_v1_CompleteResponse__Output>
      /**
       * Fill-in-the-middle for inline suggestions, scheduled ahead of chat turns.
       */
      CompletionService: SubtypeConstructor<typeof grpc.Client, _hearth_v1_CompletionServiceClient> & { service: _hearth_v1_CompletionServiceDefinition }
      ContextEvent: MessageTypeDefinition<_hearth_v1_ContextEvent, _hearth_v1_ContextEvent__Output>
      ContextItem: MessageTypeDefinition<_hearth_v1_ContextItem, _hearth_v1_ContextItem__Output>
      DoneEvent: MessageTypeDefinition<_hearth_v1_DoneEvent, _hearth_v1_DoneEvent__Output>
      ErrorEvent: MessageTypeDefinition<_hearth_v1_ErrorEvent, _hearth_v1_ErrorEvent__Output>
      GetMcpPromptRequest: MessageTypeDefinition<_hearth_v1_GetMcpPromptRequest, _hearth_v1_GetMcpPromptRequest__Output>
      GetMcpPromptResponse: MessageTypeDefinition<_hearth_v1_GetMcpPromptResponse, _hearth_v1_GetMcpPromptResponse__Output>
      HearthError: MessageTypeDefinition<_hearth_v1_HearthError, _hearth_v1_HearthError__Output>
      ImageAttachment: MessageTypeDefinition<_hearth_v1_ImageAttachment, _hearth_v1_ImageAttachment__Output>
      LanguageSuggestions: MessageTypeDefinition<_hearth_v1_LanguageSuggestions, _hearth_v1_LanguageSuggestions__Output>
      LineRange: MessageTypeDefinition<_hearth_v1_LineRange, _hearth_v1_LineRange__Output>
      ListMcpPromptsRequest: MessageTypeDefinition<_hearth_v1_ListMcpPromptsRequest, _hearth_v1_ListMcpPromptsRequest__Output>
      ListMcpPromptsResponse: MessageTypeDefinition<_hearth_v1_ListMcpPromptsResponse, _hearth_v1_ListMcpPromptsResponse__Output>
      ListMcpResourcesRequest: MessageTypeDefinition<_hearth_v1_ListMcpResourcesRequest, _hearth_v1_ListMcpResourcesRequest__Output>
      ListMcpResourcesResponse: MessageTypeDefinition<_hearth_v1_ListMcpResourcesResponse, _hearth_v1_ListMcpResourcesResponse__Output>
      ListModelsRequest: MessageTypeDefinition<_hearth_v1_ListModelsRequest, _hearth_v1_ListModelsRequest__Output>
      ListModelsResponse: MessageTypeDefinition<_hearth_v1_ListModelsResponse, _hearth_v1_ListModelsResponse__Output>
      McpEmbeddedResource: MessageTypeDefinition<_hearth_v1_McpEmbeddedResource, _hearth_v1_McpEmbeddedResource__Output>
      McpPromptArgumentInfo: MessageTypeDefinition<_hearth_v1_McpPromptArgumentInfo, _hearth_v1_McpPromptArgumentInfo__Output>
      McpPromptInfo: MessageTypeDefinition<_hearth_v1_McpPromptInfo, _hearth_v1_McpPromptInfo__Output>
      McpResourceEntry: MessageTypeDefinition<_hearth_v1_McpResourceEntry, _hearth_v1_McpResourceEntry__Output>
      /**
       * The resources and prompts of the admin's MCP servers (config.yaml
       * `mcp.servers`) for every signed-in developer; their tools are offered in
       * Chat. Resources and prompts are data for the developer's messages, never
       * instructions to the client. Requires `authorization: Bearer <access token>`.
       */
      McpService: SubtypeConstructor<typeof grpc.Client, _hearth_v1_McpServiceClient> & { service: _hearth_v1_McpServiceDefinition }
      ModelInfo: MessageTypeDefinition<_hearth_v1_ModelInfo, _hearth_v1_ModelInfo__Output>
      ModelService: SubtypeConstructor<typeof grpc.Client, _hearth_v1_ModelServiceClient> & { service: _hearth_v1_ModelServiceDefinition }
      ReadMcpResourceRequest: MessageTypeDefinition<_hearth_v1_ReadMcpResourceRequest, _hearth_v1_ReadMcpResourceRequest__Output>
      ReadMcpResourceResponse: MessageTypeDefinition<_hearth_v1_ReadMcpResourceResponse, _hearth_v1_ReadMcpResourceResponse__Output>
      RefreshRequest: MessageTypeDefinition<_hearth_v1_RefreshRequest, _hearth_v1_RefreshRequest__Output>
      Role: EnumTypeDefinition
      RulesFile: MessageTypeDefinition<_hearth_v1_RulesFile, _hearth_v1_RulesFile__Output>
      SampleRequest: MessageTypeDefinition<_hearth_v1_SampleRequest, _hearth_v1_SampleRequest__Output>
      SampleResponse: MessageTypeDefinition<_hearth_v1_SampleResponse, _hearth_v1_SampleResponse__Output>
      StatusEvent: MessageTypeDefinition<_hearth_v1_StatusEvent, _hearth_v1_StatusEvent__Output>
      SubagentAgent: MessageTypeDefinition<_hearth_v1_SubagentAgent, _hearth_v1_SubagentAgent__Output>
      SubagentInfo: MessageTypeDefinition<_hearth_v1_SubagentInfo, _hearth_v1_SubagentInfo__Output>
      SubagentOptions: MessageTypeDefinition<_hearth_v1_SubagentOptions, _hearth_v1_SubagentOptions__Output>
      SubagentOutcome: MessageTypeDefinition<_hearth_v1_SubagentOutcome, _hearth_v1_SubagentOutcome__Output>
      SuggestionReport: MessageTypeDefinition<_hearth_v1_SuggestionReport, _hearth_v1_SuggestionReport__Output>
      SuggestionReportAck: MessageTypeDefinition<_hearth_v1_SuggestionReportAck, _hearth_v1_SuggestionReportAck__Output>
      TextDelta: MessageTypeDefinition<_hearth_v1_TextDelta, _hearth_v1_TextDelta__Output>
      ThinkingDelta: MessageTypeDefinition<_hearth_v1_ThinkingDelta, _hearth_v1_ThinkingDelta__Output>
      TodoItem: MessageTypeDefinition<_hearth_v1_TodoItem, _hearth_v1_TodoItem__Output>
      TodoPlan: MessageTypeDefinition<_hearth_v1_TodoPlan, _hearth_v1_TodoPlan__Output>
      TodosEvent: MessageTypeDefinition<_hearth_v1_TodosEvent, _hearth_v1_TodosEvent__Output>
      ToolCall: MessageTypeDefinition<_hearth_v1_ToolCall, _hearth_v1_ToolCall__Output>
      ToolCallEvent: MessageTypeDefinition<_hearth_v1_ToolCallEvent, _hearth_v1_ToolCallEvent__Output>
      ToolDefinition: MessageTypeDefinition<_hearth_v1_ToolDefinition, _hearth_v1_ToolDefinition__Output>
      ToolRequest: MessageTypeDefinition<_hearth_v1_ToolRequest, _hearth_v1_ToolRequest__Output>
      ToolRequestCancel: MessageTypeDefinition<_hearth_v1_ToolRequestCancel, _hearth_v1_ToolRequestCancel__Output>
      ToolResult: MessageTypeDefinition<_hearth_v1_ToolResult, _hearth_v1_ToolResult__Output>
      ToolResultEvent: MessageTypeDefinition<_hearth_v1_ToolResultEvent, _hearth_v1_ToolResultEvent__Output>
      ToolResultReply: MessageTypeDefinition<_hearth_v1_ToolResultReply, _hearth_v1_ToolResultReply__Output>
      TurnAgent: MessageTypeDefinition<_hearth_v1_TurnAgent, _hearth_v1_TurnAgent__Output>
      TurnOptions: MessageTypeDefinition<_hearth_v1_TurnOptions, _hearth_v1_TurnOptions__Output>
      Usage: MessageTypeDefinition<_hearth_v1_Usage, _hearth_v1_Usage__Output>
      UsageEvent: MessageTypeDefinition<_hearth_v1_UsageEvent, _hearth_v1_UsageEvent__Output>
      UserInput: MessageTypeDefinition<_hearth_v1_UserInput, _hearth_v1_UserInput__Output>
      WorkspaceContextSection: MessageTypeDefinition<_hearth_v1_WorkspaceContextSection, _hearth_v1_WorkspaceContextSection__Output>
    }
  }
}

