/**
 * The real directories the job workers use (workers/deps.ts), over the app's tables:
 *
 * - `UnitDirectory`: the active member units as `UnitInfo` (for `suggest-unit` and the notification
 *   recipients), and `recipient(unitId, role)` — the stable reference `unit-person:<id>` of the unit's
 *   责任人 (`contact`), 分管领导 (`leader`) or 主要领导 (`head`): the first person recorded in that role.
 *   A reference, never a phone or a name: the channel that sends looks the person up
 *   (`UnitsRepository.resolvePersonRef`) when it sends.
 * - `PetitionDirectory`: `setStatus` (what the petitioner sees when tracking) and
 *   `getPublicationSource` — the title and the decrypted name and phone a publication must mask, a
 *   read of identity logged as staff `system` with purpose `publication-masking`.
 */
import { createPetitionMergesRepository, type PetitionMergesRepository } from './petition-merges-repository.js';
import type { PublicationSource } from '../../regulation/publication.js';
import type { UnitInfo } from '../../regulation/unit-suggestion.js';
import type { PetitionDirectory, UnitDirectory, UnitRole } from '../../workers/deps.js';
import { createPetitionsRepository, type PetitionsRepository, type PetitionsRepositoryOptions } from './petitions-repository.js';
import { createUnitsRepository, personRef, type PersonRole, type UnitsRepository } from './units-repository.js';
import type { Database } from './sql.js';

export const PUBLICATION_PURPOSE = 'publication-masking';

const ROLE_OF: Record<UnitRole, PersonRole> = { contact: 'contact', leader: 'leader', head: 'head' };

export function createUnitDirectory(source: Database | UnitsRepository): UnitDirectory {
  const units = 'sequelize' in source ? createUnitsRepository(source) : source;
  // several jobs of one case read the member units within a second (routing, notifications): one
  // read serves them; an admin's change applies to the jobs after LIST_TTL_MS
  let cached: { at: number; list: Promise<UnitInfo[]> } | undefined;
  return {
    list() {
      const now = Date.now();
      if (!cached || now - cached.at >= LIST_TTL_MS) {
        const list = readUnits();
        cached = { at: now, list };
        list.catch(() => (cached = undefined));
      }
      return cached.list.then((l) => l.map((u) => ({ ...u, ...(u.duties && { duties: [...u.duties] }) })));
    },
    async recipient(unitId, role) {
      const personRole = ROLE_OF[role];
      if (!personRole) return undefined;
      const person = await units.personInRole(unitId, personRole);
      return person && personRef(person.id);
    },
  };

  async function readUnits(): Promise<UnitInfo[]> {
    return (await units.list()).map((u): UnitInfo => {
      const info: UnitInfo = { id: u.id, name: u.name, kind: u.kind };
      if (u.township !== null) info.township = u.township;
      if (u.duties.length) info.duties = [...u.duties];
      return info;
    });
  }
}

/** how long the member units read for the jobs are reused */
const LIST_TTL_MS = 1_000;

/** the app's PetitionDirectory: the identity read of a publication logged as `actor` when given (a remote worker's credential) */
export interface AppPetitionDirectory extends PetitionDirectory {
  getPublicationSource(petitionId: string, actor?: string): Promise<PublicationSource | undefined>;
}

/** `merges` (归并): whose petitioners are told with the kept case's (given the database, read from it) */
export function createPetitionDirectory(
  source: PetitionsRepository | { db: Database; key: PetitionsRepositoryOptions['key']; clock?: PetitionsRepositoryOptions['clock'] },
  mergesRepository?: PetitionMergesRepository,
): AppPetitionDirectory {
  const petitions = 'db' in source ? createPetitionsRepository(source.db, { key: source.key, clock: source.clock }) : source;
  const merges = mergesRepository ?? ('db' in source ? createPetitionMergesRepository(source.db) : undefined);
  return {
    async setStatus(petitionId, status, tx, context) {
      await petitions.setStatus(petitionId, status, tx, context);
    },
    async getPublicationSource(petitionId, actor): Promise<PublicationSource | undefined> {
      const petition = await petitions.get(petitionId);
      if (!petition) return undefined;
      const identity = await petitions.readIdentityAsSystem(petitionId, PUBLICATION_PURPOSE, actor);
      if (!identity) return undefined;
      return { title: petition.title, petitionerName: identity.name, petitionerPhone: identity.phone };
    },
    async mergedFrom(petitionId, tx) {
      if (!merges) return [];
      return (await merges.mergedFrom(petitionId, tx)).map((p) => ({ petitionId: p.id, trackingCode: p.trackingCode }));
    },
  };
}
