import * as assert from 'node:assert/strict';
import { renderWorkspaceContext, workspaceContextBudget } from '../../agent-host/core/workspaceContext';
import { buildSystemPrompt } from '../../agent-host/core/systemPrompt';
import { estimateTokens } from '../../agent-host/core/tokenEstimate';

describe('agent core: workspace context (repository map, project memory)', () => {
  const lines = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix} line ${i + 1} with some words in it`).join('\n');

  it('takes an eighth of the window, at most 3000 tokens', () => {
    assert.equal(workspaceContextBudget(4096), 512);
    assert.equal(workspaceContextBudget(131072), 3000);
  });

  it('adds the sections whole when they fit', () => {
    const text = renderWorkspaceContext([{ title: 'Memory', text: '- uses tabs' }, { title: 'Map', text: 'src/a.ts\n  1: function a()' }], 500)!;
    assert.equal(text, '## Memory\n- uses tabs\n\n## Map\nsrc/a.ts\n  1: function a()');
  });

  it('cuts whole lines from the end of what does not fit, with a note, and stays within the budget', () => {
    const text = renderWorkspaceContext([{ title: 'Map', text: lines(200, 'map') }], 300)!;
    assert.ok(estimateTokens(text) <= 300, `${estimateTokens(text)} tokens`);
    assert.match(text, /^## Map\nmap line 1 with/);
    assert.match(text, /\[… \d+ more lines left out to fit the context window\]$/);
  });

  it('honours a section\'s own cap and gives the rest of the budget to the next section', () => {
    const text = renderWorkspaceContext([{ title: 'Memory', text: lines(100, 'memo'), maxTokens: 100 }, { title: 'Map', text: lines(100, 'map') }], 600)!;
    const [memory, map] = text.split('\n\n');
    assert.ok(estimateTokens(memory) <= 100);
    assert.match(map, /^## Map\nmap line 1/);
    assert.ok(estimateTokens(text) <= 600);
  });

  it('adds nothing when nothing fits or there is nothing to add', () => {
    assert.equal(renderWorkspaceContext([{ title: 'Map', text: lines(10, 'map') }], 5), undefined);
    assert.equal(renderWorkspaceContext([], 500), undefined);
    assert.equal(renderWorkspaceContext(undefined, 500), undefined);
  });

  it('goes into the default system prompt, never into a caller\'s own prompt', () => {
    assert.match(buildSystemPrompt(undefined, 'native', [], { workspaceContext: '## Map\nsrc/a.ts' }), /About this workspace[^\n]*\n\n## Map\nsrc\/a\.ts/);
    assert.equal(buildSystemPrompt('Only fix the code.', 'native', [], { workspaceContext: '## Map\nsrc/a.ts' }), 'Only fix the code.');
  });
});
