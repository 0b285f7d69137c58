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
import type { PublicationSource } from '../domain/publication.js';
import type { UnitInfo } from '../domain/unit-suggestion.js';
import type { PetitionDirectory, UnitDirectory, UnitRole } from '../../workers/deps.js';
import { createPetitionsRepository, type PetitionsRepository, type PetitionsRepositoryOptions } from './petitions-repository.js';
import { createUnitsRepository, personRef, type PersonRole, type UnitsRepository } from './units-repository.js';
import type { Database } from './sql.js';

export const PUBLICATION_PURPOSE = 'publication-masking';

const ROLE_OF: Record<UnitRole, PersonRole> = { contact: 'contact', leader: 'leader', head: 'head' };

export function createUnitDirectory(source: Database | UnitsRepository): UnitDirectory {
  const units = 'sequelize' in source ? createUnitsRepository(source) : source;
  return {
    async list() {
      return (await units.list()).map((u): UnitInfo => {
        const info: UnitInfo = { id: u.id, name: u.name, kind: u.kind };
        if (u.township !== null) info.township = u.township;
        if (u.duties.length) info.duties = [...u.duties];
        return info;
      });
    },
    async recipient(unitId, role) {
      const personRole = ROLE_OF[role];
      if (!personRole) return undefined;
      const person = await units.personInRole(unitId, personRole);
      return person && personRef(person.id);
    },
  };
}

export function createPetitionDirectory(source: PetitionsRepository | { db: Database; key: PetitionsRepositoryOptions['key']; clock?: PetitionsRepositoryOptions['clock'] }): PetitionDirectory {
  const petitions = 'db' in source ? createPetitionsRepository(source.db, { key: source.key, clock: source.clock }) : source;
  return {
    async setStatus(petitionId, status, tx) {
      await petitions.setStatus(petitionId, status, tx);
    },
    async getPublicationSource(petitionId): Promise<PublicationSource | undefined> {
      const petition = await petitions.get(petitionId);
      if (!petition) return undefined;
      const identity = await petitions.readIdentityAsSystem(petitionId, PUBLICATION_PURPOSE);
      if (!identity) return undefined;
      return { title: petition.title, petitionerName: identity.name, petitionerPhone: identity.phone };
    },
  };
}
