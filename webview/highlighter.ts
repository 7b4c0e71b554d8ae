/**
 * Syntax highlighting with highlight.js core and only the languages a coding
 * chat needs, registered one by one: the full highlight.js bundle would add
 * about a megabyte to the webview for languages nobody asks about.
 */
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import markdown from 'highlight.js/lib/languages/markdown';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

const LANGUAGES = { bash, c, cpp, css, diff, go, java, javascript, json, markdown, python, rust, sql, typescript, xml, yaml };

for (const [name, definition] of Object.entries(LANGUAGES)) {
  if (!hljs.getLanguage(name)) hljs.registerLanguage(name, definition);
}
// Fence names models commonly use that the grammars above do not already alias.
hljs.registerAliases(['shell', 'console', 'shellsession', 'ps1', 'powershell', 'zsh'], { languageName: 'bash' });
hljs.registerAliases(['jsonc', 'json5'], { languageName: 'json' });
hljs.registerAliases(['vue', 'svelte'], { languageName: 'xml' });

/** Code longer than this is shown plain: highlighting it on every streamed frame would stall the UI for little benefit. */
const MAX_HIGHLIGHT_CHARS = 200_000;

export interface Highlighted {
  /** HTML made only of highlight.js `<span class="hljs-…">` elements around escaped text. */
  html: string;
  /** The canonical language name, or undefined when the code was not highlighted. */
  language?: string;
}

/** The language fence names we know, for the code block header and for tests. */
export function isKnownLanguage(lang: string): boolean {
  return lang !== '' && hljs.getLanguage(lang) !== undefined;
}

/**
 * Highlights `code` in `lang`. Unknown languages are escaped, not guessed:
 * auto-detection runs every grammar over the text, which is too slow to do on
 * each streamed frame and often guesses wrong on short snippets.
 */
export function highlightCode(code: string, lang: string): Highlighted {
  if (isKnownLanguage(lang) && code.length <= MAX_HIGHLIGHT_CHARS) {
    try {
      const result = hljs.highlight(code, { language: lang, ignoreIllegals: true });
      return { html: result.value, language: result.language ?? lang };
    } catch {
      // A grammar bug must not lose the code: fall through to plain text.
    }
  }
  return { html: escapeHtml(code) };
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
