/**
 * The shape of engine/ (issue 14): every source file short enough to read at once, and no import
 * circles between its modules — a circle makes load order decide what is defined, and hides which
 * module owns a shared type. Type-only imports count too: shared types get a module of their own.
 */
import { describe, it, expect } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAX_LINES = 600;
const engineDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** the engine/ files a module imports or re-exports (static, dynamic or type-only), as absolute paths */
function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [
    ...text.matchAll(/\b(?:import|export)\s[^;'"]*?\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]/g),
    ...text.matchAll(/\bimport\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g),
  ].map((m) => m[1]);
  return specifiers
    .map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')))
    .filter((path) => path.startsWith(engineDir + '/'));
}

/** every circle in the import graph, each once, as a list of paths relative to engine/ */
function importCycles(files: string[]): string[][] {
  const graph = new Map(files.map((f) => [f, relativeImports(f).filter((to) => to !== f)]));
  const cycles = new Map<string, string[]>();
  const done = new Set<string>();
  const walk = (file: string, path: string[]): void => {
    const at = path.indexOf(file);
    if (at >= 0) {
      const cycle = path.slice(at).map((p) => relative(engineDir, p));
      // one name per circle, whichever module it was entered from
      const start = cycle.indexOf([...cycle].sort()[0]);
      const canonical = [...cycle.slice(start), ...cycle.slice(0, start)];
      cycles.set(canonical.join(' → '), [...canonical, canonical[0]]);
      return;
    }
    if (done.has(file)) return;
    for (const to of graph.get(file) ?? []) walk(to, [...path, file]);
    done.add(file);
  };
  for (const file of files) walk(file, []);
  return [...cycles.values()];
}

describe('engine/ layout', () => {
  const files = sourceFiles(engineDir);

  it(`has no source file (tests excluded) over ${MAX_LINES} lines`, () => {
    const long = files
      .map((file) => ({ file: relative(engineDir, file), lines: readFileSync(file, 'utf8').split('\n').length - 1 }))
      .filter(({ lines }) => lines > MAX_LINES);
    expect(long).toEqual([]);
  });

  it('has no import circles between its modules', () => {
    expect(importCycles(files)).toEqual([]);
  });
});
