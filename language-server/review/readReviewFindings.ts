/**
 * Turns the reviewing model's answer into findings anchored to the files as
 * they are now. The answer is the model's (and, through the code it read,
 * possibly a hostile repository's) text: every finding must name a file of
 * the review and a line the model was shown, fields are cut to sane sizes,
 * and anything else is dropped and counted rather than trusted.
 */
import { REVIEW_SEVERITIES, type ReviewFinding, type ReviewSeverity } from '../../protocol/lspMethods';
import type { ReviewListing } from './reviewListing';

/** More findings than this is the model rambling, not a review. */
export const MAX_FINDINGS = 30;
const MAX_TITLE_CHARS = 160;
const MAX_COMMENT_CHARS = 4_000;
const MAX_FIX_CHARS = 8_000;
/** A comment may span at most this many lines. */
const MAX_SPAN = 60;
/** Small models often cite a line one or two off the one they mean; closer than this to a shown line is taken as that line. */
const SNAP_LINES = 2;

export interface ReviewedFile {
  listing: ReviewListing;
  /** The file's current text, split into lines. */
  lines: string[];
}

export interface ReadFindings {
  findings: ReviewFinding[];
  dropped: number;
  /** Findings that could be anchored but were past MAX_FINDINGS, the least serious ones. */
  beyondLimit: number;
  /** No finding list could be read from the answer at all. */
  unreadable: boolean;
}

/** The JSON value in an answer: all of it, else its first fenced block, else from the first `{` or `[` to the last `}` or `]`. */
export function jsonIn(answer: string): unknown {
  const candidates = [answer.trim()];
  const fenced = /```[a-zA-Z]*\n([\s\S]*?)```/.exec(answer);
  if (fenced) candidates.push(fenced[1]);
  const start = answer.search(/[[{]/);
  const end = Math.max(answer.lastIndexOf('}'), answer.lastIndexOf(']'));
  if (start >= 0 && end > start) candidates.push(answer.slice(start, end + 1));
  for (const text of candidates) {
    try {
      return JSON.parse(text);
    } catch {
      // Try the next reading.
    }
  }
  return undefined;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
const int = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined;
};

function severityOf(v: unknown): ReviewSeverity {
  const s = typeof v === 'string' ? v.toLowerCase().trim() : '';
  return (REVIEW_SEVERITIES as readonly string[]).includes(s) ? (s as ReviewSeverity) : 'maintainability';
}

/** The reviewed file a finding names: its exact path, else the one path ending in it (a model may drop the folders). */
function fileNamed(name: string, files: readonly ReviewedFile[]): ReviewedFile | undefined {
  const clean = name.trim().replace(/^\.\//, '').replace(/^[ab]\//, '');
  const exact = files.find((f) => f.listing.path === clean);
  if (exact) return exact;
  const bySuffix = files.filter((f) => f.listing.path.endsWith(`/${clean}`));
  return bySuffix.length === 1 ? bySuffix[0] : undefined;
}

/** `line` if it was shown, else the nearest shown line within SNAP_LINES. */
function shownLine(line: number, shown: Set<number>): number | undefined {
  for (let d = 0; d <= SNAP_LINES; d++) {
    if (shown.has(line - d)) return line - d;
    if (shown.has(line + d)) return line + d;
  }
  return undefined;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function readFix(raw: unknown, file: ReviewedFile, start: number, end: number): ReviewFinding['fix'] {
  if (!raw || typeof raw !== 'object') return undefined;
  const fix = raw as Record<string, unknown>;
  const code = typeof fix.code === 'string' ? fix.code : undefined;
  if (code === undefined || code.length > MAX_FIX_CHARS) return undefined;
  const first = int(fix.startLine) ?? start;
  const last = int(fix.endLine) ?? (int(fix.startLine) ? first : end);
  // A fix replaces lines the model was shown, and only those.
  if (last < first || last - first > MAX_SPAN || last > file.lines.length) return undefined;
  for (let n = first; n <= last; n++) if (!file.listing.shown.has(n)) return undefined;
  const oldText = file.lines.slice(first - 1, last).join('\n');
  const newText = code.replace(/\r\n/g, '\n').replace(/\n$/, '');
  if (newText === oldText) return undefined;
  return { range: { start: { line: first - 1, character: 0 }, end: { line: last - 1, character: file.lines[last - 1].length } }, oldText, newText };
}

function readFinding(raw: unknown, files: readonly ReviewedFile[]): ReviewFinding | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const f = raw as Record<string, unknown>;
  const name = str(f.file) ?? str(f.path);
  const file = name === undefined ? (files.length === 1 ? files[0] : undefined) : fileNamed(name, files);
  const cited = int(f.line) ?? int(f.startLine);
  const title = str(f.title) ?? str(f.summary);
  if (!file || cited === undefined || title === undefined) return undefined;
  const start = shownLine(cited, file.listing.shown);
  if (start === undefined || start > file.lines.length) return undefined;
  const end = Math.min(Math.max(start, int(f.endLine) ?? start), start + MAX_SPAN, file.lines.length);
  const comment = str(f.comment) ?? str(f.body) ?? str(f.description) ?? '';
  const fix = readFix(f.fix, file, start, end);
  return {
    uri: file.listing.uri,
    range: { start: { line: start - 1, character: 0 }, end: { line: end - 1, character: file.lines[end - 1].length } },
    severity: severityOf(f.severity),
    title: cut(title.replace(/\s+/g, ' ').trim(), MAX_TITLE_CHARS),
    comment: cut(comment.trim(), MAX_COMMENT_CHARS),
    ...(fix ? { fix } : {}),
  };
}

/** The findings of `answer` for `files`, most serious first, then by file and line. */
export function readReviewFindings(answer: string, files: readonly ReviewedFile[]): ReadFindings {
  const json = jsonIn(answer);
  const list = Array.isArray(json) ? json : json && typeof json === 'object' ? (json as { findings?: unknown }).findings : undefined;
  if (!Array.isArray(list)) return { findings: [], dropped: 0, beyondLimit: 0, unreadable: answer.trim() !== '' };
  const findings: ReviewFinding[] = [];
  let dropped = 0;
  for (const raw of list) {
    const finding = readFinding(raw, files);
    if (finding) findings.push(finding);
    else dropped++;
  }
  const rank = (s: ReviewSeverity) => REVIEW_SEVERITIES.indexOf(s);
  findings.sort((a, b) => rank(a.severity) - rank(b.severity) || (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0) || a.range.start.line - b.range.start.line);
  // The cap keeps the most serious findings, wherever the model listed them: a security bug written after thirty style nits is still shown.
  return { findings: findings.slice(0, MAX_FINDINGS), dropped, beyondLimit: Math.max(0, findings.length - MAX_FINDINGS), unreadable: false };
}
