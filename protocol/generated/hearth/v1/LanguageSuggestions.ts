// Original file: protocol/hearth.proto


export interface LanguageSuggestions {
  /**
   * The editor's language id ("typescript").
   */
  'language'?: (string);
  'shown'?: (number);
  'accepted'?: (number);
}

export interface LanguageSuggestions__Output {
  /**
   * The editor's language id ("typescript").
   */
  'language': (string);
  'shown': (number);
  'accepted': (number);
}
