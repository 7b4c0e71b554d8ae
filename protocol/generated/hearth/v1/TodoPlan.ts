// Original file: protocol/hearth.proto

import type { TodoItem as _hearth_v1_TodoItem, TodoItem__Output as _hearth_v1_TodoItem__Output } from '../../hearth/v1/TodoItem';

export interface TodoPlan {
  'items'?: (_hearth_v1_TodoItem)[];
}

export interface TodoPlan__Output {
  'items': (_hearth_v1_TodoItem__Output)[];
}
