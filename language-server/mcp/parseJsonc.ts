// The ESM build: the package's UMD entry loads its parts with dynamic requires that bundlers cannot follow.
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser/lib/esm/main.js';

/**
 * Parses JSON with comments and trailing commas, the dialect VS Code uses for
 * .vscode/mcp.json, with VS Code's own parser, so a file that works in VS Code
 * works here. A malformed file throws with the first error and its offset.
 */
export function parseJsonc(text: string): unknown {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    const first = errors[0];
    throw new SyntaxError(`${printParseErrorCode(first.error)} at offset ${first.offset}`);
  }
  return value;
}
