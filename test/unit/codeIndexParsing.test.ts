import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { SymbolParser } from '../../language-server/codeIndex/symbolParser';
import { languageForPath } from '../../language-server/codeIndex/languageSpecs';
import { referenceLines, type FileSymbols } from '../../language-server/codeIndex/fileSymbols';

const WASM_DIR = path.resolve('node_modules/@vscode/tree-sitter-wasm/wasm');
const parser = new SymbolParser(WASM_DIR);

async function parse(file: string, text: string): Promise<FileSymbols> {
  const spec = languageForPath(file);
  assert.ok(spec, `no language for ${file}`);
  return parser.parse(spec, text);
}

const defs = (s: FileSymbols) => s.definitions.map((d) => `${d.kind} ${d.name}@${d.line}`);

describe('symbol index: parsing each language', () => {
  it('TypeScript: functions, classes, methods, interfaces, types, enums, top-level consts; uses; imports', async () => {
    const s = await parse(
      'src/a.ts',
      [
        "import { helper } from './util';",
        "import type { Options } from '../types.js';",
        "export * from './reexport';",
        'export function start(options: Options): Server {',
        '  const local = helper(options);',
        '  return new Server(local);',
        '}',
        'export class Server {',
        '  listen(port: number): void {}',
        '}',
        'interface Handler { handle(): void }',
        'type Port = number;',
        'enum Mode { A, B }',
        'export const DEFAULT_PORT = 8080;',
        "const lazy = () => import('./lazy');",
      ].join('\n'),
    );
    assert.deepEqual(defs(s), [
      'function start@4',
      'class Server@8',
      'method listen@9',
      'interface Handler@11',
      'type Port@12',
      'enum Mode@13',
      'const DEFAULT_PORT@14',
      'const lazy@15',
    ]);
    // `local` is not a top-level const: it stays out of the definitions.
    assert.equal(s.definitions.find((d) => d.name === 'start')?.signature, 'export function start(options: Options): Server {');
    assert.deepEqual(referenceLines(s.references, 'helper'), [1, 5]);
    assert.deepEqual(referenceLines(s.references, 'Server'), [4, 6]);
    assert.deepEqual(s.imports, ['./util', '../types.js', './reexport', './lazy']);
  });

  it('TSX and JavaScript (with require)', async () => {
    const tsx = await parse('src/App.tsx', "import React from 'react';\nexport function App() { return <Button label=\"x\" />; }\n");
    assert.deepEqual(defs(tsx), ['function App@2']);
    assert.deepEqual(tsx.imports, ['react']);
    const js = await parse('lib/x.js', "const fs = require('fs');\nclass Cache { get(k) { return fs.readFileSync(k); } }\nmodule.exports = { Cache };\n");
    assert.deepEqual(defs(js), ['const fs@1', 'class Cache@2', 'method get@2']);
    assert.deepEqual(js.imports, ['fs']);
    assert.ok(referenceLines(js.references, 'readFileSync'));
  });

  it('Python: classes, methods, functions, module constants; imports', async () => {
    const s = await parse(
      'pkg/models.py',
      ['import os.path', 'from .base import Base as B', 'from typing import List', 'MAX_ITEMS = 10', 'class Store(B):', '    def add(self, item):', '        return helper(item)', 'def helper(x):', '    return os.path.join(x)'].join('\n'),
    );
    assert.deepEqual(defs(s), ['const MAX_ITEMS@4', 'class Store@5', 'method add@6', 'function helper@8']);
    assert.deepEqual(s.imports, ['os.path', '.base', 'typing']);
    assert.deepEqual(referenceLines(s.references, 'helper'), [7]);
  });

  it('Go: functions, methods, structs, interfaces, types, consts; imports', async () => {
    const s = await parse(
      'cmd/main.go',
      ['package main', 'import (', '  "fmt"', '  "net/http"', ')', 'const Version = "1"', 'type Server struct { addr string }', 'type Handler interface { Serve() }', 'type ID int', 'func (s *Server) Start() { fmt.Println(s.addr) }', 'func main() { s := &Server{}; s.Start() }'].join('\n'),
    );
    assert.deepEqual(defs(s), ['const Version@6', 'struct Server@7', 'interface Handler@8', 'type ID@9', 'method Start@10', 'function main@11']);
    assert.deepEqual(s.imports, ['fmt', 'net/http']);
    assert.deepEqual(referenceLines(s.references, 'Start'), [11]);
  });

  it('Rust: functions, impl methods, structs, enums, traits, consts; use declarations', async () => {
    const s = await parse(
      'src/lib.rs',
      ['use std::collections::HashMap;', 'pub const LIMIT: usize = 4;', 'pub struct Cache { map: HashMap<String, u32> }', 'pub enum Kind { A }', 'pub trait Store { fn get(&self) -> u32; }', 'impl Cache {', '    pub fn new() -> Self { Cache { map: HashMap::new() } }', '}', 'fn free() { let c = Cache::new(); }'].join('\n'),
    );
    assert.deepEqual(defs(s), ['const LIMIT@2', 'struct Cache@3', 'enum Kind@4', 'interface Store@5', 'method get@5', 'method new@7', 'function free@9']);
    assert.deepEqual(s.imports, ['std::collections::HashMap']);
    assert.ok(referenceLines(s.references, 'Cache')?.includes(9));
  });

  it('Java: classes, interfaces, enums, methods; imports', async () => {
    const s = await parse(
      'src/main/java/App.java',
      ['package app;', 'import java.util.List;', 'public class App implements Runner {', '  public void run(List<String> args) { Helper.go(); }', '}', 'interface Runner { void run(List<String> args); }', 'enum Color { RED }'].join('\n'),
    );
    assert.deepEqual(defs(s), ['class App@3', 'method run@4', 'interface Runner@6', 'method run@6', 'enum Color@7']);
    assert.deepEqual(s.imports, ['java.util.List']);
    assert.deepEqual(referenceLines(s.references, 'Helper'), [4]);
  });

  it('reads a file’s uses part by part with the same result as one query over the whole file', async () => {
    // A minified bundle on one line (many identifiers in nested functions), as the parts were made for, and each language.
    const minified = `(function(){${Array.from({ length: 400 }, (_, i) => `var a${i}=function(b${i},c){return b${i}.d${i % 37}(c,e${i % 53})+f.g${i % 11};};`).join('')}})();`;
    const sources: [string, string][] = [
      ['dist/bundle.min.js', minified],
      ['src/app.ts', `import { x } from './x';\nexport class Outer {\n  inner(): Inner { return new Inner(x, helper(x)); }\n}\ninterface Inner { value: Outer }\n${'const list = [alpha, beta, gamma.delta];\n'.repeat(50)}`],
      ['src/view.tsx', 'export function View({ items }: Props) {\n  return <ul>{items.map((item) => <Row key={item.id} item={item} />)}</ul>;\n}\n'],
      ['tools/gen.py', 'import os\n\nclass Builder:\n    def build(self, path):\n        return os.path.join(path, helper(self.root))\n'],
      ['cmd/main.go', 'package main\n\nimport "fmt"\n\ntype Server struct{ port int }\n\nfunc (s *Server) Start() { fmt.Println(s.port, helper()) }\n'],
      ['src/lib.rs', 'use std::fmt;\nstruct Point { x: i32 }\nimpl fmt::Display for Point {\n    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result { write!(f, "{}", self.x) }\n}\n'],
      ['src/App.java', 'import java.util.List;\nclass App { void run(List<String> args) { Helper.go(args.size()); } }\n'],
      ['src/broken.ts', 'export function ok() { use(one, two) }\nfunction (((( { three.four(five\n'],
    ];
    const whole = new SymbolParser(WASM_DIR, Number.MAX_SAFE_INTEGER);
    for (const window of [1, 40, 1000]) {
      const inParts = new SymbolParser(WASM_DIR, window);
      for (const [file, text] of sources) {
        const spec = languageForPath(file)!;
        const expected = await whole.parse(spec, text);
        assert.notEqual(expected.references, '', `${file} has uses`);
        assert.deepEqual(await inParts.parse(spec, text), expected, `${file} read in parts of ${window} characters`);
      }
    }
  });

  it('gives up on nothing it cannot parse: broken code still yields what it can', async () => {
    const s = await parse('src/broken.ts', 'export function ok() {}\nfunction (((( {\n');
    assert.ok(s.definitions.some((d) => d.name === 'ok'));
  });
});
