import { describe, it, expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createWorkers, jobTypes } from './registry.js';
import { createTestDeps } from './testing/in-memory.js';

describe('worker registry', () => {
  it('has one handler for every job type of the process contract', () => {
    const contract = readFileSync(new URL('../docs/process-contract.md', import.meta.url), 'utf8');
    const section = contract.slice(contract.indexOf('## Job types'));
    const documented = [...section.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]);
    expect([...jobTypes].sort()).toEqual(documented.sort());
    const workers = createWorkers(createTestDeps());
    expect(Object.keys(workers).sort()).toEqual([...jobTypes].sort());
    for (const handler of Object.values(workers)) expect(typeof handler).toBe('function');
  });
});
