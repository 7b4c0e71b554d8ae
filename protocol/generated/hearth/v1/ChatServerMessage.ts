// Original file: protocol/hearth.proto

import type { TextDelta as _hearth_v1_TextDelta, TextDelta__Output as _hearth_v1_TextDelta__Output } from '../../hearth/v1/TextDelta';
import type { ToolCallEvent as _hearth_v1_ToolCallEvent, ToolCallEvent__Output as _hearth_v1_ToolCallEvent__Output } from '../../hearth/v1/ToolCallEvent';
import type { ToolRequest as _hearth_v1_ToolRequest, ToolRequest__Output as _hearth_v1_ToolRequest__Output } from '../../hearth/v1/ToolRequest';
import type { ToolResultEvent as _hearth_v1_ToolResultEvent, ToolResultEvent__Output as _hearth_v1_ToolResultEvent__Output } from '../../hearth/v1/ToolResultEvent';
import type { StatusEvent as _hearth_v1_StatusEvent, StatusEvent__Output as _hearth_v1_StatusEvent__Output } from '../../hearth/v1/StatusEvent';
import type { UsageEvent as _hearth_v1_UsageEvent, UsageEvent__Output as _hearth_v1_UsageEvent__Output } from '../../hearth/v1/UsageEvent';
import type { ErrorEvent as _hearth_v1_ErrorEvent, ErrorEvent__Output as _hearth_v1_ErrorEvent__Output } from '../../hearth/v1/ErrorEvent';
import type { DoneEvent as _hearth_v1_DoneEvent, DoneEvent__Output as _hearth_v1_DoneEvent__Output } from '../../hearth/v1/DoneEvent';
import type { ToolRequestCancel as _hearth_v1_ToolRequestCancel, ToolRequestCancel__Output as _hearth_v1_ToolRequestCancel__Output } from '../../hearth/v1/ToolRequestCancel';
import type { ThinkingDelta as _hearth_v1_ThinkingDelta, ThinkingDelta__Output as _hearth_v1_ThinkingDelta__Output } from '../../hearth/v1/ThinkingDelta';
import type { AgentSpawnEvent as _hearth_v1_AgentSpawnEvent, AgentSpawnEvent__Output as _hearth_v1_AgentSpawnEvent__Output } from '../../hearth/v1/AgentSpawnEvent';
import type { AgentActivityEvent as _hearth_v1_AgentActivityEvent, AgentActivityEvent__Output as _hearth_v1_AgentActivityEvent__Output } from '../../hearth/v1/AgentActivityEvent';
import type { AgentResultEvent as _hearth_v1_AgentResultEvent, AgentResultEvent__Output as _hearth_v1_AgentResultEvent__Output } from '../../hearth/v1/AgentResultEvent';
import type { TodosEvent as _hearth_v1_TodosEvent, TodosEvent__Output as _hearth_v1_TodosEvent__Output } from '../../hearth/v1/TodosEvent';
import type { ContextEvent as _hearth_v1_ContextEvent, ContextEvent__Output as _hearth_v1_ContextEvent__Output } from '../../hearth/v1/ContextEvent';
import type { CompactedEvent as _hearth_v1_CompactedEvent, CompactedEvent__Output as _hearth_v1_CompactedEvent__Output } from '../../hearth/v1/CompactedEvent';

export interface ChatServerMessage {
  'text'?: (_hearth_v1_TextDelta | null);
  'tool_call'?: (_hearth_v1_ToolCallEvent | null);
  'tool_request'?: (_hearth_v1_ToolRequest | null);
  'tool_result'?: (_hearth_v1_ToolResultEvent | null);
  'status'?: (_hearth_v1_StatusEvent | null);
  'usage'?: (_hearth_v1_UsageEvent | null);
  'error'?: (_hearth_v1_ErrorEvent | null);
  'done'?: (_hearth_v1_DoneEvent | null);
  'tool_cancel'?: (_hearth_v1_ToolRequestCancel | null);
  'thinking'?: (_hearth_v1_ThinkingDelta | null);
  'agent_spawn'?: (_hearth_v1_AgentSpawnEvent | null);
  'agent_event'?: (_hearth_v1_AgentActivityEvent | null);
  'agent_result'?: (_hearth_v1_AgentResultEvent | null);
  'todos'?: (_hearth_v1_TodosEvent | null);
  'context'?: (_hearth_v1_ContextEvent | null);
  'compacted'?: (_hearth_v1_CompactedEvent | null);
  'kind'?: "text"|"tool_call"|"tool_request"|"tool_result"|"status"|"usage"|"error"|"done"|"tool_cancel"|"thinking"|"agent_spawn"|"agent_event"|"agent_result"|"todos"|"context"|"compacted";
}

export interface ChatServerMessage__Output {
  'text'?: (_hearth_v1_TextDelta__Output | null);
  'tool_call'?: (_hearth_v1_ToolCallEvent__Output | null);
  'tool_request'?: (_hearth_v1_ToolRequest__Output | null);
  'tool_result'?: (_hearth_v1_ToolResultEvent__Output | null);
  'status'?: (_hearth_v1_StatusEvent__Output | null);
  'usage'?: (_hearth_v1_UsageEvent__Output | null);
  'error'?: (_hearth_v1_ErrorEvent__Output | null);
  'done'?: (_hearth_v1_DoneEvent__Output | null);
  'tool_cancel'?: (_hearth_v1_ToolRequestCancel__Output | null);
  'thinking'?: (_hearth_v1_ThinkingDelta__Output | null);
  'agent_spawn'?: (_hearth_v1_AgentSpawnEvent__Output | null);
  'agent_event'?: (_hearth_v1_AgentActivityEvent__Output | null);
  'agent_result'?: (_hearth_v1_AgentResultEvent__Output | null);
  'todos'?: (_hearth_v1_TodosEvent__Output | null);
  'context'?: (_hearth_v1_ContextEvent__Output | null);
  'compacted'?: (_hearth_v1_CompactedEvent__Output | null);
  'kind'?: "text"|"tool_call"|"tool_request"|"tool_result"|"status"|"usage"|"error"|"done"|"tool_cancel"|"thinking"|"agent_spawn"|"agent_event"|"agent_result"|"todos"|"context"|"compacted";
}
