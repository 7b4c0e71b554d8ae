/**
 * The bodies and buttons of the two approval cards an MCP server's own
 * requests produce: sampling (the server asks the user's model for a
 * completion) and elicitation (the server asks the user to fill in a form).
 * Everything the server wrote is untrusted: it is set as text (never HTML or
 * Markdown, so no link or markup in it does anything) and invisible or
 * direction-changing characters are shown as ⟨U+…⟩. A form's values are kept
 * per request while the user types, so a repaint of the chat loses nothing.
 */
import { validateElicitation, type ElicitationField } from '../protocol/elicitationForm';
import type { ApprovalRequest, FromWebview } from '../protocol/webviewMessages';
import { button, el, type Child } from './dom';

type Post = (message: FromWebview) => void;
type Sampling = Extract<ApprovalRequest, { kind: 'mcpSampling' }>;
type Elicitation = Extract<ApprovalRequest, { kind: 'mcpElicitation' }>;
type Reveal = (text: string) => string;

/** What the user typed into each pending form, by approval id: raw input values (strings, booleans, lists), converted on Accept. */
const drafts = new Map<string, Record<string, string | boolean | string[]>>();

function serverLine(doc: Document, request: Sampling | Elicitation, what: string, reveal: Reveal): HTMLElement {
  return el(doc, 'div', {
    className: 'approval-label',
    attrs: { 'data-testid': 'approval-mcp-server' },
    text: `The ${request.source === 'workspace' ? 'workspace' : 'user'} MCP server “${reveal(request.server)}” ${what}`,
  });
}

export function samplingDetails(doc: Document, request: Sampling, reveal: Reveal): Child[] {
  return [
    serverLine(doc, request, 'asks your model for a completion. The answer goes back to the server.', reveal),
    el(doc, 'div', {
      className: 'approval-field',
      attrs: { 'data-testid': 'approval-sampling-model' },
      children: [el(doc, 'span', { className: 'approval-label', text: 'Answered by your chat model ' }), el(doc, 'code', { className: 'approval-mono', text: request.model }), `, at most ${request.maxTokens} tokens${request.temperature !== undefined ? `, temperature ${request.temperature}` : ''}, without tools.`],
    }),
    request.modelHints.length > 0
      ? el(doc, 'div', { className: 'approval-label', attrs: { 'data-testid': 'approval-sampling-hints' }, text: `The server would prefer: ${request.modelHints.map(reveal).join(', ')} (not used: Hearth answers with your chat model).` })
      : null,
    el(doc, 'div', { className: 'approval-label', text: 'System prompt:' }),
    el(doc, 'pre', { className: 'approval-command', attrs: { 'data-testid': 'approval-sampling-system' }, text: request.systemPrompt ? reveal(request.systemPrompt) : '(none)' }),
    el(doc, 'div', { className: 'approval-label', text: request.messages.length === 1 ? 'Message:' : `Messages (${request.messages.length}):` }),
    el(doc, 'ol', {
      className: 'approval-sampling-messages',
      attrs: { 'data-testid': 'approval-sampling-messages' },
      children: request.messages.map((m) =>
        el(doc, 'li', {
          attrs: { 'data-role': m.role },
          children: [el(doc, 'span', { className: 'approval-label', text: m.role === 'user' ? 'user: ' : 'assistant: ' }), el(doc, 'pre', { className: 'approval-command', text: reveal(m.text) })],
        }),
      ),
    }),
  ];
}

function fieldId(request: Elicitation, field: ElicitationField): string {
  return `form-${request.id}-${field.name}`.replace(/[^\w-]/g, '_');
}

function initialValue(field: ElicitationField): string | boolean | string[] {
  switch (field.kind) {
    case 'boolean':
      return field.default ?? false;
    case 'multiChoice':
      return field.default ?? [];
    case 'number':
      return field.default !== undefined ? String(field.default) : '';
    default:
      return field.default ?? '';
  }
}

function input(doc: Document, request: Elicitation, field: ElicitationField, draft: Record<string, string | boolean | string[]>, reveal: Reveal): HTMLElement {
  const id = fieldId(request, field);
  const value = draft[field.name];
  const common = { id, name: field.name, 'data-field': field.name, 'aria-required': String(field.required) };
  switch (field.kind) {
    case 'boolean': {
      const box = el(doc, 'input', { attrs: { ...common, type: 'checkbox' } });
      box.checked = value === true;
      box.addEventListener('change', () => (draft[field.name] = box.checked));
      return box;
    }
    case 'choice': {
      const select = el(doc, 'select', {
        attrs: common,
        children: [el(doc, 'option', { attrs: { value: '' }, text: field.required ? 'Choose…' : '(none)' }), ...field.options.map((o) => el(doc, 'option', { attrs: { value: o.value }, text: reveal(o.label) }))],
      });
      select.value = typeof value === 'string' ? value : '';
      select.addEventListener('change', () => (draft[field.name] = select.value));
      return select;
    }
    case 'multiChoice': {
      const chosen = new Set(Array.isArray(value) ? value : []);
      return el(doc, 'div', {
        className: 'form-choices',
        attrs: { id, 'data-field': field.name, role: 'group' },
        children: field.options.map((o) => {
          const box = el(doc, 'input', { attrs: { type: 'checkbox', value: o.value } });
          box.checked = chosen.has(o.value);
          box.addEventListener('change', () => {
            if (box.checked) chosen.add(o.value);
            else chosen.delete(o.value);
            draft[field.name] = field.options.map((x) => x.value).filter((v) => chosen.has(v));
          });
          return el(doc, 'label', { className: 'form-choice', children: [box, ` ${reveal(o.label)}`] });
        }),
      });
    }
    case 'number': {
      const box = el(doc, 'input', {
        attrs: { ...common, type: 'number', step: field.integer ? '1' : 'any', min: field.minimum !== undefined ? String(field.minimum) : undefined, max: field.maximum !== undefined ? String(field.maximum) : undefined },
      });
      box.value = typeof value === 'string' ? value : '';
      box.addEventListener('input', () => (draft[field.name] = box.value));
      return box;
    }
    case 'text': {
      const type = field.format === 'email' ? 'email' : field.format === 'uri' ? 'url' : field.format === 'date' ? 'date' : field.format === 'date-time' ? 'datetime-local' : 'text';
      // Never a password box, and the browser is asked not to offer saved credentials: servers must not ask for secrets.
      const box = el(doc, 'input', { attrs: { ...common, type, autocomplete: 'off', maxlength: field.maxLength !== undefined ? String(field.maxLength) : undefined } });
      box.value = typeof value === 'string' ? value : '';
      box.addEventListener('input', () => (draft[field.name] = box.value));
      return box;
    }
  }
}

/** The draft as the values the form sends: empty optional fields left out, numbers as numbers, local date-times completed with seconds. */
export function formValues(fields: readonly ElicitationField[], draft: Record<string, string | boolean | string[]>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const field of fields) {
    const raw = draft[field.name];
    if (field.kind === 'boolean') values[field.name] = raw === true;
    else if (field.kind === 'multiChoice') {
      if (Array.isArray(raw) && (raw.length > 0 || field.required)) values[field.name] = raw;
    } else if (typeof raw === 'string' && raw.trim() !== '') {
      if (field.kind === 'number') values[field.name] = Number(raw);
      else if (field.kind === 'text' && field.format === 'date-time' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(raw)) values[field.name] = `${raw}:00`;
      else values[field.name] = raw;
    }
  }
  return values;
}

export function elicitationDetails(doc: Document, request: Elicitation, reveal: Reveal): Child[] {
  let draft = drafts.get(request.id);
  if (!draft) {
    draft = Object.fromEntries(request.fields.map((f) => [f.name, initialValue(f)]));
    drafts.set(request.id, draft);
  }
  const d = draft;
  return [
    serverLine(doc, request, 'asks you for information:', reveal),
    el(doc, 'pre', { className: 'approval-command approval-form-message', attrs: { 'data-testid': 'approval-form-message' }, text: reveal(request.message) }),
    el(doc, 'div', {
      className: 'approval-warning',
      attrs: { 'data-testid': 'approval-form-secrets', role: 'note' },
      text: 'Do not enter passwords, API keys or other secrets here: MCP servers must not ask for them, and what you enter is sent to the server.',
    }),
    el(doc, 'div', {
      className: 'approval-form',
      attrs: { 'data-testid': 'approval-form' },
      children: request.fields.map((field) =>
        el(doc, 'div', {
          className: 'form-field',
          attrs: { 'data-testid': 'form-field', 'data-name': field.name },
          children: [
            el(doc, 'label', { attrs: { for: fieldId(request, field) }, text: `${reveal(field.title)}${field.required ? ' (required)' : ''}` }),
            field.description ? el(doc, 'div', { className: 'form-description', text: reveal(field.description) }) : null,
            input(doc, request, field, d, reveal),
            el(doc, 'div', { className: 'form-error', attrs: { 'data-testid': 'form-error', 'data-name': field.name, role: 'alert' } }),
          ],
        }),
      ),
    }),
  ];
}

function disableAll(event: MouseEvent): void {
  const card = (event.currentTarget as HTMLElement).closest('.approval-card');
  card?.querySelectorAll('button[data-decision]').forEach((b) => ((b as HTMLButtonElement).disabled = true));
}

export function mcpRequestActions(doc: Document, request: Sampling | Elicitation, post: Post): HTMLButtonElement[] {
  const answer = (text: string, testId: string, decision: 'accept' | 'reject' | 'cancel', primary = false) =>
    button(doc, {
      label: text,
      testId,
      className: primary ? 'approval-button primary' : 'approval-button',
      children: [text],
      onClick: (event) => {
        if (request.kind === 'mcpElicitation' && decision === 'accept') {
          // The form is checked here so the user sees what to fix; the extension and the language server check it again.
          const card = (event.currentTarget as HTMLElement).closest('.approval-card');
          const values = formValues(request.fields, drafts.get(request.id) ?? {});
          const checked = validateElicitation(request.fields, values);
          card?.querySelectorAll<HTMLElement>('[data-testid="form-error"]').forEach((e) => (e.textContent = checked.ok ? '' : (checked.errors[e.getAttribute('data-name') ?? ''] ?? '')));
          if (!checked.ok) return;
          disableAll(event);
          post({ type: 'approvalDecision', id: request.id, decision, values: checked.content });
          return;
        }
        disableAll(event);
        post({ type: 'approvalDecision', id: request.id, decision });
      },
    });
  if (request.kind === 'mcpSampling') return [answer('Allow once', 'approval-allow', 'accept', true), answer('Decline', 'approval-reject', 'reject')];
  return [answer('Accept', 'approval-accept', 'accept', true), answer('Decline', 'approval-reject', 'reject'), answer('Cancel', 'approval-cancel', 'cancel')];
}

/** Forgets a settled form's draft. */
export function forgetDraft(id: string): void {
  drafts.delete(id);
}
