// Original file: protocol/hearth.proto

export const Role = {
  ROLE_UNSPECIFIED: 'ROLE_UNSPECIFIED',
  ROLE_SYSTEM: 'ROLE_SYSTEM',
  ROLE_USER: 'ROLE_USER',
  ROLE_ASSISTANT: 'ROLE_ASSISTANT',
  ROLE_TOOL: 'ROLE_TOOL',
} as const;

export type Role =
  | 'ROLE_UNSPECIFIED'
  | 0
  | 'ROLE_SYSTEM'
  | 1
  | 'ROLE_USER'
  | 2
  | 'ROLE_ASSISTANT'
  | 3
  | 'ROLE_TOOL'
  | 4

export type Role__Output = typeof Role[keyof typeof Role]
