/**
 * Arguments of a prompt file: `$ARGUMENTS` is everything typed after the
 * command, `$1` … `$9` its words in order (a "quoted phrase" or 'quoted
 * phrase' counts as one word). Substitution is one pass, so text the user
 * typed is never itself substituted again.
 */
import { argumentWords } from '../../protocol/promptArguments';

/** The words of the text after a command (see protocol/promptArguments.ts, which the composer shares). */
export function splitArguments(text: string): string[] {
  return argumentWords(text).map((w) => w.value);
}

/**
 * The prompt body with its placeholders filled in. A body without any
 * placeholder gets the arguments appended after a blank line, so what the user
 * typed after the command is never silently dropped. A positional
 * placeholder without a word becomes empty.
 */
export function substituteArguments(body: string, args: string): string {
  const placeholder = /\$(ARGUMENTS|[1-9])/g;
  if (!placeholder.test(body)) return args.trim() ? `${body.replace(/\s+$/, '')}\n\n${args.trim()}` : body;
  const words = splitArguments(args);
  return body.replace(placeholder, (_m, name: string) => (name === 'ARGUMENTS' ? args.trim() : (words[Number(name) - 1] ?? '')));
}
