/**
 * The folders' import boundaries (README "Layout"), read from the sources: the job workers and the
 * browser modeler import nothing of the web app (`server/`), and the regulation's plain rules import
 * neither the web app, the workers, the engine, a web or database library nor file and process I/O —
 * so a worker process or the modeler's bundle never drags Express or Sequelize in.
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
});
