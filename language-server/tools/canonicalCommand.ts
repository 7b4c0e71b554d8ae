import { singleQuote, type CommandNode, type ListNode, type RedirectionNode, type ShellWord } from './shellWord';

/**
 * Regenerates a command line from its parsed tree: every fixed piece of text
 * that is not plain letters, digits and `_./@%+,:-` single-quoted, glob patterns left as patterns, operators spelled out,
 * comments dropped. Running this line instead of the one the model wrote
 * means that whatever /bin/sh would have read differently from the parser,
 * what runs is exactly the words the policy judged.
 *
 * Only defined for trees whose words are static (text and globs): the policy
 * never lets a line with expansions or substitutions run without asking.
 */
export function canonicalCommandLine(list: ListNode): string {
  return list.items
    .map((item, i) => {
      const pipeline = item.pipeline.commands.map(canonicalCommand).join(' | ');
      const last = i === list.items.length - 1;
      if (item.separator === ';') return last ? pipeline : `${pipeline};`;
      return `${pipeline} ${item.separator}`;
    })
    .join(' ');
}

function canonicalCommand(node: CommandNode): string {
  if (node.kind === 'subshell') return [`( ${canonicalCommandLine(node.body)} )`, ...node.redirections.map(canonicalRedirection)].join(' ');
  return [
    ...node.assignments.map((a) => `${a.name}=${canonicalWord(a.value)}`),
    ...node.words.map(canonicalWord),
    ...node.redirections.map(canonicalRedirection),
  ].join(' ');
}

function canonicalRedirection(r: RedirectionNode): string {
  const fd = r.fd === undefined ? '' : String(r.fd);
  const target = r.target.parts.length === 1 && r.target.parts[0].kind === 'text' ? r.target.parts[0].text : null;
  // File-descriptor duplication (`2>&1`, `>&-`) must stay unquoted to keep its meaning.
  if ((r.op === '>&' || r.op === '<&') && target !== null && /^(\d|-)$/.test(target)) return `${fd}${r.op}${target}`;
  return `${fd}${r.op} ${canonicalWord(r.target)}`;
}

/** Text that means itself to /bin/sh unquoted in any position: no `=` (assignment), `~`, `#`, globs, braces or keywords. */
const PLAIN = /^[A-Za-z0-9_./@%+,:-]+$/;
const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'case', 'esac', 'while', 'until', 'for', 'in', 'function', 'select', 'coproc']);

function quoteText(text: string): string {
  return PLAIN.test(text) && !KEYWORDS.has(text) ? text : singleQuote(text);
}

export function canonicalWord(word: ShellWord): string {
  let out = '';
  let text = '';
  for (const part of word.parts) {
    if (part.kind === 'text') {
      text += part.text;
      continue;
    }
    if (part.kind !== 'glob') throw new Error('canonicalWord: the word has an expansion');
    if (text !== '') out += quoteText(text);
    text = '';
    out += part.text;
  }
  if (text !== '') out += quoteText(text);
  return out === '' ? "''" : out;
}
