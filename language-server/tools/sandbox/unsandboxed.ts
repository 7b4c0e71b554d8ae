import type { CommandSandbox } from './commandSandbox';

/**
 * The stand-in where no OS sandbox exists (Windows, a kernel without user
 * namespaces, bubblewrap not installed): commands run as plain /bin/sh, so
 * the command policy asks before every one of them and says why.
 */
export function unsandboxed(reason: string): CommandSandbox {
  return {
    kind: 'none',
    unavailableReason: reason,
    async prepare(command, { env }) {
      return { file: '/bin/sh', args: ['-c', command], env, finish: async () => [] };
    },
  };
}
