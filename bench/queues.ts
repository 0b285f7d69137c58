/**
 * The office's lists at city size (`npm run bench -- queues`; issue 15): the work queue (bench/work-queue.ts), then the case export.
 * The whole app in this process (as the lifecycle bench starts it: bench/lifecycle/app.ts) on a
 * fresh SQLite file, or with DB_URL on a throw-away MariaDB/MySQL database. One petition is submitted
 * through the portal, then QUEUES_CASES copies of it (default 100,000) are written straight to the
 * table, in multi-row inserts (new ids, tracking codes and times, alternating channels). Then, in
 * alternating blocks:
 *  - the baseline: every case read through the repository's keyset pages (`scan`), no HTTP, no CSV;
 *  - the export: the platform reviewer's `GET /api/cases/export.csv`, read as it streams, rows counted.
 * Figures (JSON last line): exportRowsPerSec (rows of the download ÷ its seconds; issue 15: ≥ 20,000
 * at 100,000 cases), exportScanRowsPerSec (the baseline), exportRatio (export ÷ baseline),
 * exportHeapGrowthMB (in one more, untimed export: the process's live heap — collected before each
 * look, every 100 ms, with --expose-gc — at its highest, above what it was before: flat when the
 * export holds a page, not the file), exportRows (checked: every case once, in order).
 */
import { codeOf, submitOnePetition } from './seed-cases.js';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { QueryTypes } from 'sequelize';
import { createPetitionsRepository } from '../server/data/petitions-repository.js';
import { generateIdentityKey } from '../server/domain/identity-crypto.js';
import { startApp } from './lifecycle/app.js';
import { Browser } from './lifecycle/driver.js';
import { openTarget, round } from './lifecycle/measure.js';

export type QueuesFigures = Record<string, number | string>;


export async function runQueues(env: NodeJS.ProcessEnv, out: (line: string) => void): Promise<QueuesFigures> {
  const cases = Number(env.QUEUES_CASES ?? 100_000);
  const blocks = Number(env.QUEUES_BLOCKS ?? 2);
  if (!Number.isSafeInteger(cases) || cases < 1) throw new Error(`QUEUES_CASES must be a whole number ≥ 1 (got "${env.QUEUES_CASES}")`);
  if (!Number.isSafeInteger(blocks) || blocks < 1) throw new Error(`QUEUES_BLOCKS must be a whole number ≥ 1 (got "${env.QUEUES_BLOCKS}")`);
  const target = await openTarget(env.DB_URL);
  out(`queues: the case export of ${cases} cases, ${blocks} alternating blocks against keyset reads; ${target.kind}`);
  const app = await startApp(target.url, 1);
  try {
    const base = app.bases[0];
    await submitOnePetition(base);
    const t0 = performance.now();
    await copyCases(app.db.sequelize, cases);
    out(`  ${cases} cases written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const total = cases + 1;

    const reviewer = await new Browser(base).signIn('reviewer');
    const petitions = createPetitionsRepository(app.db, { key: generateIdentityKey() });
    let scanMs = 0;
    let exportMs = 0;
    for (let b = 0; b < blocks; b++) {
      let t = performance.now();
      let read = 0;
      for (let after: { createdAt: Date; id: string } | undefined; ; ) {
        const page = await petitions.scan({}, after, 1000);
        read += page.length;
        if (page.length < 1000) break;
        after = { createdAt: page[page.length - 1].createdAt, id: page[page.length - 1].id };
      }
      scanMs += performance.now() - t;
      if (read !== total) throw new Error(`the keyset read found ${read} cases, not ${total}`);

      t = performance.now();
      const timed = await download(`${base}/api/cases/export.csv`, reviewer.cookieHeader());
      exportMs += performance.now() - t;
      if (timed.rows !== total || timed.inOrder !== cases) throw new Error(`the export held ${timed.rows} rows (${timed.inOrder} copies where expected), not ${total}`);
    }
    // once more, untimed, for the memory: what stays alive, not garbage the collector has yet to
    // take (collected before each look: that slows the export, so this run is not timed)
    globalThis.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    let heapMax = heapBefore;
    const sampler = setInterval(() => {
      globalThis.gc?.();
      heapMax = Math.max(heapMax, process.memoryUsage().heapUsed);
    }, 100);
    const watched = await download(`${base}/api/cases/export.csv`, reviewer.cookieHeader()).finally(() => clearInterval(sampler));
    if (watched.rows !== total) throw new Error(`the export held ${watched.rows} rows, not ${total}`);
    const heapGrowth = heapMax - heapBefore;
    // the Excel export of the same cases (exceljs' streaming writer into the response): its time and,
    // sampled the same way, its live heap above the start (flat when rows are committed as they come)
    const tx = performance.now();
    const xlsxBytes = await downloadBytes(`${base}/api/cases/export.xlsx`, reviewer.cookieHeader());
    const xlsxMs = performance.now() - tx;
    globalThis.gc?.();
    const xlsxHeapBefore = process.memoryUsage().heapUsed;
    let xlsxHeapMax = xlsxHeapBefore;
    const xlsxSampler = setInterval(() => {
      globalThis.gc?.();
      xlsxHeapMax = Math.max(xlsxHeapMax, process.memoryUsage().heapUsed);
    }, 100);
    await downloadBytes(`${base}/api/cases/export.xlsx`, reviewer.cookieHeader()).finally(() => clearInterval(xlsxSampler));
    out(`  Excel export (xlsxRowsPerSec, xlsxHeapGrowthMB)   ${(total / (xlsxMs / 1000)).toFixed(0)} rows/s, ${(xlsxBytes / 1048576).toFixed(1)} MB file, heap growth ${((xlsxHeapMax - xlsxHeapBefore) / 1048576).toFixed(1)} MB`);
    const exportRowsPerSec = (total * blocks) / (exportMs / 1000);
    const scanRowsPerSec = (total * blocks) / (scanMs / 1000);
    out(`  export through HTTP (exportRowsPerSec)            ${exportRowsPerSec.toFixed(0)} rows/s (issue 15: ≥ 20000)`);
    out(`  keyset reads, no HTTP (exportScanRowsPerSec)      ${scanRowsPerSec.toFixed(0)} rows/s; ratio ${(exportRowsPerSec / scanRowsPerSec).toFixed(2)}`);
    out(`  heap growth during the export (exportHeapGrowthMB) ${(heapGrowth / 1048576).toFixed(1)} MB; every case once (${total} rows)`);
    return {
      exportDb: target.kind,
      exportRows: total,
      exportRowsPerSec: Math.round(exportRowsPerSec),
      exportScanRowsPerSec: Math.round(scanRowsPerSec),
      exportRatio: round(exportRowsPerSec / scanRowsPerSec, 3),
      exportHeapGrowthMB: round(heapGrowth / 1048576, 1),
      xlsxRowsPerSec: Math.round(total / (xlsxMs / 1000)),
      xlsxBytes,
      xlsxHeapGrowthMB: round((xlsxHeapMax - xlsxHeapBefore) / 1048576, 1),
    };
  } finally {
    await app.close();
    await target.drop();
  }
}

/** `n` copies of the submitted case, newest first behind it, in multi-row inserts */
async function copyCases(sequelize: import('sequelize').Sequelize, n: number) {
  const [original] = (await sequelize.query('SELECT * FROM petitions LIMIT 1', { type: QueryTypes.SELECT })) as Record<string, unknown>[];
  const columns = Object.keys(original);
  const start = Number(original.created_at) - 60_000;
  for (let from = 0; from < n; from += 500) {
    const rows: unknown[] = [];
    const count = Math.min(500, n - from);
    for (let k = 0; k < count; k++) {
      const i = from + k;
      const row: Record<string, unknown> = { ...original, id: `bench-${i}`, tracking_code: codeOf(2_000_000 + i), channel: i % 3 === 0 ? 'hotline' : i % 3 === 1 ? 'wechat' : 'web', created_at: start - i * 1000, updated_at: start - i * 1000, process_instance_key: null };
      for (const c of columns) rows.push(row[c] ?? null);
    }
    const one = `(${columns.map(() => '?').join(', ')})`;
    await sequelize.query(`INSERT INTO petitions (${columns.join(', ')}) VALUES ${Array(count).fill(one).join(', ')}`, { replacements: rows });
  }
}

/**
 * The download read as it streams: its rows (after the header), and how many of the copies stand
 * where they must (newest first: the submitted case, then copy 0, 1, 2, …), so every case is there
 * once without the client keeping them (its memory is this process's heap too).
 */
function download(url: string, cookie: string): Promise<{ rows: number; inOrder: number }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { cookie } }, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`export: HTTP ${res.statusCode}`));
        let inOrder = 0;
        let rows = -1;
        let rest = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          const lines = (rest + chunk).split('\r\n');
          rest = lines.pop()!;
          for (const line of lines) {
            rows++;
            if (rows >= 2 && line.startsWith(`${codeOf(2_000_000 + rows - 2)},`)) inOrder++;
          }
        });
        res.on('end', () => resolve({ rows, inOrder }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** a download's size in bytes, read as it streams (nothing kept) */
function downloadBytes(url: string, cookie: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { cookie } }, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`export: HTTP ${res.statusCode}`));
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => resolve(bytes));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}
