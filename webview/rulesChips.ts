/**
 * The repository's rules files (AGENTS.md and the like) that the next message
 * carries, as chips above the composer: clicking a chip opens the file,
 * its switch turns it off (or on again) for this chat.
 */
import type { FromWebview, RulesChip } from '../protocol/webviewMessages';
import { button, el } from './dom';
import { icon } from './icons';

export function renderRulesChips(doc: Document, rules: RulesChip[], post: (message: FromWebview) => void): HTMLElement[] {
  return rules.map((rule) => {
    const state = rule.enabled ? '' : ' (off for this chat)';
    const cut = rule.truncated ? ' (only its first 8 KB reach the model)' : '';
    return el(doc, 'span', {
      className: `chip chip-rules${rule.enabled ? '' : ' chip-off'}`,
      attrs: { 'data-testid': 'rules-chip', 'data-path': rule.path, 'data-enabled': String(rule.enabled), title: `Rules file ${rule.path}${cut}${state}` },
      children: [
        button(doc, {
          label: `Open ${rule.path}`,
          testId: 'rules-chip-open',
          className: 'chip-open',
          children: [icon(doc, 'file'), el(doc, 'span', { className: 'chip-label', text: rule.truncated ? `${rule.path} (cut)` : rule.path })],
          onClick: () => post({ type: 'openRule', path: rule.path }),
        }),
        button(doc, {
          label: rule.enabled ? `Switch off ${rule.path} for this chat` : `Switch on ${rule.path} for this chat`,
          testId: 'rules-chip-toggle',
          className: 'chip-remove',
          children: [icon(doc, rule.enabled ? 'close' : 'plus')],
          onClick: () => post({ type: 'toggleRule', path: rule.path, enabled: !rule.enabled }),
        }),
      ],
    });
  });
}
