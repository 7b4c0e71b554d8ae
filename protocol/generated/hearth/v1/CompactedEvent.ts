// Original file: protocol/hearth.proto


/**
 * The oldest exchanges of the history were replaced by a summary.
 */
export interface CompactedEvent {
  'summary'?: (string);
  'summarized_exchanges'?: (number);
}

/**
 * The oldest exchanges of the history were replaced by a summary.
 */
export interface CompactedEvent__Output {
  'summary': (string);
  'summarized_exchanges': (number);
}
