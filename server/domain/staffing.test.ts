import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, expect } from '@jest/globals';
import { isUnassignable, roleForGroup, staffedGroups, unitRolesOfDiagrams } from './staffing.js';

const dir = join(process.cwd(), 'processes');
const diagrams = readdirSync(dir).filter((f) => f.endsWith('.bpmn')).map((f) => readFileSync(join(dir, f), 'utf8'));

describe('staffing', () => {
  it('reads from the diagrams that a unit needs its 承办人 for the unit tasks and its 分管领导 for OA 送签', () => {
    const needs = unitRolesOfDiagrams(diagrams);
    expect(needs.map((n) => n.role)).toEqual(['unit-handler', 'unit-leader']);
    expect(needs[0].tasks).toEqual(expect.arrayContaining(['签收或申请退回', '与诉求人沟通', '办理并起草答复']));
    expect(needs[1].tasks).toEqual(['OA送签']);
    expect(unitRolesOfDiagrams(['<bpmn:userTask id="T" name="x"><zeebe:assignmentDefinition candidateGroups="platform-reviewer" /></bpmn:userTask>'])).toEqual([]);
  });

  it('maps each candidate group to the role (and unit) that acts on it', () => {
    expect(roleForGroup('platform-intake')).toEqual({ role: 'intake-operator' });
    expect(roleForGroup('unit:u-dongjiang')).toEqual({ role: 'unit-handler', unitId: 'u-dongjiang' });
    expect(roleForGroup('unit-leader:u-dongjiang')).toEqual({ role: 'unit-leader', unitId: 'u-dongjiang' });
    expect(roleForGroup('someone-else')).toBeUndefined();
  });

  it('finds a task unassignable when no active account is in any of its groups', () => {
    const staffed = staffedGroups([
      { roles: ['unit-handler'], unitId: 'u-dongjiang', active: true },
      { roles: ['unit-leader'], unitId: 'u-dongjiang', active: false },
      { roles: ['platform-reviewer'], active: true },
    ]);
    expect(isUnassignable(['unit:u-dongjiang'], staffed)).toBe(false);
    expect(isUnassignable(['unit-leader:u-dongjiang'], staffed)).toBe(true);
    expect(isUnassignable(['unit-leader:u-dongjiang', 'platform-reviewer'], staffed)).toBe(false);
    expect(isUnassignable([], staffed)).toBe(true);
  });
});
