/**
 * The model dropdown in the header, filled from `models` messages. When the
 * list cannot be fetched (Ollama down, wrong host) it says so under the header
 * with the actions that fix it: refresh, or open the host setting.
 */
import type { ModelPickerState } from '../protocol/webviewMessages';
import type { FromWebview } from '../protocol/webviewMessages';
import { append, button, el, withInlineCode } from './dom';
import { icon } from './icons';

export class ModelPicker {
  /** The select and refresh button, for the header. */
  readonly element: HTMLElement;
  /** The error banner, placed under the header. */
  readonly banner: HTMLElement;
  private readonly select: HTMLSelectElement;
  private selectedModel = '';

  constructor(
    private readonly doc: Document,
    private readonly post: (message: FromWebview) => void,
  ) {
    this.select = el(doc, 'select', { className: 'model-select', attrs: { 'data-testid': 'model-picker', 'aria-label': 'Chat model' } });
    this.select.append(el(doc, 'option', { attrs: { value: '' }, text: 'Loading models…' }));
    this.select.disabled = true;
    this.select.addEventListener('change', () => {
      if (!this.select.value) return;
      this.selectedModel = this.select.value;
      this.post({ type: 'selectModel', model: this.select.value });
    });
    this.element = el(doc, 'div', {
      className: 'model-picker',
      children: [
        this.select,
        button(doc, {
          label: 'Refresh the model list',
          testId: 'refresh-models',
          className: 'icon-button',
          children: [icon(doc, 'refresh')],
          onClick: () => this.refresh(),
        }),
      ],
    });
    this.banner = el(doc, 'div', { className: 'banner banner-error', attrs: { 'data-testid': 'model-error', role: 'alert' } });
    this.banner.hidden = true;
  }

  /** The model new messages should use, or undefined to let the server use its setting. */
  get selected(): string | undefined {
    return this.selectedModel || undefined;
  }

  /** Marks `model` as chosen right away; the extension confirms with a new `models` message. */
  choose(model: string): void {
    this.selectedModel = model;
    if (!Array.from(this.select.options).some((o) => o.value === model)) this.select.append(el(this.doc, 'option', { attrs: { value: model }, text: model }));
    this.select.value = model;
    this.post({ type: 'selectModel', model });
  }

  update(state: ModelPickerState): void {
    const doc = this.doc;
    this.selectedModel = state.selected;
    const option = (m: ModelPickerState['models'][number], text: string) => {
      const details = [m.provider ? `on the provider ${m.provider}` : '', m.parameterSize, m.quantization].filter(Boolean).join(' ');
      return el(doc, 'option', { attrs: { value: m.name, title: details || undefined }, text });
    };
    // Ollama's models first, then one group per provider, labelled with its name (the value keeps the full `provider::model`).
    const options: HTMLElement[] = state.models.filter((m) => !m.provider).map((m) => option(m, m.name));
    for (const provider of [...new Set(state.models.map((m) => m.provider).filter((p): p is string => !!p))]) {
      const group = el(doc, 'optgroup', { attrs: { label: provider } });
      group.append(...state.models.filter((m) => m.provider === provider).map((m) => option(m, m.name.slice(provider.length + 2))));
      options.push(group);
    }
    if (state.selected && !state.models.some((m) => m.name === state.selected)) {
      // Keep the configured model visible even when it is not installed, so the user sees what is wrong.
      options.unshift(el(doc, 'option', { attrs: { value: state.selected }, text: state.error || state.models.length === 0 ? state.selected : `${state.selected} (not installed)` }));
    }
    if (options.length === 0) options.push(el(doc, 'option', { attrs: { value: '' }, text: 'No models' }));
    this.select.replaceChildren(...options);
    this.select.value = state.selected;
    this.select.disabled = state.models.length === 0 && !state.selected;
    this.select.title = state.host ? `Models on ${state.host}` : 'Chat model';

    const providerErrors = (state.providerErrors ?? []).map((e) => e.message);
    if (state.error) this.showBanner([state.error.message, ...providerErrors].join(' '), state.error.code === 'ollamaUnreachable');
    else if (providerErrors.length > 0) this.showBanner(providerErrors.join(' '), false);
    else if (state.models.length === 0) this.showBanner(`No models are installed on ${state.host || 'Ollama'}. Install one with “ollama pull <model>”, then refresh.`, false);
    else this.banner.hidden = true;
  }

  private refresh(): void {
    this.post({ type: 'refreshModels' });
  }

  private showBanner(message: string, offerSettings: boolean): void {
    const doc = this.doc;
    this.banner.replaceChildren();
    append(this.banner, [
      el(doc, 'span', { className: 'banner-text', attrs: { 'data-testid': 'model-error-text' }, children: withInlineCode(doc, message) }),
      button(doc, { label: 'Refresh the model list', className: 'text-button', children: [icon(doc, 'refresh'), 'Refresh'], onClick: () => this.refresh() }),
      offerSettings
        ? button(doc, { label: 'Open the Ollama host setting', className: 'text-button', children: ['Settings'], onClick: () => this.post({ type: 'openSettings', setting: 'hearth.ollama.host' }) })
        : null,
    ]);
    this.banner.hidden = false;
  }
}
