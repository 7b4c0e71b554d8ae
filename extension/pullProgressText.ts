import type { ModelPullProgress } from '../protocol/lspMethods';

function megabytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.max(1, Math.round(bytes / 1e6))} MB`;
}

/**
 * One line for a download's progress notification: Ollama's status as it
 * says it, with how far a layer has got ("pulling 6a0746a1ec1a: 45 % of
 * 274 MB"), and the share of the whole layer done, for the bar.
 */
export function pullProgressText(p: ModelPullProgress): { text: string; percent?: number } {
  if (p.total && p.total > 0) {
    const percent = Math.min(100, Math.floor(((p.completed ?? 0) / p.total) * 100));
    return { text: `${p.status}: ${percent} % of ${megabytes(p.total)}`, percent };
  }
  return { text: p.status };
}
