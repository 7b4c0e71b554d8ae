/**
 * The web page converter (language-server/chat/htmlToMarkdown.ts) on pages of
 * growing size, ordinary and hostile: does its time grow linearly with the
 * page, whatever the markup? It runs on the language server's thread, so a
 * page built to be slow must not stall inline suggestions.
 *
 * Beside it, in the same run, the floor: stripping every tag with one regular
 * expression, the least any converter must do (read each character once).
 * The expression excludes '<' inside a tag so that it too stays linear on a
 * page of '<' with no '>' (with [^>]* each '<' would scan to the end).
 * For each shape the row gives milliseconds per MB of HTML at each size
 * (median of ROUNDS runs) and the ratio to the floor; linear time shows as a
 * flat ms/MB across sizes. The text cap is off here (a real page stops
 * earlier, at WEB_PAGE_MAX_CHARS of text), so this is the worst case.
 * Prints JSON.
 */
import { htmlToMarkdown } from '../language-server/chat/htmlToMarkdown';
import { WEB_PAGE_MAX_HTML_CHARS } from '../language-server/chat/readWebPage';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SIZES_MB = [0.25, 0.5, 1, 2];

const UNIT = '<div><p>Some <b>bold</b> text with <a href="/x">a link</a> and <code>code</code>.</p><ul><li>a</li><li>b</li></ul></div>';
const SHAPES: Record<string, (chars: number) => string> = {
  documentation: (chars) => `<main>${UNIT.repeat(Math.ceil(chars / UNIT.length))}</main>`,
  nestedDivs: (chars) => '<div>'.repeat(Math.ceil(chars / 11)) + 'x' + '</div>'.repeat(Math.ceil(chars / 11)),
  unclosedInline: (chars) => '<p><b><i><a href="x">'.repeat(Math.ceil(chars / 21)),
  unterminatedQuotes: (chars) => `<a href="${'x'.repeat(100)} `.repeat(Math.ceil(chars / 110)),
  lessThans: (chars) => '<a'.repeat(Math.ceil(chars / 2)),
  nestedLists: (chars) => '<ul><li>'.repeat(Math.ceil(chars / 8)),
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function timeMs(run: () => unknown): number {
  const samples: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

const rows = Object.entries(SHAPES).map(([shape, make]) => {
  const bySize = SIZES_MB.map((mb) => {
    const html = make(mb * 1_000_000).slice(0, mb * 1_000_000);
    const converter = timeMs(() => htmlToMarkdown(html, 'https://docs.example.com/', Number.MAX_SAFE_INTEGER));
    const floor = timeMs(() => html.replace(/<[^<>]*>/g, ''));
    return { mb, msPerMb: Math.round((converter / mb) * 10) / 10, floorMsPerMb: Math.round((floor / mb) * 10) / 10, overFloor: Math.round((converter / Math.max(floor, 0.01)) * 10) / 10 };
  });
  const perMb = bySize.map((s) => s.msPerMb);
  return { shape, bySize, growthLargestOverSmallest: Math.round((perMb[perMb.length - 1] / Math.max(perMb[0], 0.01)) * 100) / 100 };
});

const capMb = WEB_PAGE_MAX_HTML_CHARS / 1_000_000;
console.log(
  JSON.stringify(
    {
      benchmark: 'html-to-markdown',
      what: 'ms per MB of HTML (median of rounds) for each page shape and size; linear time is a flat ms/MB (growth near 1)',
      rounds: ROUNDS,
      htmlCapMb: capMb,
      worstCaseAtCapMs: Math.round(Math.max(...rows.map((r) => r.bySize[r.bySize.length - 1].msPerMb)) * capMb),
      rows,
    },
    null,
    2,
  ),
);
