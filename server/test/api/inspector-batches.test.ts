/**
 * Issue 18, batch operations through the inspector's API (SQLite and MariaDB): a process admin
 * cancels every instance a filter lists, with progress; a pause stops the batch between two pages and
 * a resume finishes it; each instance's outcome is in the batch; variables are set over a filter,
 * once; every state change of a batch is audited; bad input changes nothing; auditors read only.
 */
import { describe, it, expect, beforeAll, afterAll, afterEach } from '@jest/globals';
import { QueryTypes } from 'sequelize';
import { createTestApp, type Person, type TestApp } from '../app-harness.js';
import type { BatchService } from '../../services/batch-service.js';
import { BATCH_PROBE } from '../batch-probe.js';

/** pages wait for a permit while `held`; the test hands permits out one page at a time */
function turnstile() {
  let held = true;
  let permits = 0;
  let waiting: (() => void)[] = [];
  let arrivals = 0;
  return {
    get arrivals() {
      return arrivals;
    },
    async pass() {
      arrivals++;
      if (!held) return;
      if (permits > 0) {
        permits--;
        return;
      }
      await new Promise<void>((r) => waiting.push(r));
    },
    grant() {
      const next = waiting.shift();
      if (next) next();
      else permits++;
    },
    hold() {
      held = true;
      permits = 0;
    },
    open() {
      held = false;
      for (const w of waiting) w();
      waiting = [];
    },
  };
}

async function until(what: string, done: () => Promise<boolean> | boolean, ms = 30_000) {
  const end = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('批量操作(检查器,流程管理员)', () => {
  let h: TestApp;
  let admin: Person;
  let auditor: Person;
  const gate = turnstile();
  const count = async (sql: string, args: unknown[] = []) => Number((await h.t.db.sequelize.query<{ n: number }>(sql, { type: QueryTypes.SELECT, replacements: args }))[0].n);
  const startProbes = async (n: number, variables: Record<string, unknown> = {}) => {
    const keys: string[] = [];
    for (let i = 0; i < n; i++) keys.push((await h.t.engine.start('batch-probe', { seq: i, ...variables })).processInstanceKey);
    return keys;
  };

  beforeAll(async () => {
    h = await createTestApp({ app: { batches: { pageSize: 5, beforePage: () => gate.pass() } } });
    await h.t.engine.deploy([{ name: 'batch-probe.bpmn', content: BATCH_PROBE }]);
    admin = await h.signIn('modeler');
    auditor = await h.signIn('auditor');
  });
  // only the first test holds pages; a failure there must not hold the others
  afterEach(() => gate.open());
  afterAll(async () => {
    await (h.app.locals.batchService as BatchService).stop();
    await h.close();
  });

  it('given 12 instances of a process (one already canceled), when a process admin cancels them as a batch, then it runs a page at a time with progress, a pause stops it between pages, a resume finishes it, and each instance has its result', async () => {
    const keys = await startProbes(12);
    await h.t.engine.cancel(keys[3]);
    const audits = await count("SELECT COUNT(*) AS n FROM audit_log WHERE action LIKE 'batch.%'");

    const made = await admin.post('/api/inspector/batches', { kind: 'cancel', filter: { processId: 'batch-probe' }, reason: '流程测试数据清理' }).expect(201);
    const id = made.body.id as string;
    expect(made.body).toMatchObject({ kind: 'cancel', state: 'running', total: 12, reason: '流程测试数据清理', createdBy: expect.any(String), counts: { pending: 12, done: 0 } });

    // one page, then the runner waits before the next
    gate.grant();
    await until('the first page', async () => gate.arrivals >= 2 && (await auditor.get(`/api/inspector/batches/${id}`)).body.counts.pending === 7);
    const progress = (await auditor.get(`/api/inspector/batches/${id}`).expect(200)).body;
    // the inspector lists newest first: the first page is the five newest
    expect(progress.counts).toEqual({ pending: 7, done: 5, failed: 0, skipped: 0 });
    expect((await admin.post(`/api/inspector/batches/${id}/pause`).expect(200)).body.state).toBe('paused');
    gate.grant();
    await (h.app.locals.batchService as BatchService).idle();
    const paused = (await auditor.get(`/api/inspector/batches/${id}`).expect(200)).body;
    expect(paused).toMatchObject({ state: 'paused', counts: { pending: 7, done: 5, skipped: 0 } });
    expect((await h.t.engine.listProcessInstances({ processId: 'batch-probe', state: 'active' })).length).toBe(6);
    // pausing twice is refused
    expect((await admin.post(`/api/inspector/batches/${id}/pause`)).status).toBe(409);

    // the batch's page: progress and results for the auditor, the actions for the process admin only
    const html = { accept: 'text/html' };
    const seen = await auditor.get(`/inspector/batches/${id}`).set(html).expect(200);
    expect(seen.text).toContain('已暂停');
    expect(seen.text).toContain('完成 5 · 跳过 0 · 失败 0 · 待处理 7');
    expect(seen.text).not.toContain('/resume');
    const adminPage = await admin.get(`/inspector/batches/${id}`).set(html).expect(200);
    expect(adminPage.text).toContain(`/inspector/batches/${id}/resume`);
    expect(adminPage.text).not.toContain(`/inspector/batches/${id}/pause`);
    expect((await auditor.get('/inspector/batches').set(html).expect(200)).text).toContain(`data-batch-id="${id}" data-state="paused"`);

    // resumed from the page
    gate.open();
    const resumed = await admin.post(`/inspector/batches/${id}/resume`).set(html).expect(303);
    expect(resumed.headers.location).toBe(`/inspector/batches/${id}?done=resumed`);
    await until('the batch to finish', async () => (await auditor.get(`/api/inspector/batches/${id}`)).body.state === 'done');
    const done = (await auditor.get(`/api/inspector/batches/${id}?limit=100`).expect(200)).body;
    expect(done.counts).toEqual({ pending: 0, done: 11, failed: 0, skipped: 1 });
    expect(done.items).toHaveLength(12);
    expect(done.items.find((i: { processInstanceKey: string }) => i.processInstanceKey === keys[3])).toMatchObject({ state: 'skipped', error: '实例已取消' });
    for (const i of done.items.filter((x: { processInstanceKey: string }) => x.processInstanceKey !== keys[3])) expect(i).toMatchObject({ state: 'done', result: { canceled: true, from: 'active' }, doneAt: expect.any(String) });
    for (const k of keys) expect((await h.t.engine.getProcessInstance(k))?.state).toBe('canceled');
    // each instance canceled once
    for (const k of keys) expect((await h.t.engine.getHistory(k)).filter((e) => e.elementType === 'bpmn:Process' && e.event === 'canceled')).toHaveLength(1);
    expect((await auditor.get(`/api/inspector/batches/${id}?state=skipped`).expect(200)).body.items).toHaveLength(1);

    // one audit entry per state change
    const actions = await h.t.db.sequelize.query<{ action: string; detail: string }>("SELECT action, detail FROM audit_log WHERE action LIKE 'batch.%' ORDER BY id", { type: QueryTypes.SELECT });
    expect(actions.slice(audits).map((a) => a.action)).toEqual(['batch.created', 'batch.paused', 'batch.resumed', 'batch.done']);
    expect(JSON.parse(actions[audits].detail)).toMatchObject({ batchId: id, kind: 'cancel', total: 12, reason: '流程测试数据清理' });
    expect(JSON.parse(actions[audits + 3].detail)).toMatchObject({ batchId: id, done: 11, skipped: 1, failed: 0 });

    expect((await auditor.get('/api/inspector/batches').expect(200)).body[0]).toMatchObject({ id, state: 'done', total: 12 });
    const skippedPage = await auditor.get(`/inspector/batches/${id}?state=skipped`).set(html).expect(200);
    expect(skippedPage.text).toContain(keys[3]);
    expect(skippedPage.text).toContain('实例已取消');
    // a finished batch cannot be canceled
    expect((await admin.post(`/api/inspector/batches/${id}/cancel`)).status).toBe(409);
  });

  it('given running instances, when variables are set over a filter, then each instance has them, the one that already had them is not written again, and the engine records one change per instance', async () => {
    const keys = await startProbes(3, { priority: 'normal' });
    await h.t.engine.setVariables(keys[1], { priority: 'urgent' });
    const made = await admin.post('/api/inspector/batches', { kind: 'set-variables', filter: { processId: 'batch-probe', state: 'active' }, params: { variables: { priority: 'urgent' } }, reason: '统一改为加急' }).expect(201);
    expect(made.body.total).toBe(3);
    await until('the batch to finish', async () => (await auditor.get(`/api/inspector/batches/${made.body.id}`)).body.state === 'done');
    const done = (await auditor.get(`/api/inspector/batches/${made.body.id}`).expect(200)).body;
    expect(done.counts).toEqual({ pending: 0, done: 3, failed: 0, skipped: 0 });
    expect(done.items.find((i: { processInstanceKey: string }) => i.processInstanceKey === keys[1]).result).toEqual({ names: ['priority'], alreadySet: true });
    expect(done.items.find((i: { processInstanceKey: string }) => i.processInstanceKey === keys[0]).result).toEqual({ names: ['priority'], before: { priority: 'normal' } });
    for (const k of keys) {
      expect((await h.t.engine.getProcessInstance(k))?.variables.priority).toBe('urgent');
      expect((await h.t.engine.getHistory(k)).filter((e) => e.event === 'variables-updated')).toHaveLength(1);
    }
  });

  it('given a batch held before its first page, when the process admin cancels it, then every item is skipped and no instance changes', async () => {
    gate.hold();
    const keys = await startProbes(3);
    const active = (await h.t.engine.listProcessInstances({ processId: 'batch-probe', state: 'active' })).length;
    const made = await admin.post('/api/inspector/batches', { kind: 'cancel', filter: { processId: 'batch-probe', state: 'active' }, reason: '撤回' }).expect(201);
    expect((await admin.post(`/api/inspector/batches/${made.body.id}/cancel`).expect(200)).body.state).toBe('canceled');
    gate.open();
    await (h.app.locals.batchService as BatchService).idle();
    const b = (await auditor.get(`/api/inspector/batches/${made.body.id}`).expect(200)).body;
    expect(b).toMatchObject({ state: 'canceled', total: active, counts: { pending: 0, done: 0, failed: 0, skipped: active }, endedAt: expect.any(String) });
    expect(b.items[0]).toMatchObject({ state: 'skipped', error: '批量操作已取消' });
    for (const k of keys) expect((await h.t.engine.getProcessInstance(k))?.state).toBe('active');
    expect((await admin.post(`/api/inspector/batches/${made.body.id}/resume`)).status).toBe(409);
  });

  it('given a new version of the process, when a process admin migrates its running instances as a batch, then each is checked first: without a mapping each is skipped with why; with it each moves, its timer re-armed from when it was entered', async () => {
    const v2 = BATCH_PROBE.replace(/id="Wait"/, 'id="Pause"').replace('targetRef="Wait"', 'targetRef="Pause"').replace('sourceRef="Wait"', 'sourceRef="Pause"').replace('P30D', 'P10D');
    await startProbes(2);
    const [target] = (await h.t.engine.deploy([{ name: 'batch-probe.bpmn', content: v2 }])).processes;
    const targetKey = target.processDefinitionKey;
    const filter = { processId: 'batch-probe', version: '1', state: 'active' };

    // no mapping: the renamed element has no target; every instance is skipped with the reason, none moves
    const refused = await admin.post('/api/inspector/batches', { kind: 'migrate', filter, params: { targetProcessDefinitionKey: targetKey }, reason: '改为等待十天' }).expect(201);
    await until('the first batch to finish', async () => (await auditor.get(`/api/inspector/batches/${refused.body.id}`)).body.state === 'done');
    const r = (await auditor.get(`/api/inspector/batches/${refused.body.id}`).expect(200)).body;
    expect(r.counts).toEqual({ pending: 0, done: 0, failed: 0, skipped: r.total });
    expect(r.items[0].result.problems[0]).toMatchObject({ code: 'UNMAPPED_ELEMENT', elementId: 'Wait' });

    // with the mapping: every instance moves; the timer counts ten days from when it was entered
    const made = await admin.post('/api/inspector/batches', { kind: 'migrate', filter, params: { targetProcessDefinitionKey: targetKey, mapping: [{ sourceElementId: 'Wait', targetElementId: 'Pause' }] }, reason: '改为等待十天' }).expect(201);
    await until('the batch to finish', async () => (await auditor.get(`/api/inspector/batches/${made.body.id}`)).body.state === 'done');
    const b = (await auditor.get(`/api/inspector/batches/${made.body.id}`).expect(200)).body;
    expect(b.counts).toEqual({ pending: 0, done: b.total, failed: 0, skipped: 0 });
    expect((await h.t.engine.listProcessInstances({ processId: 'batch-probe', version: 1, state: 'active' })).length).toBe(0);
    const moved = await h.t.engine.listProcessInstances({ processId: 'batch-probe', version: 2, state: 'active' });
    expect(moved).toHaveLength(b.total);
    for (const i of moved) expect((await h.t.engine.listTimers(i.processInstanceKey))[0]).toMatchObject({ elementId: 'Pause', dueAt: new Date(i.startedAt.getTime() + 10 * 86_400_000) });
    // a target that does not exist is refused before anything is stored
    expect((await admin.post('/api/inspector/batches', { kind: 'migrate', filter, params: { targetProcessDefinitionKey: 'nope' }, reason: '测试' })).status).toBe(400);
  });

  it('given bad input, when a batch is asked for, then 400 and nothing is stored; an auditor cannot start or change one', async () => {
    const before = { batches: await count('SELECT COUNT(*) AS n FROM operation_batches'), audit: await count('SELECT COUNT(*) AS n FROM audit_log') };
    const bad = [
      { kind: 'explode', filter: { processId: 'batch-probe' }, reason: '测试' },
      { kind: 'cancel', filter: { processId: 'batch-probe' } },
      { kind: 'cancel', filter: { processId: 'batch-probe' }, reason: '   ' },
      { kind: 'cancel', filter: { state: 'sleeping' }, reason: '测试' },
      { kind: 'cancel', filter: { page: '2' }, reason: '测试' },
      { kind: 'cancel', filter: 'all', reason: '测试' },
      { kind: 'cancel', filter: { processId: 'no-such-process' }, reason: '测试' },
      { kind: 'cancel', filter: { processId: 'batch-probe' }, params: { force: true }, reason: '测试' },
      { kind: 'set-variables', filter: { processId: 'batch-probe' }, params: { variables: {} }, reason: '测试' },
      { kind: 'set-variables', filter: { processId: 'batch-probe' }, params: { variables: { '1bad name': 1 } }, reason: '测试' },
      { kind: 'cancel', filter: { processId: 'batch-probe' }, reason: '联系人电话 13900001111' },
    ];
    for (const body of bad) {
      const res = await admin.post('/api/inspector/batches', body);
      expect([res.status, res.body.error?.code, JSON.stringify(body)]).toEqual([400, 'INVALID_INPUT', JSON.stringify(body)]);
    }
    expect((await auditor.post('/api/inspector/batches', { kind: 'cancel', filter: { processId: 'batch-probe' }, reason: '测试' })).status).toBe(403);
    const any = (await auditor.get('/api/inspector/batches').expect(200)).body[0].id;
    expect((await auditor.post(`/api/inspector/batches/${any}/pause`)).status).toBe(403);
    expect((await admin.get('/api/inspector/batches/no-such-batch')).status).toBe(404);
    expect((await admin.get(`/api/inspector/batches/${any}?state=weird`)).status).toBe(400);
    expect(await count('SELECT COUNT(*) AS n FROM operation_batches')).toBe(before.batches);
    expect(await count('SELECT COUNT(*) AS n FROM audit_log')).toBe(before.audit);
  });
});
