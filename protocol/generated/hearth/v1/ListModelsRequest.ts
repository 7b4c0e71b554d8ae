// Original file: protocol/hearth.proto


export interface ListModelsRequest {
}

export interface ListModelsRequest__Output {
}
