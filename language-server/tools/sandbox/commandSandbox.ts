/**
 * The OS sandbox every agent command runs in (BRIEF invariant 1). This file is
 * the contract; `detectCommandSandbox` picks the implementation for this
 * machine once per language-server process.
 */

/** What one command may do beyond the defaults (read-only system, writable workspace minus protected files, no network, no secrets). */
export interface SandboxGrant {
  /** The user approved network access for this command. */
  network: boolean;
  /**
   * The user approved this exact command, and the policy says it installs
   * (needs the network): it may write execution-sensitive files, since an
   * install must write node_modules/ and the lockfile. Protected paths (.git,
   * .vscode, .hearth) stay read-only whatever the grant.
   */
  writeExecutionSensitive?: boolean;
}

export interface SandboxedSpawn {
  /** The program to spawn and its arguments (for example bwrap and its options, then /bin/sh -c LINE). */
  file: string;
  args: string[];
  /** The environment the command gets (secrets removed). */
  env: NodeJS.ProcessEnv;
  /**
   * The spawn writes `stray` on file descriptor 3 when processes the command
   * started were still running as its shell exited, and so were stopped with
   * it (the model must not believe a server it started is still there).
   */
  strayReportFd?: boolean;
  /** How many process levels below `file` the command's processes are, to stop them gracefully (see ShellRunOptions). */
  commandDepth?: number;
  /** The command has no pid namespace of its own, so its processes are marked to be found and stopped (see ShellRunOptions). */
  markProcesses?: boolean;
  /**
   * Workspace folders too large for the sandbox to find every path it must
   * keep read-only (see findGuardedPaths' caps): deeper ones are writable.
   */
  unguardedFolders?: string[];
  /** Called after the command ended: undoes anything the sandbox could not prevent (see the implementation) and says what it did. */
  finish(): Promise<string[]>;
}

export interface CommandSandbox {
  /** Which mechanism confines commands; 'none' when no sandbox is available here. */
  readonly kind: 'bubblewrap' | 'seatbelt' | 'none';
  /** When `kind` is 'none': why, in a sentence the user can act on. */
  readonly unavailableReason?: string;
  /**
   * The workspace folders among `roots` that are too large for the sandbox to
   * guard fully right now; absent where the sandbox guards no paths inside
   * the folders. Asked before the command is judged, so the user can be.
   */
  unguardedFolders?(roots: readonly string[]): Promise<string[]>;
  /**
   * Builds the spawn of `command` (a /bin/sh command line) run in `cwd`,
   * confined to the workspace folders. A sandbox that guards paths inside
   * the folders may make this wait until the commands it prepared earlier
   * have finished (their `finish()` resolved): the caller must call
   * `finish()` once for every spawn it gets, run or not. `signal` ends the
   * wait; prepare then rejects with a `SandboxWaitCancelled`. `onWait` is
   * called once, before such a wait, with the line of the command that holds
   * the sandbox, so the user can be told why nothing happens yet.
   */
  prepare(
    command: string,
    options: {
      cwd: string;
      roots: readonly string[];
      grant: SandboxGrant;
      env: NodeJS.ProcessEnv;
      /** Folders the command must see empty, besides the credentials the sandbox finds itself (see `hearthPrivateFolders`). */
      hidden?: readonly string[];
      signal?: AbortSignal;
      onWait?: (holder: string) => void;
    },
  ): Promise<SandboxedSpawn>;
}

/** Rejects `prepare` when its signal ended the wait for an earlier command. */
export class SandboxWaitCancelled extends Error {
  constructor() {
    super('cancelled while waiting for another command to finish');
    this.name = 'SandboxWaitCancelled';
  }
}

/**
 * Rejects `prepare` when a workspace folder lies where the sandbox hides the
 * user's credentials: commands cannot work there, and trying again will not change that.
 */
export class SandboxHidesFolder extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SandboxHidesFolder';
  }
}
