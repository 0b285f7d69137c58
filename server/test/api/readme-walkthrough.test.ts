/**
 * README's API walkthrough works as it stands when pasted: the shell block after
 * `<!-- api-walkthrough -->` is run by bash (curl and node) against the app listening on a port, with
 * only its base address changed, after a citizen's petition was submitted; it signs in as the intake
 * operator, opens the screening task and completes it.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../app.js';
import { createTestApp, submitPetition, type TestApp } from '../app-harness.js';

const run = promisify(execFile);

function walkthrough(): string {
  const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
  const m = /<!-- api-walkthrough -->\s*```sh\n([\s\S]*?)```/.exec(readme);
  if (!m) throw new Error('README.md has no shell block after <!-- api-walkthrough -->');
  return m[1];
}

describe('README: the API walkthrough', () => {
  let h: TestApp;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    h = await createTestApp();
    server = h.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await h?.close();
  });

  it('given a submitted petition, when the block is pasted into bash, then the intake operator signs in, sees the screening task and completes it', async () => {
    const script = walkthrough();
    expect(script).toContain('BASE=http://localhost:3000');
    await submitPetition(h, await h.visitor());
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script.replace('BASE=http://localhost:3000', `BASE=${base}`)], { timeout: 30_000 });
    expect(stdout.trim().split('\n')).toEqual(['审查受理范围', 'completed']);
    await h.settle();
    // the case moved on: the dispatch is the intake operator's next task
    const intake = await h.signIn('intake');
    const tasks = (await intake.get('/api/tasks').expect(200)).body as { elementId: string }[];
    expect(tasks.map((t) => t.elementId)).toContain('Task_DispatchPetition');
  });
});
