/**
 * The folders' import boundaries (README "Layout"), read from the sources: the job workers and the
 * browser modeler import nothing of the web app (`server/`), and the regulation's plain rules import
 * neither the web app, the workers, the engine, a web or database library nor file and process I/O —
 * so a worker process or the modeler's bundle never drags Express or Sequelize in. And the code
 * reads in pieces: no import circle in server/ or engine/ (type imports count: a reader follows
 * them too), no source file over 600 lines outside the tests.
 */
import { describe, it, expect } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', '.cache']);
const SELF = relative(root, fileURLToPath(import.meta.url));

/** the source files under a top-level folder, as paths relative to the project */
function sources(folder: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) walk(join(dir, e.name));
      } else if (SOURCE.test(e.name)) out.push(relative(root, join(dir, e.name)));
    }
  };
  walk(join(root, folder));
  return out.filter((f) => f !== SELF);
}

/** the module specifiers a source imports: static and dynamic imports, re-exports, type imports, require */
function specifiersOf(text: string): string[] {
  const found: string[] = [];
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"]([^'"\n]+)['"]/g;
  for (const m of text.matchAll(pattern)) found.push(m[1]);
  return found;
}

/** a specifier as a project path (`server/app.js`) when relative, else as written (a package) */
function target(file: string, specifier: string): string {
  return specifier.startsWith('.') ? relative(root, resolve(root, dirname(file), specifier)).split('\\').join('/') : specifier;
}

/** `file → specifier` for every import of the files under `folder` that `forbidden` matches */
function violations(folder: string, forbidden: (target: string, file: string) => boolean): string[] {
  const out: string[] = [];
  for (const file of sources(folder)) {
    for (const s of specifiersOf(readFileSync(join(root, file), 'utf8'))) {
      if (forbidden(target(file, s), file)) out.push(`${file} → ${s}`);
    }
  }
  return out;
}

const inFolder = (t: string, folder: string) => t === folder || t.startsWith(`${folder}/`);
const isTest = (file: string) => /\.test\.ts$/.test(file);

/** what the regulation's rules (tests aside) may not use: the web, the database, logging, file, network and process I/O */
const SERVICE_PACKAGES = /^(express|express-.*|sequelize|mysql2|sqlite3|umzug|pino|multer|helmet|cookie-parser|@camunda8\/.*|bpmn-engine|bpmn-elements|(node:)?(fs|fs\/promises|child_process|net|http|https|worker_threads|cluster|dgram))$/;

describe('import boundaries', () => {
  it('finds the imports of a source', () => {
    const text = "import a from '../server/app.js';\nimport type { B } from './b.js';\nexport { c } from 'express';\nconst d = await import('../engine/zeebe/x.js');\n";
    expect(specifiersOf(text)).toEqual(['../server/app.js', './b.js', 'express', '../engine/zeebe/x.js']);
    expect(target('workers/notify.ts', '../server/app.js')).toBe('server/app.js');
  });

  for (const folder of ['workers', 'regulation', 'modeler']) {
    it(`${folder}/ imports nothing of server/`, () => {
      expect(violations(folder, (t) => inFolder(t, 'server'))).toEqual([]);
    });
  }

  it('regulation/ imports neither workers/ nor the engine (its adapters or its port)', () => {
    expect(violations('regulation', (t) => inFolder(t, 'workers') || inFolder(t, 'engine'))).toEqual([]);
  });

  it('regulation/ rules use no web, database, logging or I/O library', () => {
    expect(violations('regulation', (t, file) => !isTest(file) && SERVICE_PACKAGES.test(t))).toEqual([]);
  });

  it('server/ and engine/ have no import circle, type imports included', () => {
    const cycles = [...importCycles(['server', 'engine'])].map((c) => c.join(' → '));
    expect(cycles).toEqual([]);
  });

  it('no source file is over 600 lines, tests and test harnesses aside', () => {
    const long = CODE_FOLDERS.flatMap(sources)
      .filter((f) => !isTest(f) && !/(^|\/)(test|testing)\//.test(f) && !f.startsWith('modeler/dist/'))
      .map((f) => [f, readFileSync(join(root, f), 'utf8').split('\n').length] as const)
      .filter(([, n]) => n > 600)
      .map(([f, n]) => `${f}: ${n} lines`);
    expect(long).toEqual([]);
  });

  it('finds an import circle', () => {
    const graph = new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts']], ['d.ts', ['a.ts']]]);
    expect(cyclesOf(graph)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });
});

/** the folders of the project's own code */
const CODE_FOLDERS = ['server', 'workers', 'regulation', 'engine', 'modeler', 'diagram-lint', 'bench', 'bin'];

/** the circles among the relative imports of the (non-test) sources under `folders` */
function importCycles(folders: string[]): string[][] {
  const files = folders.flatMap(sources).filter((f) => !isTest(f));
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const deps = specifiersOf(readFileSync(join(root, f), 'utf8'))
      .filter((s) => s.startsWith('.'))
      .map((s) => target(f, s).replace(/\.js$/, '.ts'))
      .map((t) => (known.has(t) ? t : t.replace(/\.ts$/, '.mjs')))
      .filter((t) => known.has(t));
    graph.set(f, deps);
  }
  return cyclesOf(graph);
}

/** strongly connected groups of more than one file (Tarjan), each sorted */
function cyclesOf(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) found.push(group.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}
