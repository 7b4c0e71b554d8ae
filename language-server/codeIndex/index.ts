/**
 * The symbol index's public surface (issue 14): the language server uses
 * only what this file exports.
 */
export { CodeIndexService, type CodeIndexServiceOptions } from './codeIndexService';
export { CodeIndexer, DEFAULT_INDEX_LIMITS, type IndexLimits } from './codeIndexer';
export { INDEXED_LANGUAGES, languageForPath } from './languageSpecs';
export { registerIndexHandlers } from './registerIndexHandlers';
export { isGitignored } from './isGitignored';
