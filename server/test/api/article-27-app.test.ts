/**
 * 第二十七条 考核与通报 through the app, as staff do it, on the fake clock: two townships handle a
 * consultation each in the first quarter — 龙南镇 on time but its petitioner never rates, 东江乡 late
 * (blue and yellow warnings, 1.5 points deducted) but rated 非常满意. The platform assesses the
 * quarter: the office's decision table ranks 龙南镇 first. A process admin deploys the table with the
 * weights of 按期办结率 and 满意率 swapped through the decision editor's API; the next assessment of
 * the quarter (edition 2) ranks 东江乡 first, and the first assessment is unchanged. The 通报 Word
 * files carry the units, scores and ranks the API shows; a unit sees only its own row.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import JSZip from 'jszip';
import type request from 'supertest';
import { projectRoot } from '../../app.js';
import { createTestApp, type Person, type TestApp } from '../app-harness.js';
import { firstQuarterOfTwoTownships } from './assessment-steps.js';
import { createReportFiguresService } from '../../services/report-figures-service.js';
import { quarterPeriod } from '../../../regulation/report-period.js';
import { swappedWeights } from '../../../processes/scenarios/unit-assessment-table.js';

interface UnitRow {
  unitId: string;
  unitName: string;
  score: number | null;
  rank: number | null;
  standing: string | null;
  figures: { received: number; closed: number; closedOnTime: number; rated: number; rates: Record<string, number | null>; warnings: Record<string, number> };
}

async function documentText(res: request.Response): Promise<string> {
  expect(res.headers['content-type']).toContain('wordprocessingml');
  const zip = await JSZip.loadAsync(res.body as Buffer);
  return (await zip.file('word/document.xml')!.async('string')).replace(/<[^>]+>/g, '');
}

const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

describe('第二十七条 考核 through the HTTP API', () => {
  let h: TestApp;
  let reviewer: Person;

  beforeAll(async () => {
    h = await createTestApp({ start: '2026-03-02T01:00:00.000Z' });
    await firstQuarterOfTwoTownships(h);
    reviewer = await h.signIn('reviewer');
  }, 300_000);
  afterAll(() => h.close());

  /** an assessment of 2026 Q1 requested by the reviewer, run to its end */
  async function assess() {
    const res = await reviewer.post('/api/assessments', { period: '2026-Q1' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ period: { key: '2026-Q1', label: '2026年第一季度' }, state: 'running' });
    await h.settle();
    const done = await reviewer.get(`/api/assessments/${res.body.id}`).expect(200);
    expect(done.body.state).toBe('done');
    return done.body as { id: string; edition: number; decisionVersion: number; rankedCount: number; units: UnitRow[] };
  }

  const ranked = (units: UnitRow[]) => units.filter((u) => u.rank !== null).map((u) => [u.unitName, u.score, u.rank, u.standing]);

  it('第二十七条 考核 given two units with different records, the table ranks them; a changed table deployed ranks the next edition the other way and the first is unchanged; the 通报 carry the same units, scores and ranks', async () => {
    // when
    const first = await assess();

    // then: 龙南镇 40 (按期) + 0 (no rating) + 20 (办结) + 10 (重办 0) = 70; 东江乡 0 + 30 + 20 + 10 − 1.5 = 58.5
    expect(first.edition).toBe(1);
    expect(first.decisionVersion).toBe(1);
    expect(ranked(first.units)).toEqual([
      ['龙南镇人民政府', 70, 1, 'praise'],
      ['东江乡人民政府', 58.5, 2, 'criticism'],
    ]);
    const ln = first.units.find((u) => u.unitId === 'u-longnan')!;
    const dj = first.units.find((u) => u.unitId === 'u-dongjiang')!;
    expect(ln.figures).toMatchObject({ received: 1, closed: 1, closedOnTime: 1, rated: 0, rates: { completion: 1, onTime: 1, satisfaction: null, redo: 0 } });
    expect(dj.figures).toMatchObject({ received: 1, closed: 1, closedOnTime: 0, rated: 1, rates: { onTime: 0, satisfaction: 1 }, warnings: { blue: 1, yellow: 1, red: 0, deductionTenths: 15 } });
    // the same figures as the 季报 counts them (第二十五条): one count for both
    const report = await createReportFiguresService({ db: h.t.db, clock: h.t.clock }).figures(quarterPeriod(2026, 1));
    const FIGURES = ['received', 'accepted', 'rejected', 'closed', 'closedOnTime', 'rated', 'satisfied', 'redone', 'rates', 'warnings'] as const;
    for (const r of report.unitsRanked) {
      // with the 知识库 upkeep, none in this quarter
      expect(first.units.find((u) => u.unitId === r.key)?.figures).toEqual({ ...Object.fromEntries(FIGURES.map((k) => [k, r[k]])), knowledge: { kept: 0, lapsed: 0 } });
    }
    expect(report.unitsRanked.map((r) => r.key).sort()).toEqual(['u-dongjiang', 'u-longnan']);
    // every other member unit is listed, not ranked
    expect(first.rankedCount).toBe(2);
    expect(first.units.length).toBeGreaterThan(10);
    expect(first.units.slice(2).every((u) => u.score === null && u.rank === null)).toBe(true);

    // a process admin changes the weights in the decision editor and deploys
    const modeler = await h.signIn('modeler');
    const dmn = readFileSync(join(projectRoot, 'decisions', 'unit-assessment.dmn'), 'utf8');
    const deployed = await modeler.post('/api/decisions/unit-assessment/deployments', { xml: swappedWeights(dmn) });
    expect({ status: deployed.status, body: deployed.status === 201 ? undefined : deployed.body }).toEqual({ status: 201 });
    expect(deployed.body).toMatchObject({ decisionId: 'unit-assessment', version: 2 });

    const second = await assess();
    // 龙南镇 30 + 0 + 20 + 10 = 60; 东江乡 0 + 40 + 20 + 10 − 1.5 = 68.5
    expect(second.edition).toBe(2);
    expect(second.decisionVersion).toBe(2);
    expect(ranked(second.units)).toEqual([
      ['东江乡人民政府', 68.5, 1, 'praise'],
      ['龙南镇人民政府', 60, 2, 'praise'],
    ]);
    const again = await reviewer.get(`/api/assessments/${first.id}`).expect(200);
    expect(again.body).toEqual(first);
    const list = await reviewer.get('/api/assessments').expect(200);
    expect(list.body.map((a: { id: string; edition: number }) => [a.id, a.edition])).toEqual([
      [second.id, 2],
      [first.id, 1],
    ]);

    // the 通报 of each assessment name the units the API ranks, with their scores and ranks
    const leader = await h.signIn('leader');
    const doc = (id: string, kind: string) => leader.get(`/api/assessments/${id}/notices/${kind}`).buffer(true).parse(binary).expect(200);
    const praise1 = await documentText(await doc(first.id, 'praise'));
    expect(praise1).toContain('关于2026年第一季度网络问政办理工作表现突出单位的通报');
    expect(praise1).toContain('龙南镇人民政府:考核得分70分,排名第1位');
    expect(praise1).not.toContain('东江乡');
    const criticism1 = await documentText(await doc(first.id, 'criticism'));
    expect(criticism1).toContain('东江乡人民政府:考核得分58.5分,排名第2位');
    expect(criticism1).toContain('红黄蓝预警计扣1.5分');
    const praise2 = await documentText(await doc(second.id, 'praise'));
    expect(praise2.indexOf('东江乡人民政府:考核得分68.5分,排名第1位')).toBeGreaterThan(-1);
    expect(praise2.indexOf('龙南镇人民政府:考核得分60分,排名第2位')).toBeGreaterThan(praise2.indexOf('东江乡人民政府'));
    expect(praise2).toContain('考2号');
    expect(await documentText(await doc(second.id, 'criticism'))).toContain('本期无需通报批评的单位。');
  });

  it('第二十七条 a unit sees its own figures and rank only; the 通报 and 开展考核 are not theirs', async () => {
    const [latest] = (await reviewer.get('/api/assessments').expect(200)).body;
    const unit = await h.signIn('leader-dongjiang');
    const own = await unit.get(`/api/assessments/${latest.id}`).expect(200);
    expect(own.body).toMatchObject({ ownOnly: true, rankedCount: 2 });
    expect(own.body.units.map((u: UnitRow) => [u.unitId, u.rank])).toEqual([['u-dongjiang', 1]]);
    const page = await unit.get(`/staff/assessment/${latest.id}`).expect(200);
    expect(page.text).toContain('东江乡人民政府');
    expect(page.text).not.toContain('龙南镇人民政府');
    await unit.get(`/api/assessments/${latest.id}/notices/praise`).expect(403);
    expect((await unit.post('/api/assessments', { period: '2026-Q1' })).status).toBe(403);
  });

  it('第二十七条 the office edits the 通报 template; an unknown placeholder is refused and changes nothing; the next document uses the new words', async () => {
    const before = (await reviewer.get('/api/notice-templates/praise').expect(200)).body;
    expect(before.isDefault).toBe(true);
    const bad = await reviewer.put('/api/notice-templates/praise', { ...before.template, intro: '{{期间}}考核,{{季度}}排名如下:' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INVALID_TEMPLATE');
    expect(bad.body.error.message).toContain('未知的占位符 {{季度}}');
    expect((await reviewer.get('/api/notice-templates/praise').expect(200)).body.isDefault).toBe(true);

    const saved = await reviewer.put('/api/notice-templates/praise', { ...before.template, title: '{{期间}}问政工作先进单位通报', unitParagraph: '{{排名}}. {{单位}}({{得分}}分,按期办结率{{按期办结率}})' });
    expect(saved.status).toBe(200);
    const [latest] = (await reviewer.get('/api/assessments').expect(200)).body;
    const text = await documentText(await reviewer.get(`/api/assessments/${latest.id}/notices/praise`).buffer(true).parse(binary).expect(200));
    expect(text).toContain('2026年第一季度问政工作先进单位通报');
    expect(text).toContain('1. 东江乡人民政府(68.5分,按期办结率0.0%)');
  });

  it('第二十七条 a period that has not ended, or a bad one, is refused and starts nothing', async () => {
    const before = (await reviewer.get('/api/assessments').expect(200)).body.length;
    const open = await reviewer.post('/api/assessments', { period: '2026-Q2' });
    expect(open.status).toBe(400);
    expect(open.body.error.code).toBe('PERIOD_NOT_ENDED');
    expect((await reviewer.post('/api/assessments', { period: '2026-Q5' })).status).toBe(400);
    expect((await reviewer.post('/api/assessments', {})).status).toBe(400);
    expect((await reviewer.get('/api/assessments').expect(200)).body).toHaveLength(before);
  });
});
