/**
 * Arguments of a prompt file: `$ARGUMENTS` is everything typed after the
 * command, `$1` … `$9` its words in order (a "quoted phrase" or 'quoted
 * phrase' counts as one word). Substitution is one pass, so text the user
 * typed is never itself substituted again.
 */

/**
 * Splits the text after a command into words, as a shell would: white space
 * separates words, "double" or 'single' quotes group (and may sit inside a
 * word: city="New York" is one word), and a backslash before a quote makes
 * it literal. Other backslashes stay as typed (Windows paths survive).
 */
export function splitArguments(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && (text[i + 1] === '"' || text[i + 1] === "'") && quote !== "'") {
      word += text[++i];
      inWord = true;
    } else if (quote) {
      if (ch === quote) quote = undefined;
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
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
