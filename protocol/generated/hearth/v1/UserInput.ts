// Original file: protocol/hearth.proto

import type { ContextItem as _hearth_v1_ContextItem, ContextItem__Output as _hearth_v1_ContextItem__Output } from '../../hearth/v1/ContextItem';
import type { ImageAttachment as _hearth_v1_ImageAttachment, ImageAttachment__Output as _hearth_v1_ImageAttachment__Output } from '../../hearth/v1/ImageAttachment';

export interface UserInput {
  'text'?: (string);
  'context'?: (_hearth_v1_ContextItem)[];
  'images'?: (_hearth_v1_ImageAttachment)[];
}

export interface UserInput__Output {
  'text': (string);
  'context': (_hearth_v1_ContextItem__Output)[];
  'images': (_hearth_v1_ImageAttachment__Output)[];
}
