/**
 * The words after a slash command, and which MCP prompt argument the caret
 * is in. The language server binds a prompt's arguments with these rules
 * (language-server/slash/mcpPromptCommand.ts) and the composer uses the same
 * ones to know which argument to ask suggestions for, so what the popup
 * offers is the value the command will really get. Pure, for the webview.
 */

/** One word of the argument text: its value (quotes removed) and where its raw text starts and ends. */
export interface ArgumentWord {
  value: string;
  start: number;
  end: number;
}

/**
 * Splits the text after a command into words, as a shell would: white space
 * separates words, "double" or 'single' quotes group (and may sit inside a
 * word: city="New York" is one word), and a backslash before a quote makes
 * it literal outside single quotes. Other backslashes stay as typed (Windows
 * paths survive). An unclosed quote runs to the end of the text.
 */
export function argumentWords(text: string): ArgumentWord[] {
  const words: ArgumentWord[] = [];
  let word = '';
  let start = -1;
  let quote: '"' | "'" | undefined;
  const begin = (i: number) => {
    if (start < 0) start = i;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && (text[i + 1] === '"' || text[i + 1] === "'") && quote !== "'") {
      begin(i);
      word += text[++i];
    } else if (quote) {
      if (ch === quote) quote = undefined;
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      begin(i);
      quote = ch;
    } else if (/\s/.test(ch)) {
      if (start >= 0) words.push({ value: word, start, end: i });
      word = '';
      start = -1;
    } else {
      begin(i);
      word += ch;
    }
  }
  if (start >= 0) words.push({ value: word, start, end: text.length });
  return words;
}

/** The argument being typed: its name, its value up to the caret, the raw range an accepted value replaces, and the other arguments' values. */
export interface PromptArgumentAtCaret {
  name: string;
  /** The value typed so far (up to the caret, quotes removed): what the server completes. */
  value: string;
  /** The raw text from `start` to `end` (offsets into the argument text) is the value's; a chosen suggestion replaces it. */
  start: number;
  end: number;
  /** Typed as `name=value`, or the prompt's only argument (which takes all the text): the suggestion goes in as it is for a single argument. */
  form: 'positional' | 'named' | 'whole';
  /** The values of the other arguments already given, for the server's `context.arguments`. */
  context: Record<string, string>;
  /** A later argument in declared order has no value yet (a chosen value is followed by a space, ready for it). */
  moreToFill: boolean;
}

/**
 * Which of `names` (the prompt's arguments, in declared order) the caret is
 * in, bound as the language server binds them: `name=value` words by name,
 * the other words in order to the arguments still open, all the text to a
 * prompt's single argument. Undefined when the caret is in a word that binds
 * to nothing (more words than arguments), or the prompt takes no arguments.
 */
export function promptArgumentAt(text: string, caret: number, names: readonly string[]): PromptArgumentAtCaret | undefined {
  if (names.length === 0 || caret < 0 || caret > text.length) return undefined;
  const declared = new Set(names);
  const single = names.length === 1 ? names[0] : undefined;
  const leading = text.length - text.trimStart().length;
  if (single && !text.trimStart().startsWith(`${single}=`)) {
    if (caret < leading) return undefined;
    return { name: single, value: text.slice(leading, caret), start: leading, end: text.trimEnd().length, form: 'whole', context: {}, moreToFill: false };
  }
  const words = argumentWords(text);
  let current = words.findIndex((w) => caret >= w.start && caret <= w.end);
  // The caret in white space starts a new, empty word there.
  if (current < 0) {
    current = words.findIndex((w) => w.start > caret);
    if (current < 0) current = words.length;
    words.splice(current, 0, { value: '', start: caret, end: caret });
  }
  const keyOf = (w: ArgumentWord) => {
    const eq = w.value.indexOf('=');
    const key = eq > 0 ? w.value.slice(0, eq) : '';
    return declared.has(key) ? key : undefined;
  };
  const named: Record<string, string> = {};
  for (const w of words) {
    const key = keyOf(w);
    if (key) named[key] = w.value.slice(key.length + 1);
  }
  const open = names.filter((n) => named[n] === undefined);
  const positional = words.filter((w) => !keyOf(w));
  const context: Record<string, string> = {};
  let at: Omit<PromptArgumentAtCaret, 'context' | 'moreToFill'> | undefined;
  const word = words[current];
  const key = keyOf(word);
  if (key) {
    // The value starts after `name=` in the raw text (the name itself is never quoted when it is a key).
    const rawEq = text.indexOf('=', word.start);
    at = { name: key, value: valueUpTo(text, rawEq + 1, caret), start: rawEq + 1, end: word.end, form: 'named' };
  } else {
    const index = positional.indexOf(word);
    if (index >= open.length) return undefined;
    at = { name: open[index], value: valueUpTo(text, word.start, caret), start: word.start, end: word.end, form: 'positional' };
  }
  for (const [name, value] of Object.entries(named)) if (name !== at.name && value) context[name] = value;
  positional.forEach((w, i) => {
    if (w !== word && i < open.length && w.value) context[open[i]] = w.value;
  });
  const position = names.indexOf(at.name);
  return { ...at, context, moreToFill: names.some((n, i) => i > position && context[n] === undefined) };
}

/** The value of the raw text from `start` to the caret, quotes removed. */
function valueUpTo(text: string, start: number, caret: number): string {
  if (caret <= start) return '';
  return argumentWords(text.slice(start, caret)).map((w) => w.value).join(' ');
}

/**
 * How a value is written so the command's argument is exactly it: as it is
 * when it is one plain word, else in quotes ('…' when it has no single quote,
 * else "…" with its quotes escaped). Undefined for a value no quoting can
 * carry (a single quote and a trailing backslash), which is then not offered.
 */
export function quoteArgument(value: string): string | undefined {
  if (value !== '' && !/[\s"']/.test(value)) return value;
  if (!value.includes("'")) return `'${value}'`;
  if (value.endsWith('\\')) return undefined;
  return `"${value.replace(/["']/g, (q) => `\\${q}`)}"`;
}

/**
 * The raw text that puts `value` into the argument at the caret, read back by
 * the language server as exactly `value` for that argument: quoted as
 * needed, and written `name=value` when a positional value would otherwise
 * read as another argument's `name=`. Undefined when no text can (the
 * prompt's single argument takes the text trimmed, so a value with white
 * space at either end cannot be given).
 */
export function argumentText(value: string, at: Pick<PromptArgumentAtCaret, 'name' | 'form'>, names: readonly string[]): string | undefined {
  if (value === '') return undefined;
  if (at.form === 'whole') return value === value.trim() && !value.startsWith(`${at.name}=`) ? value : undefined;
  const quoted = quoteArgument(value);
  if (quoted === undefined) return undefined;
  const eq = value.indexOf('=');
  const readsAsNamed = at.form === 'positional' && eq > 0 && names.includes(value.slice(0, eq));
  return readsAsNamed ? `${at.name}=${quoted}` : quoted;
}
