import { optionalBooleanArg, optionalStringArg, stringArg } from '../toolArguments';
import type { ToolContext, ToolOutcome } from '../toolContext';
import { ToolError } from '../toolError';

const MAX_DEFINITIONS = 40;
const MAX_USE_FILES = 60;
const MAX_USE_LINES_PER_FILE = 8;
const KINDS = ['function', 'class', 'method', 'interface', 'type', 'enum', 'struct', 'const', 'module'];

/**
 * find_symbol: a name's definitions (path:line, kind and signature line) and
 * its uses (path: lines), from the symbol index. Only files inside the
 * workspace folders are in the index, and every hit is checked against the
 * folders again here, so an answer never names a path outside them.
 */
export async function findSymbolTool(ctx: ToolContext, args: Record<string, unknown>, _signal: AbortSignal): Promise<ToolOutcome> {
  const typed = stringArg(args, 'name').trim();
  if (typed === '' || typed.length > 200) throw new ToolError('"name" must be a symbol name such as "parseConfig" (at most 200 characters).', 'bad arguments');
  // "Server.listen", "fmt::Println", "Foo#bar": the last part is the name the index knows.
  const name = typed.split(/\.|::|#/).filter((p) => p !== '').pop() ?? typed;
  const kind = optionalStringArg(args, 'kind');
  if (kind !== undefined && !KINDS.includes(kind)) throw new ToolError(`"kind" must be one of ${KINDS.join(', ')}.`, 'bad arguments');
  const includeUses = optionalBooleanArg(args, 'includeUses') ?? true;
  const index = ctx.symbols;
  const state = index?.state() ?? 'off';
  if (!index || state === 'off') {
    throw new ToolError('The symbol index is turned off (the hearth.index.enabled setting), so find_symbol cannot answer. Use grep to search for the name instead.', 'index off');
  }

  const rootOf = (real: string) => ctx.confinement.roots.find((r) => r.realPath === real);
  const definitions = index.definitions(name).filter((d) => (kind === undefined || d.kind === kind) && rootOf(d.root));
  const uses = includeUses ? index.references(name).filter((u) => rootOf(u.root)) : [];
  const shown = (root: string, relative: string) => ctx.confinement.display(rootOf(root)!, relative);

  const out: string[] = [];
  if (state === 'indexing') out.push('[The symbol index is still being built; these results may be incomplete. grep finds names in files not indexed yet.]');
  if (definitions.length === 0) {
    out.push(`No definition of ${JSON.stringify(name)}${kind ? ` (kind ${kind})` : ''} was found in the indexed files.`);
  } else {
    out.push(`Definitions of ${JSON.stringify(name)} (${definitions.length}):`);
    for (const d of definitions.slice(0, MAX_DEFINITIONS)) out.push(`${shown(d.root, d.relative)}:${d.line}  ${d.kind}  ${d.signature}`);
    if (definitions.length > MAX_DEFINITIONS) out.push(`[… ${definitions.length - MAX_DEFINITIONS} more definitions; give a kind to narrow them]`);
  }
  if (includeUses) {
    if (uses.length === 0) {
      out.push(`No uses of ${JSON.stringify(name)} were found in the indexed files.`);
    } else {
      const lineCount = uses.reduce((n, u) => n + u.lines.length, 0);
      out.push(`Uses of ${JSON.stringify(name)} (${lineCount} line${lineCount === 1 ? '' : 's'} in ${uses.length} file${uses.length === 1 ? '' : 's'}):`);
      for (const u of uses.slice(0, MAX_USE_FILES)) {
        const lines = u.lines.slice(0, MAX_USE_LINES_PER_FILE).join(', ') + (u.lines.length > MAX_USE_LINES_PER_FILE ? ', …' : '');
        out.push(`${shown(u.root, u.relative)}: ${lines}`);
      }
      if (uses.length > MAX_USE_FILES) out.push(`[… ${uses.length - MAX_USE_FILES} more files use it; grep can list them]`);
    }
  }
  let content = out.join('\n');
  if (content.length > ctx.policy.maxOutputBytes) content = `${content.slice(0, ctx.policy.maxOutputBytes)}\n[output shortened]`;
  const summary = `${definitions.length} definition${definitions.length === 1 ? '' : 's'}${includeUses ? `, ${uses.length} file${uses.length === 1 ? '' : 's'} using it` : ''}`;
  return { content, summary };
}
