// Original file: protocol/hearth.proto

import type { TodoItem as _hearth_v1_TodoItem, TodoItem__Output as _hearth_v1_TodoItem__Output } from '../../hearth/v1/TodoItem';

/**
 * The agent's plan as a whole, each time it changes.
 */
export interface TodosEvent {
  'items'?: (_hearth_v1_TodoItem)[];
}

/**
 * The agent's plan as a whole, each time it changes.
 */
export interface TodosEvent__Output {
  'items': (_hearth_v1_TodoItem__Output)[];
}
