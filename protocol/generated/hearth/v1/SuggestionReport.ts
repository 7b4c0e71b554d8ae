// Original file: protocol/hearth.proto

import type { LanguageSuggestions as _hearth_v1_LanguageSuggestions, LanguageSuggestions__Output as _hearth_v1_LanguageSuggestions__Output } from '../../hearth/v1/LanguageSuggestions';

export interface SuggestionReport {
  'languages'?: (_hearth_v1_LanguageSuggestions)[];
}

export interface SuggestionReport__Output {
  'languages': (_hearth_v1_LanguageSuggestions__Output)[];
}
