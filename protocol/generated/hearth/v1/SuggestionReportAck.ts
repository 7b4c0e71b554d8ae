// Original file: protocol/hearth.proto


export interface SuggestionReportAck {
}

export interface SuggestionReportAck__Output {
}
