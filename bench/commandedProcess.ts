/**
 * A bench helper process scripted over stdin and stdout: it prints one line
 * once it is up, then answers each command line with one line, in order.
 * It exits when its stdin closes (the scripted Ollama, the measuring
 * developers).
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface CommandedProcess {
  pid: number;
  /** The line it printed once it was up. */
  startLine: string;
  /** Sends `line` and resolves with its answer. */
  send(line: string): Promise<string>;
  /** Closes its stdin and resolves once it exited (killing it after 5 s). */
  close(): Promise<void>;
}

/** Starts `command` (the program, then its arguments) and waits for the line that says it is up. */
export async function startCommandedProcess(command: string[], isStartLine: (line: string) => boolean, env: SpawnOptions['env'] = process.env): Promise<CommandedProcess> {
  const child = spawn(command[0], command.slice(1), { stdio: ['pipe', 'pipe', 'inherit'], env });
  const waiting: { resolve: (line: string) => void; reject: (err: Error) => void }[] = [];
  let exited: Error | undefined;
  const startLine = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => {
      exited = new Error(`${command.at(-1)?.slice(0, 80)} exited (${code})`);
      reject(exited);
      for (const w of waiting.splice(0)) w.reject(exited);
    });
    let started = false;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!started) {
        if (isStartLine(line)) {
          started = true;
          resolve(line);
        }
        return;
      }
      waiting.shift()?.resolve(line);
    });
  });
  return {
    pid: child.pid!,
    startLine,
    send: (line) =>
      new Promise<string>((resolve, reject) => {
        if (exited) return reject(exited);
        waiting.push({ resolve, reject });
        child.stdin!.write(`${line}\n`);
      }),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.stdin!.end();
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
