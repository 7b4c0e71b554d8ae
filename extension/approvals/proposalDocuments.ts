import * as vscode from 'vscode';

export const PROPOSAL_SCHEME = 'hearth-proposal';

/**
 * Read-only virtual documents holding the two sides of a proposed change, so
 * the diff editor shows exactly what the agent saw and proposes, without
 * writing anything to disk before the user accepts.
 */
export class ProposalDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private counter = 0;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, this);

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  /** Creates a document whose path ends like the real file, so it gets the same language. */
  create(side: 'original' | 'proposed', relativePath: string, content: string): vscode.Uri {
    const id = ++this.counter;
    const uri = vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: `/${id}/${side}/${relativePath.replace(/^\/+/, '')}` });
    this.contents.set(uri.toString(), content);
    return uri;
  }

  release(...uris: vscode.Uri[]): void {
    for (const uri of uris) this.contents.delete(uri.toString());
  }

  dispose(): void {
    this.registration.dispose();
    this.contents.clear();
  }
}
