// Original file: protocol/hearth.proto


export interface ListMcpPromptsRequest {
}

export interface ListMcpPromptsRequest__Output {
}
