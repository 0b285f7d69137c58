#!/usr/bin/env node
// Builds the browser assets into modeler/dist/, one script (iife, minified, es2020) and one
// stylesheet per page, each with a source map. Run: node modeler/build.mjs — prints one line on success.
//   task-form    the task page's form (form-js viewer)
//   modeler      the process modeler (bpmn-js, Zeebe properties panel, lint, templates, token simulation)
//   viewer       the inspector's instance diagram and the version diff (bpmn-js NavigatedViewer)
//   form-editor  the form editor (form-js editor)
//
// form-js.css is the viewer's full stylesheet (form-js-base.css plus the flatpickr theme and the
// Carbon grid that lays out the fields); form-js-base.css alone lacks the grid and the calendar.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { stat } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';

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
  'form-editor': {
    entry: 'form-editor/index.ts',
    // one preact for the editor and the viewer it renders with: form-js-editor 1.23 pins preact
    // <=10.15.1 (its own copy) while the viewer takes the newer top-level one, and hooks across two
    // copies fail ("Cannot read properties of undefined (reading 'context')")
    alias: { preact: '../node_modules/@bpmn-io/form-js-editor/node_modules/preact' },
    css: ['@bpmn-io/form-js-viewer/dist/assets/form-js.css', '@bpmn-io/form-js-editor/dist/assets/form-js-editor.css', './form-editor/form-editor.css'],
  },
};

try {
  await Promise.all(
    Object.entries(BUNDLES).flatMap(([name, { entry, css, alias }]) => [
      build({
        ...common,
        entryPoints: [entry],
        outfile: `${outdir}/${name}.js`,
        format: 'iife',
        define: { 'process.env.NODE_ENV': '"production"' },
        // the few licence comments (classnames, DOMPurify, …) stay at the end of the bundle
        legalComments: 'eof',
        plugins: [bpmnlintConfig],
        ...(alias && { alias }),
      }),
      build({
        ...common,
        stdin: { contents: css.map((c) => `@import "${c}";`).join('\n'), resolveDir: here, sourcefile: `${name}.css`, loader: 'css' },
        outfile: `${outdir}/${name}.css`,
      }),
    ]),
  );
} catch (err) {
  const messages = err?.errors?.length ? err.errors.map((e) => `${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`) : [String(err)];
  process.stderr.write(`modeler/build.mjs: failed\n${messages.join('\n')}\n`);
  process.exit(1);
}

const kB = async (name) => `${name} ${((await stat(`${outdir}/${name}`)).size / 1024).toFixed(0)} kB`;
const sizes = await Promise.all(Object.keys(BUNDLES).flatMap((n) => [`${n}.js`, `${n}.css`]).map(kB));
process.stdout.write(`modeler/dist: ${sizes.join(', ')} (${Math.round(performance.now() - started)} ms)\n`);
