/** The chip at the top of a reply that names its agent and why: "@tester — matched keyword 'test'". */
import { agentSourceLabel, routeLabel, type AgentRoute } from '../protocol/agents';
import { el } from './dom';

export function renderAgentRoute(doc: Document, route: AgentRoute): HTMLElement {
  const notes = route.notes ?? [];
  // Where the agent came from is always shown: a repository's agent file is someone else's text.
  const title = [`@${route.agent}: ${agentSourceLabel(route)}`, ...(route.model ? [`model: ${route.model}`] : []), ...notes].join('\n');
  return el(doc, 'div', {
    className: `agent-route agent-route-${route.source}`,
    attrs: { 'data-testid': 'agent-route', title, 'aria-label': `Made by the agent ${route.agent} (${agentSourceLabel(route)}), ${routeLabel(route)}` },
    children: [
      el(doc, 'span', { className: 'agent-route-name', text: `@${route.agent}` }),
      el(doc, 'span', { className: 'agent-route-why', text: ` — ${routeLabel(route)}` }),
      ...(route.source === 'workspace' ? [el(doc, 'span', { className: 'agent-route-source', text: ' · from this repository' })] : []),
      ...(notes.length > 0 ? [el(doc, 'span', { className: 'agent-route-notes', text: ` · ${notes.join('; ')}` })] : []),
    ],
  });
}
