// Original file: protocol/hearth.proto


export interface AuthenticateRequest {
  'api_key'?: (string);
  /**
   * Free text for the audit log ("Hearth 0.1.0 on VS Code").
   */
  'client_name'?: (string);
}

export interface AuthenticateRequest__Output {
  'api_key': (string);
  /**
   * Free text for the audit log ("Hearth 0.1.0 on VS Code").
   */
  'client_name': (string);
}
