/**
 * A handful of 16×16 icons drawn as inline SVG. VS Code's codicon font is not
 * available inside the webview without shipping it, and inline SVG needs no
 * extra CSP source. Icons are decorative: the buttons carry aria-labels.
 */

const SVG_NS = 'http://www.w3.org/2000/svg';

const PATHS = {
  plus: 'M7.25 2h1.5v5.25H14v1.5H8.75V14h-1.5V8.75H2v-1.5h5.25z',
  history:
    'M8 1.5A6.5 6.5 0 1 1 1.5 8H3a5 5 0 1 0 1.47-3.54L6 6H2V2l1.4 1.4A6.48 6.48 0 0 1 8 1.5zm-.75 3h1.5v3.19l2.28 2.28-1.06 1.06-2.72-2.72z',
  back: 'M6.06 3.44 7.12 4.5 4.37 7.25H14v1.5H4.37l2.75 2.75-1.06 1.06L1.5 8z',
  trash: 'M6 1.5h4l.5 1H14V4H2V2.5h3.5zM3 5h10l-.8 9.5H3.8zm2.5 1.5.3 6.5h1.2V6.5zm3.5 0V13h1.2l.3-6.5z',
  edit: 'M11.2 1.8 14.2 4.8 5.5 13.5H2.5v-3zM3.9 11.1v1h1l6.6-6.6-1-1z',
  send: 'M1.5 2.2 15 8 1.5 13.8 2.8 8.75H8v-1.5H2.8z',
  stop: 'M3.5 3.5h9v9h-9z',
  refresh:
    'M13.5 2.5V6.5h-4L11 5A4.5 4.5 0 1 0 12.5 8H14a6 6 0 1 1-2-4.47z',
  close: 'M4.06 3 8 6.94 11.94 3 13 4.06 9.06 8 13 11.94 11.94 13 8 9.06 4.06 13 3 11.94 6.94 8 3 4.06z',
  copy: 'M5 1.5h7.5A1.5 1.5 0 0 1 14 3v8.5h-1.5V3H5zM2 5a1.5 1.5 0 0 1 1.5-1.5h6A1.5 1.5 0 0 1 11 5v8.5A1.5 1.5 0 0 1 9.5 15h-6A1.5 1.5 0 0 1 2 13.5zm1.5 0v8.5h6V5z',
  insert: 'M2 2h12v1.5H2zm5.25 3h1.5v5.19l1.72-1.72 1.06 1.06L8 13.06 4.47 9.53l1.06-1.06 1.72 1.72z',
  apply: 'M3.5 1h6.06L13 4.44V8h-1.5V5H9V2.5H3.5v11H8V15H3.5A1.5 1.5 0 0 1 2 13.5v-11A1.5 1.5 0 0 1 3.5 1zm11.03 9.53-4.03 4.03-2.53-2.53 1.06-1.06 1.47 1.47 2.97-2.97z',
  file: 'M3 1.5h6.5L13 5v9.5H3zm1.5 1.5v10h7V6H8.5V3z',
  globe: 'M8 1.5a6.5 6.5 0 1 1 0 13 6.5 6.5 0 0 1 0-13zM8 3a5 5 0 1 0 0 10A5 5 0 0 0 8 3zM3.2 7.25h9.6v1.5H3.2z',
  folder: 'M1.5 2.5h5l1.5 1.5h6.5v9.5h-13zM3 4v8h10V5.5H7.4L5.9 4z',
  image: 'M2 2.5h12v11H2zm1.5 1.5v6.44l2.75-2.75 2.5 2.5 1.5-1.5 2.25 2.25V4zm6.75 1a1.25 1.25 0 1 1 0 2.5 1.25 1.25 0 0 1 0-2.5z',
  selection: 'M2 3h12v1.5H2zm0 3.5h8V8H2zm0 3.5h12v1.5H2z',
  check: 'M6.5 10.94 13 4.44l1.06 1.06L6.5 13.06 2.44 9l1.06-1.06z',
  error: 'M8 1.5a6.5 6.5 0 1 1 0 13 6.5 6.5 0 0 1 0-13zM7.25 4v5h1.5V4zm0 6.5V12h1.5v-1.5z',
  tool: 'M10.5 1.5a4 4 0 0 0-3.8 5.24L1.5 11.94 4.06 14.5l5.2-5.2A4 4 0 0 0 14.5 5.5l-2.2 2.2-2.5-.5-.5-2.5 2.2-2.2a4 4 0 0 0-1-1z',
  chevron: 'M5.5 3.5 10 8l-4.5 4.5-1.06-1.06L7.88 8 4.44 4.56z',
  undo: 'M5.56 2.44 6.62 3.5 4.87 5.25H9.5a4.5 4.5 0 0 1 0 9H6V12.75h3.5a3 3 0 0 0 0-6H4.87l1.75 1.75-1.06 1.06L2 6z',
  hand: 'M6 1.5h1.5V7H8V2.5h1.5V7h.5V3.5h1.5V8h.5V5.5H13.5V10a4.5 4.5 0 0 1-4.5 4.5H8.3a4.5 4.5 0 0 1-3.6-1.8L2.2 9.4l1.1-1 1.7 1.5V3.5H6z',
  export: 'M7.25 1.5h1.5v6.69l1.72-1.72 1.06 1.06L8 11.06 4.47 7.53l1.06-1.06 1.72 1.72zM2 10h1.5v3h9v-3H14v4.5H2z',
} as const;

export type IconName = keyof typeof PATHS;

export function icon(doc: Document, name: IconName): SVGSVGElement {
  const svg = doc.createElementNS(SVG_NS, 'svg') as SVGSVGElement;
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('width', '16');
  svg.setAttribute('height', '16');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', `icon icon-${name}`);
  const path = doc.createElementNS(SVG_NS, 'path');
  path.setAttribute('d', PATHS[name]);
  path.setAttribute('fill', 'currentColor');
  path.setAttribute('fill-rule', 'evenodd');
  svg.appendChild(path);
  return svg;
}
