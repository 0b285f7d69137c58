/**
 * The diagrams, the workers, the forms and docs/regulation.md agree: every diagram lints clean for
 * Camunda 8.8, every element that names an article is listed under it, every job type has a worker
 * and every worker is used, every form id has a file.
 */
import { describe, it, expect, beforeAll } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BpmnModdle } from 'bpmn-moddle';
import { jobTypes } from '../workers/registry.js';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const moddle = new BpmnModdle({ zeebe: require('zeebe-bpmn-moddle/resources/zeebe.json') });
const ARTICLES = ['六', '七', '八', '九', '十', '十一', '十二', '十三', '十四', '十五', '十六', '十七', '十八', '十九', '二十', '二十一', '二十二', '二十三', '二十四', '二十五', '二十六', '二十七'];

interface Found {
  file: string;
  processId: string;
  definitions: any;
  elements: { ref: string; articles: string[]; jobType?: string; formId?: string }[];
}

const diagrams: Found[] = [];

function ext(el: any, type: string) {
  return (el.extensionElements?.values ?? []).find((v: any) => v.$type === type);
}

beforeAll(async () => {
  for (const file of readdirSync(join(root, 'processes')).filter((f) => f.endsWith('.bpmn'))) {
    const { rootElement, warnings } = await moddle.fromXML(readFileSync(join(root, 'processes', file), 'utf8'));
    expect(warnings).toEqual([]);
    const processes = rootElement.rootElements.filter((r: any) => r.$type === 'bpmn:Process');
    const elements: Found['elements'] = [];
    const walk = (container: any, pid: string) => {
      for (const el of container.flowElements ?? []) {
        const doc = (el.documentation ?? []).map((d: any) => d.text).join(' ');
        const articles = [...new Set([...doc.matchAll(/第([一二三四五六七八九十]+)条/g)].map((m) => m[1]))];
        elements.push({ ref: `${pid}#${el.id}`, articles, jobType: ext(el, 'zeebe:TaskDefinition')?.type, formId: ext(el, 'zeebe:FormDefinition')?.formId });
        if (el.flowElements) walk(el, pid);
      }
    };
    for (const p of processes) walk(p, p.id);
    diagrams.push({ file, processId: processes[0]?.id, definitions: rootElement, elements });
  }
});

/** the table of docs/regulation.md: article → its cells */
function table(): Map<string, { elements: Set<string>; jobs: Set<string>; forms: Set<string>; tests: string[] }> {
  const rows = new Map<string, { elements: Set<string>; jobs: Set<string>; forms: Set<string>; tests: string[] }>();
  for (const line of readFileSync(join(root, 'docs', 'regulation.md'), 'utf8').split('\n')) {
    const m = /^\| 第([一二三四五六七八九十]+)条 \|([^|]*)\|([^|]*)\|([^|]*)\|([^|]*)\|([^|]*)\|$/.exec(line);
    if (!m) continue;
    const ticks = (cell: string) => new Set([...cell.matchAll(/`([^`]+)`/g)].map((x) => x[1]));
    rows.set(m[1], { elements: ticks(m[3]), jobs: ticks(m[4]), forms: ticks(m[5]), tests: [...ticks(m[6])] });
  }
  return rows;
}

describe('the diagrams', () => {
  it('are the processes of the contract, each named after its file', () => {
    expect(diagrams.map((d) => [d.file, d.processId]).sort()).toEqual([
      ['evaluation.bpmn', 'evaluation'],
      ['knowledge-review.bpmn', 'knowledge-review'],
      ['office-reports.bpmn', 'office-reports'],
      ['petition-lifecycle.bpmn', 'petition-lifecycle'],
      ['supervision.bpmn', 'supervision'],
      ['unit-assessment.bpmn', 'unit-assessment'],
      ['unit-handling.bpmn', 'unit-handling'],
    ]);
  });

  it('lint clean for Camunda 8.8 (bpmnlint recommended + camunda-compat camunda-cloud-8-8, .bpmnlintrc)', () => {
    // bpmnlint is CommonJS requiring ESM-only packages, which jest's module loader cannot do: run its CLI
    const files = diagrams.map((d) => join('processes', d.file));
    const run = spawnSync(process.execPath, [require.resolve('bpmnlint/bin/bpmnlint.js'), ...files], { cwd: root, encoding: 'utf8' });
    expect({ status: run.status, output: `${run.stdout}${run.stderr}`.trim() }).toEqual({ status: 0, output: '' });
  });

  it('name an article on every task, event and gateway that decides something', () => {
    const silent = diagrams.flatMap((d) =>
      d.elements.filter((e) => (e.jobType || e.formId || /Timer_|Task_|Call_/.test(e.ref)) && e.articles.length === 0).map((e) => e.ref),
    );
    expect(silent).toEqual([]);
  });
});

describe('docs/regulation.md', () => {
  it('has a row for every article from 第六条 to 第二十七条', () => {
    expect([...table().keys()]).toEqual(ARTICLES);
  });

  it('lists under each article every element whose documentation names it, and no element that does not exist', () => {
    const rows = table();
    const missing: string[] = [];
    const known = new Set<string>();
    for (const d of diagrams) {
      for (const e of d.elements) {
        known.add(e.ref);
        for (const a of e.articles) if (rows.has(a) && !rows.get(a)!.elements.has(e.ref)) missing.push(`第${a}条 ${e.ref}`);
      }
    }
    const stale = [...rows.entries()].flatMap(([a, r]) => [...r.elements].filter((ref) => !known.has(ref)).map((ref) => `第${a}条 ${ref}`));
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
  });

  it('names workers and forms that exist, and test files that exist', () => {
    const rows = table();
    const bad: string[] = [];
    for (const [a, r] of rows) {
      for (const j of r.jobs) if (!(jobTypes as readonly string[]).includes(j)) bad.push(`第${a}条 worker ${j}`);
      for (const f of r.forms) if (!existsSync(join(root, 'forms', `${f}.form`))) bad.push(`第${a}条 form ${f}`);
      for (const t of r.tests) if (!existsSync(join(root, t))) bad.push(`第${a}条 test ${t}`);
    }
    expect(bad).toEqual([]);
  });
});

describe('workers and forms', () => {
  it('every job type in a diagram has a worker, and every worker is used by a diagram', () => {
    const used = new Set(diagrams.flatMap((d) => d.elements.map((e) => e.jobType).filter((t): t is string => Boolean(t))));
    expect([...used].filter((t) => !(jobTypes as readonly string[]).includes(t))).toEqual([]);
    expect(jobTypes.filter((t) => !used.has(t))).toEqual([]);
  });

  it('every form id in a diagram has its file in forms/, and every form is used', () => {
    const used = new Set(diagrams.flatMap((d) => d.elements.map((e) => e.formId).filter((f): f is string => Boolean(f))));
    expect([...used].filter((f) => !existsSync(join(root, 'forms', `${f}.form`)))).toEqual([]);
    const files = readdirSync(join(root, 'forms')).filter((f) => f.endsWith('.form')).map((f) => f.replace(/\.form$/, ''));
    expect(files.filter((f) => !used.has(f))).toEqual([]);
  });
});
