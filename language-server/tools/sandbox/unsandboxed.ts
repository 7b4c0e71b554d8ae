import type { CommandSandbox } from './commandSandbox';

/**
 * The stand-in where no OS sandbox exists (Windows, a kernel without user
 * namespaces, bubblewrap not installed): commands run as plain /bin/sh, so
 * the command policy asks before every one of them and says why. With no
 * pid namespace to end them, the command's processes are marked so that
 * those that leave its process group are still stopped with it.
 */
export function unsandboxed(reason: string): CommandSandbox {
  return {
    kind: 'none',
    unavailableReason: reason,
    async prepare(command, { env }) {
      return { file: '/bin/sh', args: ['-c', command], env, markProcesses: true, finish: async () => [] };
    },
  };
}
