import { execFile } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { bubblewrapSandbox, bwrapIsolation } from './bubblewrapSandbox';
import type { CommandSandbox } from './commandSandbox';
import { unsandboxed } from './unsandboxed';
import { absolutePathEntries } from '../absolutePathEntries';

let detected: Promise<CommandSandbox> | undefined;

/**
 * The sandbox for this machine, probed once per process. There is
 * deliberately no setting or variable that turns it off: a switch the user can
 * flip is a switch the agent can talk the user into flipping, and where no
 * sandbox exists every command asks anyway.
 */
export function detectCommandSandbox(): Promise<CommandSandbox> {
  detected ??= probeCommandSandbox().then((sandbox) => {
    if (sandbox.kind === 'none') {
      // Logged once per process; stderr ends up in the language server's output channel.
      console.error(`Hearth: commands run without an OS sandbox, so every command the agent runs asks for approval: ${sandbox.unavailableReason}`);
    }
    return sandbox;
  });
  return detected;
}

/** Finds and tries the sandbox for this platform (exported for tests; the executor uses detectCommandSandbox). */
export async function probeCommandSandbox(pathVariable = process.env.PATH ?? ''): Promise<CommandSandbox> {
  if (process.platform === 'win32') {
    return unsandboxed('Windows has no OS sandbox that Hearth can use for commands yet (WSL with bubblewrap works: open the folder in WSL)');
  }
  if (process.platform === 'darwin') {
    return unsandboxed('the macOS sandbox (Seatbelt) is not implemented in Hearth yet');
  }
  if (process.platform !== 'linux') return unsandboxed(`Hearth has no OS sandbox for ${process.platform}`);
  const bwrap = findOnPath('bwrap', pathVariable);
  if (!bwrap) {
    return unsandboxed('bubblewrap is not installed; install it (`sudo apt install bubblewrap`, `sudo dnf install bubblewrap`, `sudo pacman -S bubblewrap`) and reload the window');
  }
  const failure = await probeBubblewrap(bwrap);
  if (failure) return unsandboxed(failure);
  return bubblewrapSandbox({ bwrap });
}

/** The first executable `name` on the PATH. */
export function findOnPath(name: string, pathVariable: string): string | null {
  for (const dir of absolutePathEntries(pathVariable)) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return null;
}

/** Runs `/bin/true` with the options every command uses; null when it works, else why not, with what to do. */
export function probeBubblewrap(bwrap: string): Promise<string | null> {
  const args = [...bwrapIsolation(process.getuid?.()), '--unshare-net', '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', '/bin/true'];
  return new Promise((resolve) => {
    execFile(bwrap, args, { timeout: 10_000 }, (error, _stdout, stderr) => {
      if (!error) return resolve(null);
      const detail = (stderr || error.message).trim().split('\n').slice(0, 3).join(' ');
      resolve(`bubblewrap (${bwrap}) cannot create a sandbox here: ${detail}. ${userNamespaceAdvice()}`);
    });
  });
}

/** What to change when unprivileged user namespaces are switched off, naming the setting this kernel has. */
function userNamespaceAdvice(): string {
  const read = (file: string): string | null => {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch {
      return null;
    }
  };
  if (read('/proc/sys/kernel/apparmor_restrict_unprivileged_userns') === '1') {
    return 'Ubuntu restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns = 1): allow bwrap with an AppArmor profile (see Ubuntu\'s bwrap-userns-restrict) or set the sysctl to 0, then reload the window';
  }
  if (read('/proc/sys/kernel/unprivileged_userns_clone') === '0') {
    return 'unprivileged user namespaces are off (kernel.unprivileged_userns_clone = 0): run `sudo sysctl kernel.unprivileged_userns_clone=1`, then reload the window';
  }
  if (read('/proc/sys/user/max_user_namespaces') === '0') {
    return 'user namespaces are off (user.max_user_namespaces = 0): raise it with `sudo sysctl user.max_user_namespaces=10000`, then reload the window';
  }
  return 'Inside a container, bubblewrap needs user namespaces the container allows (for Docker: --security-opt seccomp=unconfined or a rootless setup); then reload the window';
}
