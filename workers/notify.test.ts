import { describe, it, expect } from '@jest/globals';
import { createNotify } from './notify.js';
import { createTestDeps, InMemoryUnitDirectory, jobContext, TEST_UNITS } from './testing/in-memory.js';
import { renderTemplate } from '../regulation/templates.js';

const vars = { petitionId: 'p1', trackingCode: 'LN2603020001', unitId: 'u-longnan', category: 'complaint', finishDueAt: '2026-03-09T16:00:00.000Z' };

describe('notify', () => {
  it('queues one outbox row for the petitioner, addressed by petition id, with the tracking code', async () => {
    const deps = createTestDeps();
    const out = await createNotify(deps)(vars, jobContext('notify', { template: 'petition-received', to: 'petitioner' }, 'job-42'));
    expect(out).toBeUndefined();
    expect(deps.outbox.entries).toEqual([
      {
        id: 1,
        channel: 'sms',
        recipientKind: 'petitioner',
        recipientRef: 'p1',
        template: 'petition-received',
        payload: { petitionId: 'p1', trackingCode: 'LN2603020001' },
        dedupeKey: 'notify:job-42',
      },
    ]);
  });

  it('sends the evaluation link with the reply', async () => {
    const deps = createTestDeps();
    await createNotify(deps)(vars, jobContext('notify', { template: 'reply-ready', to: 'petitioner' }));
    const row = deps.outbox.entries[0];
    expect(row.payload.ratingUrl).toBe('https://wz.example.gov.cn/rate/LN2603020001');
    expect(renderTemplate(row.template, row.payload)).toContain('https://wz.example.gov.cn/rate/LN2603020001');
  });

  it('tells every petitioner merged into the case too (归并), each with their own code and rating link, once per job', async () => {
    const deps = createTestDeps();
    deps.petitions.merged.set('p1', [{ petitionId: 'p2', trackingCode: 'WZ22222222' }]);
    const notify = createNotify(deps);
    await notify(vars, jobContext('notify', { template: 'reply-ready', to: 'petitioner' }, 'job-7'));
    await notify(vars, jobContext('notify', { template: 'reply-ready', to: 'petitioner' }, 'job-7'));
    expect(deps.outbox.entries.map((e) => [e.recipientRef, e.payload, e.dedupeKey])).toEqual([
      ['p1', { petitionId: 'p1', trackingCode: 'LN2603020001', ratingUrl: 'https://wz.example.gov.cn/rate/LN2603020001' }, 'notify:job-7'],
      ['p2', { petitionId: 'p2', trackingCode: 'WZ22222222', ratingUrl: 'https://wz.example.gov.cn/rate/WZ22222222' }, 'notify:job-7:merged:p2'],
    ]);
    // units are told once, for the kept case
    await notify({ ...vars, redoDueAt: '2026-03-16T16:00:00.000Z' }, jobContext('notify', { template: 'redo-overdue', to: 'unit-leader' }, 'job-8'));
    expect(deps.outbox.entries.filter((e) => e.dedupeKey.startsWith('notify:job-8'))).toHaveLength(1);
  });

  it('tells a rejected petitioner the 第八条 reason, and the number to call for item 二', async () => {
    const deps = createTestDeps();
    await createNotify(deps)({ ...vars, inScope: false, outOfScopeItem: '二', emergencyNumber: '120' }, jobContext('notify', { template: 'petition-rejected', to: 'petitioner' }));
    const row = deps.outbox.entries[0];
    expect(row.payload).toEqual({ petitionId: 'p1', trackingCode: 'LN2603020001', outOfScopeItem: '二', emergencyNumber: '120' });
    expect(renderTemplate(row.template, row.payload)).toContain('请拨打 120。');
  });

  it('addresses a unit\'s person by unit id and role, and never copies identity into the payload', async () => {
    const deps = createTestDeps();
    await createNotify(deps)(
      { ...vars, petitionerName: '张三', petitionerPhone: '13812345678', redoDueAt: '2026-03-16T16:00:00.000Z' },
      jobContext('notify', { template: 'redo-requested', to: 'unit-leader' }),
    );
    const row = deps.outbox.entries[0];
    expect(row).toMatchObject({ channel: 'sms', recipientKind: 'unit-leader', recipientRef: 'leader-of-u-longnan' });
    expect(row.payload).toEqual({ petitionId: 'p1', trackingCode: 'LN2603020001', redoDueAt: '2026-03-16T16:00:00.000Z' });
    expect(JSON.stringify(row)).not.toMatch(/张三|13812345678/);
  });

  it('sends to the offices by name, through the header channel when one is given', async () => {
    const deps = createTestDeps();
    await createNotify(deps)(vars, jobContext('notify', { template: 'delay-explained', to: 'platform' }));
    await createNotify(deps)(vars, jobContext('notify', { template: 'major-matter-report', to: 'platform', channel: 'wechat' }));
    expect(deps.outbox.entries.map((e) => [e.channel, e.recipientKind, e.recipientRef])).toEqual([
      ['email', 'platform', 'platform'],
      ['wechat', 'platform', 'platform'],
    ]);
  });

  it('tells every co-handling unit of a joint matter (第十二条), once each, naming the lead unit', async () => {
    const deps = createTestDeps();
    const handler = createNotify(deps);
    const joint = { ...vars, jointMode: 'joint', coUnitIds: ['u-market', 'u-water', 'u-market'] };
    const ctx = jobContext('notify', { template: 'case-joint', to: 'co-units' }, 'job-joint');
    await handler(joint, ctx);
    await handler(joint, ctx);
    expect(deps.outbox.entries.map((e) => [e.recipientKind, e.recipientRef, e.dedupeKey])).toEqual([
      ['unit-contact', 'contact-of-u-market', 'notify:job-joint:u-market'],
      ['unit-contact', 'contact-of-u-water', 'notify:job-joint:u-water'],
    ]);
    expect(renderTemplate('case-joint', deps.outbox.entries[0].payload)).toBe(
      '【龙南问政】事项(查询码 LN2603020001)涉及多个单位职责,由龙南镇人民政府牵头办理,贵单位为协办单位,请配合共同办理(第十二条)。',
    );
    await expect(handler({ ...vars, coUnitIds: [] }, jobContext('notify', { template: 'case-joint', to: 'co-units' }))).rejects.toThrow(
      'variable "coUnitIds" must be a non-empty list of unit ids',
    );
  });

  it('a 督办 opened without a tracking code names the petition instead', async () => {
    const deps = createTestDeps();
    await createNotify(deps)({ petitionId: 'P-HOT', unitId: 'u-market', supervisionTrigger: '二' }, jobContext('notify', { template: 'supervision-sms', to: 'unit-leader' }));
    const row = deps.outbox.entries[0];
    expect(renderTemplate(row.template, row.payload)).toBe('【龙南问政】【督办】事项(编号 P-HOT)已列为督办事项,请分管领导督促,在 2 个工作日内办结(第二十四条(一))。');
  });

  it('a retried job adds no second row', async () => {
    const deps = createTestDeps();
    const handler = createNotify(deps);
    const ctx = jobContext('notify', { template: 'petition-received', to: 'petitioner' }, 'job-7');
    await handler(vars, ctx);
    await handler(vars, ctx);
    expect(deps.outbox.entries).toHaveLength(1);
  });

  it('queues anyway, to the unit as a whole and with a warning, when the unit has nobody in that role', async () => {
    const deps = createTestDeps();
    deps.units = new InMemoryUnitDirectory(TEST_UNITS, new Map([['u-longnan:contact', 'staff-1']]));
    await createNotify(deps)({ ...vars, firstStepDueAt: '2026-03-04T16:00:00.000Z' }, jobContext('notify', { template: 'first-step-overdue', to: 'unit-head' }));
    await createNotify(deps)({ ...vars, firstStepDueAt: '2026-03-04T16:00:00.000Z' }, jobContext('notify', { template: 'first-step-overdue', to: 'unit-contact' }));
    expect(deps.outbox.entries.map((e) => [e.recipientKind, e.recipientRef])).toEqual([
      ['unit-head', 'unit:u-longnan'],
      ['unit-contact', 'staff-1'],
    ]);
    expect(deps.logger.entries.some((e) => e.level === 'warn' && (e.obj as any).role === 'head')).toBe(true);
  });

  it('fails on a bad header, a missing field, an unknown unit, or an object where text is needed', async () => {
    const deps = createTestDeps();
    const handler = createNotify(deps);
    await expect(handler(vars, jobContext('notify', { to: 'petitioner' }))).rejects.toThrow('notify: task header "template" is missing');
    await expect(handler(vars, jobContext('notify', { template: 'hello', to: 'petitioner' }))).rejects.toThrow('notify: unknown notification template "hello"');
    await expect(handler(vars, jobContext('notify', { template: 'petition-received', to: 'mayor' }))).rejects.toThrow(
      'task header "to" must be one of petitioner, unit-contact, unit-leader, unit-head, platform, inspection-office, city-leaders, co-units',
    );
    await expect(handler({ ...vars, trackingCode: undefined }, jobContext('notify', { template: 'reply-ready', to: 'petitioner' }))).rejects.toThrow(
      'template reply-ready needs the variable(s) trackingCode, ratingUrl',
    );
    await expect(handler(vars, jobContext('notify', { template: 'petition-received', to: 'petitioner', channel: 'fax' }))).rejects.toThrow('task header "channel" must be one of');
    await expect(handler(vars, jobContext('notify', { template: 'redo-requested', to: 'unit-contact' }))).rejects.toThrow('notify: template redo-requested needs the variable(s) redoDueAt');
    await expect(handler({ ...vars, unitId: 'u-nowhere' }, jobContext('notify', { template: 'return-approved', to: 'unit-contact' }))).rejects.toThrow('unit "u-nowhere" is not in the unit directory');
    await expect(handler({ ...vars, trackingCode: { code: 1 } }, jobContext('notify', { template: 'petition-received', to: 'petitioner' }))).rejects.toThrow('variable "trackingCode" must be text');
    await expect(handler({ trackingCode: 'x' }, jobContext('notify', { template: 'petition-received', to: 'petitioner' }))).rejects.toThrow('variable "petitionId" must be an id');
    expect(deps.outbox.entries).toHaveLength(0);
  });
});
