import { describe, it, expect } from '@jest/globals';
import { candidateGroupsFor, checkRoles, hasIdentityRole, mayActOn, ROLE_IDS, ROLE_LABELS, RoleError, unitGroup, unitLeaderGroup } from './roles.js';

describe('roles', () => {
  it('lists the eight roles with Chinese labels', () => {
    expect(ROLE_IDS).toEqual(['intake-operator', 'platform-reviewer', 'unit-handler', 'unit-leader', 'city-leader', 'auditor', 'process-admin', 'admin']);
    for (const r of ROLE_IDS) expect(ROLE_LABELS[r]).toMatch(/^[\u4e00-\u9fa5]+$/);
  });

  it('gives each role the candidate groups the diagrams use', () => {
    expect(candidateGroupsFor({ roles: ['intake-operator'] })).toEqual(['platform-intake']);
    expect(candidateGroupsFor({ roles: ['platform-reviewer'] })).toEqual(['platform-reviewer']);
    expect(candidateGroupsFor({ roles: ['city-leader'] })).toEqual(['city-leader']);
    expect(candidateGroupsFor({ roles: ['unit-handler'], unitId: 'u-longnan' })).toEqual(['unit:u-longnan']);
    expect(candidateGroupsFor({ roles: ['unit-leader'], unitId: 'u-longnan' })).toEqual(['unit-leader:u-longnan']);
    expect(candidateGroupsFor({ roles: ['unit-handler', 'unit-leader'], unitId: 'u-market' })).toEqual([unitGroup('u-market'), unitLeaderGroup('u-market')]);
    for (const r of ['auditor', 'process-admin', 'admin']) expect(candidateGroupsFor({ roles: [r] })).toEqual([]);
    // a unit role without a unit acts on nothing
    expect(candidateGroupsFor({ roles: ['unit-handler'] })).toEqual([]);
    expect(candidateGroupsFor({ roles: ['unit-handler'], unitId: 'bad:id' })).toEqual([]);
  });

  it('lets a unit act on its own unit’s tasks only', () => {
    const a = { roles: ['unit-handler'], unitId: 'u-longnan' };
    expect(mayActOn(a, ['unit:u-longnan'])).toBe(true);
    expect(mayActOn(a, ['unit:u-dongjiang'])).toBe(false);
    expect(mayActOn(a, ['unit-leader:u-longnan'])).toBe(false);
    expect(mayActOn({ roles: ['auditor'] }, ['platform-reviewer'])).toBe(false);
  });

  it('checks the roles of an account', () => {
    expect(checkRoles(['unit-leader', 'unit-handler'], 'u-longnan')).toEqual(['unit-handler', 'unit-leader']);
    expect(() => checkRoles([], null)).toThrow(RoleError);
    expect(() => checkRoles(['boss'], null)).toThrow(/unknown role "boss"/);
    expect(() => checkRoles(['auditor', 'auditor'], null)).toThrow(/repeat/);
    expect(() => checkRoles(['unit-handler'], null)).toThrow(/needs the account's unit/);
    expect(checkRoles(['admin', 'auditor'], null)).toEqual(['auditor', 'admin']);
  });

  it('gives identity by role to the platform office only', () => {
    expect(hasIdentityRole(['intake-operator'])).toBe(true);
    expect(hasIdentityRole(['platform-reviewer'])).toBe(true);
    for (const r of ['unit-handler', 'unit-leader', 'city-leader', 'auditor', 'process-admin', 'admin']) expect(hasIdentityRole([r])).toBe(false);
  });
});
