/**
 * A real `npm run workers` process for tests: bin/workers.ts as it is in the working tree, bundled
 * by esbuild (its packages stay external, so it loads the project's node_modules) and run by node,
 * with its pino lines read from stdout. Tests of process lifetime and of several processes on one
 * database need the process itself, not startWorkers() in the test's own process.
 */
import { build } from 'esbuild';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const bundles = new Map<string, Promise<string>>();

/**
 * A TypeScript entry of the project as one ES module under .cache/ (built once per test file and
 * entry), its packages external so that it loads the project's node_modules.
 */
export function bundleEntry(entry: string, name: string): Promise<string> {
  let bundled = bundles.get(entry);
  if (!bundled) {
    bundled = (async () => {
      const dir = join(root, '.cache', `${name}-${process.pid}`);
      mkdirSync(dir, { recursive: true });
      const outfile = join(dir, `${name}.mjs`);
      await build({
        entryPoints: [join(root, entry)],
        outfile,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        packages: 'external',
        logLevel: 'silent',
        // the sources use require() (createRequire) and __dirname-free paths: give ESM a require
        banner: { js: "import { createRequire as __wzRequire } from 'node:module'; const require = __wzRequire(import.meta.url);" },
      });
      return outfile;
    })();
    bundles.set(entry, bundled);
  }
  return bundled;
}

/** bin/workers.ts as one ES module under .cache/ (built once per test file) */
export const bundleWorkers = () => bundleEntry(join('bin', 'workers.ts'), 'workers-child');

export interface WorkersChild {
  child: ChildProcess;
  /** every log line the process wrote, parsed */
  lines: Record<string, unknown>[];
  /** resolves with the exit code (or the signal's name) when the process ends */
  exited: Promise<number | string>;
  /** resolves once the process logged that it started; rejects when it ends first */
  started: Promise<void>;
}

export async function spawnWorkers(env: Record<string, string>): Promise<WorkersChild> {
  const file = await bundleWorkers();
  const child = spawn(process.execPath, [file], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  let onStart: () => void = () => undefined;
  const startedSeen = new Promise<void>((resolve) => (onStart = resolve));
  let buffered = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const text = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      try {
        const line = JSON.parse(text) as Record<string, unknown>;
        lines.push(line);
        if (line.msg === '作业处理进程已启动') onStart();
      } catch {
        lines.push({ text });
      }
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const started = Promise.race([
    startedSeen,
    exited.then((code) => {
      throw new Error(`the workers process ended (${code}) before it started: ${stderr}`);
    }),
  ]);
  return { child, lines, exited, started };
}
