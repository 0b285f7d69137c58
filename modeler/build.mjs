#!/usr/bin/env node
// Builds the browser assets into modeler/dist/: per page one ES module script and one stylesheet,
// minified (es2020) with source maps, named by content hash (`task-form-3KQ2XG7B.js`) so that the app
// can let browsers keep them for a year. Code two pages share is split into modeler/dist/chunks/, so a
// page loads only what it uses. manifest.json maps each page's script and stylesheet to its current
// file and the chunks it imports (server/http/assets.ts reads it); every script and stylesheet is also
// written brotli- and gzip-compressed beside it (`.br`, `.gz`) for the app to send as they are. Files
// of earlier builds are removed. Run: node modeler/build.mjs — prints one line on success.
//   task-form    the task page's form (form-js viewer)
//   modeler      the process modeler (bpmn-js, Zeebe properties panel, lint, templates, token simulation)
//   viewer       the inspector's instance diagram and the version diff (bpmn-js NavigatedViewer)
//   form-editor  the form editor (form-js editor)
//   portal-submit the portal's submission page: a refused submission keeps the chosen files (no stylesheet of its own)
//   decision-editor the decision tables' editor (dmn-js modeler, decision-table view, in Chinese)
//
// form-js.css is the viewer's full stylesheet (form-js-base.css plus the flatpickr theme and the
// Carbon grid that lays out the fields); form-js-base.css alone lacks the grid and the calendar.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';

const started = performance.now();
const here = fileURLToPath(new URL('.', import.meta.url));
const outdir = `${here}dist`;

const require = createRequire(`${here}../package.json`);

/** `virtual:bpmnlint-config`: the project's .bpmnlintrc compiled to a module that imports its rules (what the deploy gate runs) */
const bpmnlintConfig = {
  name: 'bpmnlint-config',
  setup(b) {
    b.onResolve({ filter: /^virtual:bpmnlint-config$/ }, () => ({ path: 'bpmnlint-config', namespace: 'virtual' }));
    b.onLoad({ filter: /.*/, namespace: 'virtual' }, async () => {
      const compileConfig = require('bpmnlint/lib/support/compile-config');
      const NodeResolver = require('bpmnlint/lib/resolver/node-resolver');
      const config = JSON.parse(readFileSync(`${here}../.bpmnlintrc`, 'utf8'));
      return { contents: await compileConfig(config, new NodeResolver({ require })), resolveDir: `${here}..`, loader: 'js' };
    });
  },
};

const common = {
  bundle: true,
  minify: true,
  sourcemap: true,
  target: 'es2020',
  platform: 'browser',
  logLevel: 'silent',
  absWorkingDir: here,
  outdir,
  metafile: true,
  // the content hash in the name is what lets the app send them as immutable
  entryNames: '[name]-[hash]',
  chunkNames: 'chunks/[name]-[hash]',
  // fonts and images the stylesheets reference are written beside them (the browser fetches only the one it uses)
  loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'file', '.png': 'file' },
  assetNames: 'files/[name]-[hash]',
};

const DIAGRAM_CSS = ['bpmn-js/dist/assets/diagram-js.css', 'bpmn-js/dist/assets/bpmn-js.css', 'bpmn-js/dist/assets/bpmn-font/css/bpmn.css'];

/** name → the page script and the stylesheets it needs, in order */
const BUNDLES = {
  'task-form': { entry: 'task-form/index.ts', css: ['@bpmn-io/form-js-viewer/dist/assets/form-js.css', './task-form/task-form.css'] },
  modeler: {
    entry: 'modeler/index.ts',
    css: [
      ...DIAGRAM_CSS,
      '@bpmn-io/properties-panel/dist/assets/properties-panel.css',
      'bpmn-js-element-templates/dist/assets/element-templates.css',
      '@bpmn-io/element-template-chooser/dist/element-template-chooser.css',
      'bpmn-js-bpmnlint/dist/assets/css/bpmn-js-bpmnlint.css',
      'bpmn-js-token-simulation/assets/css/bpmn-js-token-simulation.css',
      './modeler/modeler.css',
    ],
  },
  viewer: { entry: 'viewer/index.ts', css: [...DIAGRAM_CSS, './viewer/viewer.css'] },
  'portal-submit': { entry: 'portal-submit/index.ts', css: [] },
  'decision-editor': {
    entry: 'decision-editor/index.ts',
    css: [
      'dmn-js/dist/assets/diagram-js.css',
      'dmn-js/dist/assets/dmn-js-shared.css',
      'dmn-js/dist/assets/dmn-js-drd.css',
      'dmn-js/dist/assets/dmn-js-decision-table.css',
      'dmn-js/dist/assets/dmn-js-decision-table-controls.css',
      'dmn-js/dist/assets/dmn-js-literal-expression.css',
      'dmn-js/dist/assets/dmn-js-boxed-expression.css',
      'dmn-js/dist/assets/dmn-js-boxed-expression-controls.css',
      'dmn-js/dist/assets/dmn-font/css/dmn-embedded.css',
      './decision-editor/decision-editor.css',
    ],
  },
  'form-editor': {
    entry: 'form-editor/index.ts',
    // one preact for the editor and the viewer it renders with: form-js-editor 1.23 pins preact
    // <=10.15.1 (its own copy) while the viewer takes the newer top-level one, and hooks across two
    // copies fail ("Cannot read properties of undefined (reading 'context')")
    alias: { preact: '../node_modules/@bpmn-io/form-js-editor/node_modules/preact' },
    css: ['@bpmn-io/form-js-viewer/dist/assets/form-js.css', '@bpmn-io/form-js-editor/dist/assets/form-js-editor.css', './form-editor/form-editor.css'],
  },
};

/** an output's `entryPoint` (as the metafile names it) → its page */
const BUNDLES_BY_ENTRY = new Map(Object.entries(BUNDLES).flatMap(([n, { entry }]) => [[entry, n], [`page-css:${n}`, n]]));

/**
 * The page scripts, in as few builds as one copy of preact per page allows: the task form, the
 * modeler and the viewer share one build (bpmn-js between modeler and viewer, small libraries with
 * the task form) and so their chunks; the form editor, which needs the older preact, is its own.
 */
const SCRIPT_BUILDS = [['task-form', 'modeler', 'viewer', 'portal-submit'], ['form-editor'], ['decision-editor']];

/** `page-css:<name>`: the page's stylesheet, its CSS files imported in order */
const pageCss = {
  name: 'page-css',
  setup(b) {
    b.onResolve({ filter: /^page-css:/ }, (args) => ({ path: args.path.slice('page-css:'.length), namespace: 'page-css' }));
    b.onLoad({ filter: /.*/, namespace: 'page-css' }, (args) => ({ contents: BUNDLES[args.path].css.map((c) => `@import "${c}";`).join('\n'), resolveDir: here, loader: 'css' }));
  },
};

const scripts = (names) =>
  build({
    ...common,
    entryPoints: Object.fromEntries(names.map((n) => [n, BUNDLES[n].entry])),
    format: 'esm',
    splitting: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    // the few licence comments (classnames, DOMPurify, …) stay at the end of each file
    legalComments: 'eof',
    plugins: [bpmnlintConfig],
    ...Object.assign({}, ...names.map((n) => BUNDLES[n].alias && { alias: BUNDLES[n].alias })),
  });
const stylesheets = () => build({ ...common, entryPoints: Object.fromEntries(Object.keys(BUNDLES).filter((n) => BUNDLES[n].css.length).map((n) => [n, `page-css:${n}`])), plugins: [pageCss] });

const COMPRESSIBLE = /\.(js|css|svg)$/;
const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/**
 * `file.br` and `file.gz` beside each script, stylesheet and image, at the strongest settings (the
 * app sends them as they are, so they are made once). A hashed name that already has them is left
 * alone: same name, same content. Written under a temporary name and renamed, so that a build running
 * beside another never leaves a half-written file in place.
 */
async function compress(file) {
  const source = readFileSync(file);
  const encode = { br: () => brotli(source, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: source.length } }), gz: () => gzipped(source, { level: 9 }) };
  await Promise.all(
    Object.entries(encode).map(async ([ext, run]) => {
      if (await stat(`${file}.${ext}`).catch(() => undefined)) return;
      const tmp = `${file}.${ext}.${process.pid}.tmp`;
      await writeFile(tmp, await run());
      await rename(tmp, `${file}.${ext}`);
    }),
  );
}

/** every file under dir, as paths relative to it */
async function listFiles(dir) {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  // Dirent.parentPath from Node 20.12; .path before it
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath ?? e.path, e.name)));
}

try {
  const results = await Promise.all([...SCRIPT_BUILDS.map(scripts), stylesheets()]);
  const outputs = Object.assign({}, ...results.map((r) => r.metafile.outputs));
  const rel = (path) => relative(outdir, join(here, path));
  /** the chunks a file imports, and theirs in turn */
  const importsOf = (path, seen = new Set()) => {
    for (const i of outputs[path].imports) if (i.kind === 'import-statement' && !seen.has(i.path)) importsOf(i.path, seen.add(i.path));
    return seen;
  };
  const manifest = {};
  for (const [path, out] of Object.entries(outputs)) {
    const name = BUNDLES_BY_ENTRY.get(out.entryPoint);
    if (!name) continue;
    const ext = path.endsWith('.css') ? 'css' : 'js';
    manifest[`${name}.${ext}`] = { file: rel(path), ...(ext === 'js' && { imports: [...importsOf(path)].map(rel) }) };
  }
  const written = new Set(Object.keys(outputs).map(rel));
  await Promise.all([...written].filter((f) => COMPRESSIBLE.test(f)).map((f) => compress(join(outdir, f))));
  await writeFile(`${outdir}/manifest.json.${process.pid}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(`${outdir}/manifest.json.${process.pid}.tmp`, `${outdir}/manifest.json`);
  // what earlier builds left (older hashes, the unhashed names before them); another build's temporary files are its own
  const keep = (f) => f === 'manifest.json' || f.endsWith('.tmp') || written.has(f.replace(/\.(br|gz)$/, ''));
  await Promise.all((await listFiles(outdir)).filter((f) => !keep(f)).map((f) => unlink(join(outdir, f)).catch(() => undefined)));

  // per page: what it loads (its script, the chunks it imports, its stylesheet) as written and as brotli
  const size = async (files, ext = '') => (await Promise.all(files.map(async (f) => (await stat(join(outdir, f + ext))).size))).reduce((a, b) => a + b, 0);
  const kB = (n) => `${(n / 1024).toFixed(0)} kB`;
  const pages = await Promise.all(
    Object.keys(BUNDLES).map(async (n) => {
      const js = [manifest[`${n}.js`].file, ...manifest[`${n}.js`].imports];
      const css = manifest[`${n}.css`] ? [manifest[`${n}.css`].file] : [];
      return `${n} ${kB(await size(js))} js + ${kB(await size(css))} css (br ${kB(await size([...js, ...css], '.br'))})`;
    }),
  );
  process.stdout.write(`modeler/dist: ${pages.join(', ')} (${Math.round(performance.now() - started)} ms)\n`);
} catch (err) {
  const messages = err?.errors?.length ? err.errors.map((e) => `${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`) : [String(err)];
  process.stderr.write(`modeler/build.mjs: failed\n${messages.join('\n')}\n`);
  process.exit(1);
}
