/**
 * The app as a process of its own (server/main.ts as it is in the working tree, bundled by esbuild
 * with its packages external, run by node), for tests that kill it with SIGKILL and start it again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleEntry } from '../../bin/test/workers-child.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** server/main.ts as one ES module under .cache/ (built once per test file) */
const bundleApp = () => bundleEntry(join('server', 'main.ts'), 'app-child');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface AppChild {
  child: ChildProcess;
  /** resolves with the exit code (or the signal's name) */
  exited: Promise<number | string>;
  /** resolves once /health answers; rejects when the process ends first */
  up: Promise<void>;
  /** what it wrote to stderr */
  stderr(): string;
}

export async function spawnApp(env: Record<string, string>, port: number): Promise<AppChild> {
  const file = await bundleApp();
  const child = spawn(process.execPath, [file], { cwd: root, env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', NODE_ENV: 'development', ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  let ended = false;
  void exited.then(() => (ended = true));
  const up = (async () => {
    for (;;) {
      if (ended) throw new Error(`the app ended before it served: ${stderr}`);
      try {
        if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return { child, exited, up, stderr: () => stderr };
}
