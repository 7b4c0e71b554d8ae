import { Bm25Index, pathTerms, reciprocalRankFusion, searchTerms, type Ranked } from '../../agent-host';
import type { CodebaseSearchHit, CodebaseSearchProvider } from '../tools';
import type { DocumentationFolders } from './documentationFolders';

/**
 * codebase_search over the workspace and the user's documentation folders.
 * The two indexes' scores cannot be compared, and fusing their two rankings
 * alone would interleave them blindly (the workspace's best guess beside the
 * handbook's exact answer), so a third ranking, BM25 over the candidates of
 * both, decides between them; the three are fused by rank. Documentation
 * hits stay marked so the tool can say where they come from.
 */
export function withDocumentation(codebase: CodebaseSearchProvider, docs: DocumentationFolders): CodebaseSearchProvider {
  return {
    enabled: () => codebase.enabled(),
    async search(query, limit, signal) {
      if (!docs.configured) return codebase.search(query, limit, signal);
      const [code, documentation] = await Promise.all([codebase.search(query, limit, signal), docs.search(query, limit, signal)]);
      const all: CodebaseSearchHit[] = [...code.hits, ...documentation.hits];
      const candidates = new Bm25Index();
      all.forEach((hit, id) => candidates.add(id, [...pathTerms(hit.path), ...searchTerms(hit.snippet)]));
      const lists: Ranked[][] = [
        code.hits.map((_, i) => ({ id: i, score: 0 })),
        documentation.hits.map((_, i) => ({ id: code.hits.length + i, score: 0 })),
        candidates.search(query, all.length),
      ];
      const hits = reciprocalRankFusion(lists, limit).map((r) => all[r.id]);
      return { hits, ranking: code.ranking, notes: [...code.notes, ...documentation.notes] };
    },
  };
}
