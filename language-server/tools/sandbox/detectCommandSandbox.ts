import type { CommandSandbox } from './commandSandbox';
import { unsandboxed } from './unsandboxed';

let detected: Promise<CommandSandbox> | undefined;

/** The sandbox for this machine, probed once per process. */
export function detectCommandSandbox(): Promise<CommandSandbox> {
  detected ??= Promise.resolve(unsandboxed('no OS sandbox is implemented for this platform yet'));
  return detected;
}
