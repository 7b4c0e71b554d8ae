import * as vscode from 'vscode';

export const PROPOSAL_SCHEME = 'hearth-proposal';

/**
 * Read-only virtual documents holding the two sides of a proposed change, so
 * the diff editor shows exactly what the agent saw and proposes, without
 * writing anything to disk before the user accepts. Each instance needs a
 * scheme of its own: VS Code asks the most recently registered provider of a
 * scheme first, so two instances on one scheme would blank each other out.
 */
export class ProposalDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private counter = 0;
  private readonly registration: vscode.Disposable;

  constructor(private readonly scheme: string = PROPOSAL_SCHEME) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(scheme, this);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  /** Creates a document whose path ends like the real file, so it gets the same language. */
  create(side: string, relativePath: string, content: string): vscode.Uri {
    const id = ++this.counter;
    const uri = vscode.Uri.from({ scheme: this.scheme, path: `/${id}/${side}/${relativePath.replace(/^\/+/, '')}` });
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
