// Original file: protocol/hearth.proto

import type { LineRange as _hearth_v1_LineRange, LineRange__Output as _hearth_v1_LineRange__Output } from '../../hearth/v1/LineRange';

export interface ContextItem {
  /**
   * "selection", "file" or "mention".
   */
  'kind'?: (string);
  'path'?: (string);
  'text'?: (string);
  'range'?: (_hearth_v1_LineRange | null);
  'language_id'?: (string);
  '_text'?: "text";
}

export interface ContextItem__Output {
  /**
   * "selection", "file" or "mention".
   */
  'kind': (string);
  'path': (string);
  'text'?: (string);
  'range': (_hearth_v1_LineRange__Output | null);
  'language_id': (string);
  '_text'?: "text";
}
