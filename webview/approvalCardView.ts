/**
 * A tool approval as a card in the chat: everything the user needs to decide
 * (the whole command, where and how it runs and every reason it asks; the
 * file and the size of the change; the file and why), the buttons that
 * answer it, and once it is settled, how it ended instead of the buttons.
 * The card holds no state of its own: the extension owns the request and
 * tells the view when it is settled, so a button never outlives its request.
 * All text is set as text, never as HTML: commands and paths come from the model.
 */
import type { ApprovalDecision, ApprovalOutcome, ApprovalRequest, ApprovalState, FromWebview } from '../protocol/webviewMessages';
import { button, el } from './dom';
import type { Child } from './dom';
import { elicitationDetails, forgetDraft, mcpRequestActions, samplingDetails } from './mcpRequestCardView';
import { revealHidden, revealHiddenInLine } from '../protocol/hiddenCharacters';

type Post = (message: FromWebview) => void;

/**
 * The model-written fields of a request, to check for hidden characters. The
 * reasons a command asks quote parts of it (the command's name, a variable),
 * so they are the model's text too.
 */
function modelText(request: ApprovalRequest): string[] {
  switch (request.kind) {
    case 'command':
      return [request.command, ...request.reasons];
    case 'edit':
    case 'read':
    case 'webPage':
      return [];
    case 'mcpTool':
      // The server names itself and its tools and describes them: a hostile one controls all of it.
      return [request.description, request.argumentsJson];
    case 'mcpSampling':
      return [request.server, request.systemPrompt ?? '', ...request.messages.map((m) => m.text), ...request.modelHints];
    case 'mcpElicitation':
      return [request.server, request.message, ...request.fields.flatMap((f) => [f.title, f.description ?? '', ...('options' in f ? f.options.map((o) => o.label) : [])])];
  }
}

/** The model-written fields that are one line (paths, folders, addresses, names, rules), where a newline or tab is hidden too. */
function modelLines(request: ApprovalRequest): string[] {
  switch (request.kind) {
    case 'command':
      return [request.cwd, request.suggestedRule ?? ''];
    case 'edit':
    case 'read':
      return [request.path];
    case 'webPage':
      return [request.url, request.host];
    case 'mcpTool':
      return [request.server, request.tool];
    case 'mcpSampling':
    case 'mcpElicitation':
      return [];
  }
}

const reveal = (text: string) => revealHidden(text).text;
const revealLine = (text: string) => revealHiddenInLine(text).text;

/** How the command will be confined, in the words the user needs. */
export function sandboxText(sandbox: Extract<ApprovalRequest, { kind: 'command' }>['sandbox']): string {
  if (sandbox.kind === 'none') return 'It will run WITHOUT a sandbox: this machine has none.';
  if (sandbox.network) return 'It will run in a sandbox, with network access.';
  return 'It will run in a sandbox: only the workspace is writable, no network.';
}

export function outcomeText(request: ApprovalRequest, outcome: ApprovalOutcome): string {
  if (request.kind === 'mcpElicitation') {
    if (outcome === 'accepted') return 'Sent to the server.';
    if (outcome === 'rejected') return 'Declined: nothing was sent.';
    if (outcome === 'cancelled') return 'Cancelled: nothing was sent.';
  }
  if (request.kind === 'mcpSampling') {
    if (outcome === 'accepted') return `Allowed once: ${request.model} answered the server.`;
    if (outcome === 'rejected') return 'Declined: the server was told so.';
    if (outcome === 'cancelled') return 'Cancelled: the server’s call ended before you answered.';
  }
  switch (outcome) {
    case 'accepted':
      return request.kind === 'command' || request.kind === 'mcpTool' ? 'Allowed once.' : request.kind === 'edit' ? 'Accepted.' : 'Allowed.';
    case 'acceptedAll':
      return 'Accepted, with the other changes of this reply.';
    case 'alwaysAllowed':
      if (request.kind === 'command' && request.suggestedRule) return `Always allowed: ${revealLine(request.suggestedRule)}`;
      if (request.kind === 'mcpTool') return `Always allowed: ${revealLine(request.server)}.${revealLine(request.tool)}, while its definition stays the same.`;
      return 'Always allowed.';
    case 'rejected':
      return 'Rejected.';
    case 'cancelled':
      return 'Cancelled: the reply was stopped before you answered.';
    case 'expired':
      return 'Expired: Hearth no longer waits for this answer.';
  }
}

function title(request: ApprovalRequest): string {
  switch (request.kind) {
    case 'command':
      return 'Run this command?';
    case 'edit':
      return request.created ? 'Create this file?' : 'Change this file?';
    case 'read':
      return 'Read this file?';
    case 'webPage':
      return 'Fetch this web page?';
    case 'mcpTool':
      return 'Run this MCP tool?';
    case 'mcpSampling':
      return 'Let an MCP server use your model?';
    case 'mcpElicitation':
      return 'An MCP server asks for input';
  }
}

/** What a screen reader hears when a request arrives: the question and what it is about, in one line. */
export function approvalAnnouncement(request: ApprovalRequest): string {
  const subject = (() => {
    switch (request.kind) {
      case 'command':
        return reveal(request.command);
      case 'edit':
      case 'read':
        return revealLine(request.path);
      case 'webPage':
        return revealLine(request.url);
      case 'mcpTool':
        return `${revealLine(request.server)}.${revealLine(request.tool)}`;
      case 'mcpSampling':
      case 'mcpElicitation':
        return `from ${reveal(request.server)}`;
    }
  })();
  const line = subject.replace(/\s+/g, ' ').trim();
  return `Approval needed: ${title(request)} ${line.length > 200 ? `${line.slice(0, 199)}…` : line}`;
}

function field(doc: Document, label: string, value: string, testId: string): HTMLElement {
  return el(doc, 'div', {
    className: 'approval-field',
    children: [label && el(doc, 'span', { className: 'approval-label', text: `${label} ` }), el(doc, 'code', { className: 'approval-mono', attrs: { 'data-testid': testId }, text: value })],
  });
}

function details(doc: Document, request: ApprovalRequest): Child[] {
  switch (request.kind) {
    case 'command':
      return [
        el(doc, 'pre', { className: 'approval-command', attrs: { 'data-testid': 'approval-command' }, text: revealHidden(request.command).text }),
        field(doc, 'in', revealLine(request.cwd), 'approval-cwd'),
        el(doc, 'div', { className: 'approval-label', text: 'It needs your approval because:' }),
        el(doc, 'ul', { className: 'approval-reasons', attrs: { 'data-testid': 'approval-reasons' }, children: request.reasons.map((r) => el(doc, 'li', { text: reveal(r) })) }),
        el(doc, 'div', {
          className: `approval-sandbox${request.sandbox.kind === 'none' ? ' approval-warning' : ''}`,
          attrs: { 'data-testid': 'approval-sandbox', 'data-sandbox': request.sandbox.kind, 'data-network': String(request.sandbox.network) },
          text: sandboxText(request.sandbox),
        }),
      ];
    case 'edit':
      return [
        el(doc, 'div', {
          className: 'approval-field',
          children: [
            el(doc, 'code', { className: 'approval-mono', attrs: { 'data-testid': 'approval-path' }, text: revealLine(request.path) }),
            ' ',
            el(doc, 'span', {
              className: 'approval-diffstat',
              attrs: { 'data-testid': 'approval-diffstat', 'aria-label': `${request.added} lines added, ${request.removed} removed` },
              children: [el(doc, 'span', { className: 'added', text: `+${request.added}` }), ' ', el(doc, 'span', { className: 'removed', text: `−${request.removed}` }), ' lines'],
            }),
          ],
        }),
        request.executionSensitive
          ? el(doc, 'div', { className: 'approval-warning', attrs: { 'data-testid': 'approval-sensitive', role: 'note' }, text: `This file makes other tools run code: ${request.executionSensitive}` })
          : null,
      ];
    case 'read':
      return [field(doc, '', revealLine(request.path), 'approval-path'), el(doc, 'div', { className: 'approval-reason', attrs: { 'data-testid': 'approval-reason' }, text: request.reason })];
    case 'webPage':
      return [
        // The whole address, wrapped, never shortened: anything the model put into it goes to the server.
        el(doc, 'pre', { className: 'approval-command', attrs: { 'data-testid': 'approval-url' }, text: revealLine(request.url) }),
        el(doc, 'div', {
          className: 'approval-reason',
          attrs: { 'data-testid': 'approval-reason' },
          text: `The address is sent to ${revealLine(request.host)}${request.via ? ` through the proxy ${request.via}` : ''}: anything in it leaves this machine. The page's text goes to the model.`,
        }),
        request.local
          ? el(doc, 'div', { className: 'approval-warning', attrs: { 'data-testid': 'approval-local', role: 'note' }, text: `This address is on this machine or your local network${request.resolvesTo ? ` (its name resolves to ${revealHidden(request.resolvesTo).text})` : ''}, not a public web page.` })
          : null,
      ];
    case 'mcpTool':
      return [
        field(doc, '', `${revealLine(request.server)}.${revealLine(request.tool)}`, 'approval-mcp-tool'),
        el(doc, 'div', {
          className: 'approval-label',
          attrs: { 'data-testid': 'approval-mcp-server' },
          text: `from the ${request.source === 'workspace' ? 'workspace' : 'user'} MCP server “${revealLine(request.server)}”${request.description ? `: ${reveal(request.description)}` : ''}`,
        }),
        request.definitionChanged
          ? el(doc, 'div', { className: 'approval-warning', attrs: { 'data-testid': 'approval-definition-changed', role: 'note' }, text: 'The server changed this tool’s definition since you approved it. Review the difference before you answer.' })
          : null,
        el(doc, 'div', { className: 'approval-label', text: 'With the arguments:' }),
        el(doc, 'pre', { className: 'approval-command', attrs: { 'data-testid': 'approval-arguments' }, text: revealHidden(request.argumentsJson).text }),
      ];
    case 'mcpSampling':
      return samplingDetails(doc, request, reveal);
    case 'mcpElicitation':
      return elicitationDetails(doc, request, reveal);
  }
}

function actions(doc: Document, request: ApprovalRequest, post: Post): HTMLButtonElement[] {
  const make = (text: string, testId: string, decision: ApprovalDecision, primary = false, rule?: string) =>
    button(doc, {
      label: text,
      testId,
      className: primary ? 'approval-button primary' : 'approval-button',
      children: [text],
      onClick: (event) => {
        // One answer per request: the buttons go quiet until the extension confirms, so a double click cannot answer twice.
        const card = (event.currentTarget as HTMLElement).closest('.approval-card');
        card?.querySelectorAll('button[data-decision]').forEach((b) => ((b as HTMLButtonElement).disabled = true));
        post({ type: 'approvalDecision', id: request.id, decision, ...(rule !== undefined ? { rule } : {}) });
      },
    });
  const buttons: HTMLButtonElement[] = [];
  switch (request.kind) {
    case 'command':
      buttons.push(make('Allow once', 'approval-allow', 'accept', true));
      if (request.suggestedRule) {
        // The rule travels as it is; its label (and the tooltip and accessible name made from it) shows it revealed.
        const always = make(`Always allow ${revealLine(request.suggestedRule)}`, 'approval-always-allow', 'alwaysAllow', false, request.suggestedRule);
        always.replaceChildren('Always allow ', el(doc, 'code', { className: 'approval-mono', text: revealLine(request.suggestedRule) }));
        buttons.push(always);
      }
      buttons.push(make('Reject', 'approval-reject', 'reject'));
      break;
    case 'edit':
      buttons.push(make('Accept', 'approval-accept', 'accept', true), make('Accept all in this reply', 'approval-accept-all', 'acceptAllForTurn'), make('Reject', 'approval-reject', 'reject'));
      break;
    case 'read':
    case 'webPage':
      buttons.push(make('Allow', 'approval-allow', 'accept', true), make('Reject', 'approval-reject', 'reject'));
      break;
    case 'mcpTool':
      buttons.push(make('Allow once', 'approval-allow', 'accept', true), make('Always allow this tool', 'approval-always-allow', 'alwaysAllow'), make('Reject', 'approval-reject', 'reject'));
      break;
    case 'mcpSampling':
    case 'mcpElicitation':
      buttons.push(...mcpRequestActions(doc, request, post));
      break;
  }
  for (const [i, b] of buttons.entries()) b.setAttribute('data-decision', String(i));
  const diffLabel = request.kind === 'edit' ? 'Open diff' : request.kind === 'mcpTool' && request.definitionChanged ? 'Show the change' : undefined;
  if (diffLabel) {
    buttons.push(button(doc, { label: diffLabel, testId: 'approval-open-diff', className: 'approval-button', children: [diffLabel], onClick: () => post({ type: 'openApprovalDiff', id: request.id }) }));
  }
  return buttons;
}

export function renderApprovalCard(doc: Document, state: ApprovalState, post: Post): HTMLElement {
  const { request, outcome } = state;
  const pending = outcome === undefined;
  if (!pending && request.kind === 'mcpElicitation') forgetDraft(request.id);
  return el(doc, 'div', {
    className: 'approval-card',
    attrs: {
      'data-testid': 'approval-card',
      'data-kind': request.kind,
      'data-approval-id': request.id,
      'data-state': outcome ?? 'pending',
      role: 'group',
      // Focusable by script only: the app keeps the keyboard on a waiting card that was redrawn.
      tabindex: '-1',
      'aria-label': pending ? `Approval needed: ${title(request)}` : `Approval ${outcome}`,
    },
    children: [
      el(doc, 'div', { className: 'approval-title', text: pending ? title(request) : title(request).replace(/\?$/, '') }),
      modelText(request).some((t) => revealHidden(t).hidden) || modelLines(request).some((t) => revealHiddenInLine(t).hidden)
        ? el(doc, 'div', {
            className: 'approval-warning',
            attrs: { 'data-testid': 'approval-hidden-chars', role: 'note' },
            text: 'This contains invisible or direction-changing characters, shown as ⟨U+…⟩ below. Read it carefully: it may not do what it seems to.',
          })
        : null,
      // A settled form no longer shows its fields: what was sent is the server's business, not the transcript's.
      ...(pending || request.kind !== 'mcpElicitation' ? details(doc, request) : []),
      pending
        ? el(doc, 'div', { className: 'approval-actions', attrs: { 'data-testid': 'approval-actions' }, children: actions(doc, request, post) })
        : el(doc, 'div', { className: `approval-outcome outcome-${outcome}`, attrs: { 'data-testid': 'approval-outcome', role: 'status' }, text: outcomeText(request, outcome) }),
    ],
  });
}
