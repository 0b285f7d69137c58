#!/usr/bin/env node
// Builds the browser assets into modeler/dist/: task-form.js (the task-form page script, bundled with
// form-js: iife, minified, es2020) and task-form.css (form-js's CSS, then modeler/task-form/task-form.css),
// each with a source map. Run: node modeler/build.mjs — prints one line on success.
//
// form-js.css is the viewer's full stylesheet (form-js-base.css plus the flatpickr theme and the
// Carbon grid that lays out the fields); form-js-base.css alone lacks the grid and the calendar.
import { build } from 'esbuild';
import { stat } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';

const started = performance.now();
const here = fileURLToPath(new URL('.', import.meta.url));
const outdir = `${here}dist`;

const common = {
  bundle: true,
  minify: true,
  sourcemap: true,
  target: 'es2020',
  platform: 'browser',
  logLevel: 'silent',
  absWorkingDir: here,
};

try {
  await Promise.all([
    build({
      ...common,
      entryPoints: ['task-form/index.ts'],
      outfile: `${outdir}/task-form.js`,
      format: 'iife',
      define: { 'process.env.NODE_ENV': '"production"' },
      // the few licence comments (classnames, DOMPurify, …) stay at the end of the bundle
      legalComments: 'eof',
    }),
    build({
      ...common,
      stdin: {
        contents: '@import "@bpmn-io/form-js-viewer/dist/assets/form-js.css";\n@import "./task-form/task-form.css";\n',
        resolveDir: here,
        sourcefile: 'task-form.css',
        loader: 'css',
      },
      outfile: `${outdir}/task-form.css`,
    }),
  ]);
} catch (err) {
  const messages = err?.errors?.length ? err.errors.map((e) => `${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`) : [String(err)];
  process.stderr.write(`modeler/build.mjs: failed\n${messages.join('\n')}\n`);
  process.exit(1);
}

const kB = async (name) => `${name} ${((await stat(`${outdir}/${name}`)).size / 1024).toFixed(1)} kB`;
const sizes = await Promise.all(['task-form.js', 'task-form.css'].map(kB));
process.stdout.write(`modeler/dist: ${sizes.join(', ')} (${Math.round(performance.now() - started)} ms)\n`);
