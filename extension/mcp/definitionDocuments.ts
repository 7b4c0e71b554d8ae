import * as vscode from 'vscode';

export const MCP_DEFINITION_SCHEME = 'hearth-mcp-definition';

/**
 * Read-only virtual JSON documents for the two sides of a changed MCP tool
 * definition. This is ProposalDocuments' pattern under a scheme of its own:
 * VS Code asks the most recently registered provider of a scheme first, and a
 * second ProposalDocuments would answer (empty) for the edit diffs too.
 */
export class DefinitionDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private counter = 0;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(MCP_DEFINITION_SCHEME, this);

  provideTextDocumentContent(uri: vscode.Uri): string | undefined {
    return this.contents.get(uri.toString());
  }

  create(side: 'approved' | 'current', toolName: string, value: unknown): vscode.Uri {
    const id = ++this.counter;
    const uri = vscode.Uri.from({ scheme: MCP_DEFINITION_SCHEME, path: `/${id}/${side}/${toolName.replace(/[^\w.-]/g, '_')}.json` });
    this.contents.set(uri.toString(), `${JSON.stringify(value, null, 2)}\n`);
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
