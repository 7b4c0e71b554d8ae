// Original file: protocol/hearth.proto


export interface ListMcpResourcesRequest {
}

export interface ListMcpResourcesRequest__Output {
}
