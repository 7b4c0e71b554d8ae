/**
 * Arguments of a prompt file: `$ARGUMENTS` is everything typed after the
 * command, `$1` … `$9` its words in order (a "quoted phrase" or 'quoted
 * phrase' counts as one word). Substitution is one pass, so text the user
 * typed is never itself substituted again.
 */

/** Splits the text after a command into words; quotes group words and are removed. */
export function splitArguments(text: string): string[] {
  const words: string[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (const m of text.matchAll(pattern)) {
    if (m[1] !== undefined) words.push(m[1].replace(/\\(.)/g, '$1'));
    else if (m[2] !== undefined) words.push(m[2]);
    else words.push(m[3]);
  }
  return words;
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
