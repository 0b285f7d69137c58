/**
 * The production stack's docker-compose.yml, checked by a real compose implementation (Debian's
 * docker-compose: `config` parses and validates against the compose schema, no daemon needed):
 * it is valid, has its services and volumes, and a broken copy is refused — so the check is real.
 * Without docker-compose the test is skipped with the reason (CI installs it and requires it).
 */
import { describe, it, expect } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { promisify } from 'node:util';
import { projectRoot } from './app.js';

const COMPOSE = '/usr/bin/docker-compose';
const missing = existsSync(COMPOSE) ? undefined : `${COMPOSE} not found (install the Debian package docker-compose)`;
if (missing && process.env.CI) throw new Error(`the compose check needs docker-compose under CI: ${missing}`);
if (missing) process.stderr.write(`compose check skipped: ${missing}\n`);
const describeCompose = missing ? describe.skip : describe;

const run = promisify(execFile);
const compose = (file: string, ...args: string[]) => run(COMPOSE, ['-f', file, ...args], { cwd: projectRoot, env: { ...process.env, COMPOSE_PROJECT_NAME: 'wenzheng-check' } });

describeCompose('docker-compose.yml', () => {
  const file = join(projectRoot, 'docker-compose.yml');

  it('given the compose file, when docker-compose validates it, then it is valid with MySQL, the app and the data volume', async () => {
    await compose(file, 'config', '-q');
    expect((await compose(file, 'config', '--services')).stdout.trim().split('\n').sort()).toEqual(['app', 'mysql']);
    expect((await compose(file, 'config', '--volumes')).stdout.trim().split('\n')).toEqual(['mysql-data']);
    // the app waits for a healthy database, and both report their health
    const resolved = (await compose(file, 'config')).stdout;
    expect(resolved).toMatch(/condition: service_healthy/);
    expect(resolved.match(/healthcheck:/g)).toHaveLength(2);
  });

  it('given a broken copy, when validated, then docker-compose refuses it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wz-compose-'));
    try {
      const broken = join(dir, 'docker-compose.yml');
      writeFileSync(broken, readFileSync(file, 'utf8').replace('condition: service_healthy', 'condition: when_it_feels_like_it'));
      await expect(compose(broken, 'config', '-q')).rejects.toMatchObject({ stderr: expect.stringMatching(/condition/) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
