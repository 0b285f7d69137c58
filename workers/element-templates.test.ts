/**
 * The modeler's element templates name every worker and offer, as dropdowns, exactly what the
 * workers accept: every notification template (each with a Chinese name), every recipient, stage,
 * warning level and petition status.
 */
import { describe, it, expect } from '@jest/globals';
import { STAGES } from '../regulation/deadlines.js';
import { PETITION_STATUS_LABELS } from '../regulation/petition-status.js';
import { TEMPLATE_IDS } from '../regulation/templates.js';
import { WARNING_LEVELS } from '../regulation/warnings.js';
import { elementTemplates, NOTIFICATION_LABELS } from './element-templates.js';
import { NOTIFY_TARGETS } from './recipients.js';
import { jobTypes } from './registry.js';

const choices = (type: string, key: string) => {
  const t = elementTemplates().find((x) => x.id === `wenzheng.${type}`);
  const p = t?.properties.find((x: any) => x.binding.type === 'zeebe:taskHeader' && x.binding.key === key) as { choices: { name: string; value: string }[] } | undefined;
  return p?.choices ?? [];
};

describe('the element templates of the workers', () => {
  it('given the registry, then each job type has one template, bound to its job type, with a Chinese name', () => {
    const all = elementTemplates();
    expect(all.map((t) => t.properties.find((p: any) => p.binding.property === 'type')?.value)).toEqual([...jobTypes]);
    for (const t of all) expect(t.name).toMatch(/[\u4e00-\u9fa5]/);
  });

  it('given the dropdowns, then they offer exactly what the workers accept', () => {
    expect(choices('notify', 'template').map((c) => c.value)).toEqual(TEMPLATE_IDS);
    for (const id of TEMPLATE_IDS) expect(NOTIFICATION_LABELS[id]).toMatch(/[\u4e00-\u9fa5]/);
    // a template that needs variables says so in its name
    expect(choices('notify', 'template').find((c) => c.value === 'warning-blue')?.name).toContain('需变量 finishDueAt、overdueDays、deductionTenths');
    expect(choices('notify', 'to').map((c) => c.value)).toEqual([...NOTIFY_TARGETS]);
    expect(choices('compute-deadlines', 'stage').map((c) => c.value)).toEqual([...STAGES]);
    expect(choices('raise-warning', 'level').map((c) => c.value)).toEqual([...WARNING_LEVELS]);
    expect(choices('set-petition-status', 'status').map((c) => c.value)).toEqual(Object.keys(PETITION_STATUS_LABELS));
  });
});
