/**
 * Who a notification goes to, as outbox recipients. Never an address or a name:
 * - the petitioner: the petition id (the channel looks the phone up in the encrypted store);
 * - a unit's 责任人 / 分管领导 / 主要领导: the unit directory's reference of that person (a staff
 *   account id); when the unit has nobody recorded in the role, `unit:<unitId>` (the unit as a whole)
 *   and a warning in the log — the notification is still queued, the process is not held up;
 * - the co-handling units of a joint matter (`co-units`, 第十二条): one row per unit in `coUnitIds`,
 *   to its 责任人;
 * - the platform office, the inspection office and the city's leaders: their names.
 */
import { RECIPIENT_KINDS, type RecipientKind } from '../regulation/templates.js';
import { requireId, VariableError, type Vars } from '../regulation/variables.js';
import type { UnitDirectory, UnitInfo, UnitRole, WorkerLogger } from './deps.js';

/** the `to` header of `notify`: a recipient kind, or every co-handling unit */
export const NOTIFY_TARGETS = [...RECIPIENT_KINDS, 'co-units'] as const;
export type NotifyTarget = (typeof NOTIFY_TARGETS)[number];

export const ROLE_OF: Record<'unit-contact' | 'unit-leader' | 'unit-head', UnitRole> = { 'unit-contact': 'contact', 'unit-leader': 'leader', 'unit-head': 'head' };

export interface Recipient {
  recipientKind: RecipientKind;
  recipientRef: string;
  /** the unit a unit recipient belongs to */
  unit?: UnitInfo;
}

export async function findUnit(units: UnitDirectory, unitId: string, list?: UnitInfo[]): Promise<UnitInfo> {
  const unit = (list ?? (await units.list())).find((u) => u.id === unitId);
  if (!unit) throw new VariableError(`unit "${unitId}" is not in the unit directory`);
  return unit;
}

/** a unit's person in a role, as an outbox recipient */
export async function unitRecipient(
  kind: 'unit-contact' | 'unit-leader' | 'unit-head',
  unit: UnitInfo,
  deps: { units: UnitDirectory; logger: WorkerLogger },
): Promise<Recipient> {
  const role = ROLE_OF[kind];
  const ref = await deps.units.recipient(unit.id, role);
  if (ref === undefined) {
    deps.logger.warn({ unitId: unit.id, role }, 'the unit has nobody recorded in this role (第五条): addressed to the unit as a whole');
  }
  return { recipientKind: kind, recipientRef: ref ?? `unit:${unit.id}`, unit };
}

export async function recipientsFor(target: NotifyTarget, variables: Vars, deps: { units: UnitDirectory; logger: WorkerLogger }): Promise<Recipient[]> {
  switch (target) {
    case 'petitioner':
      return [{ recipientKind: target, recipientRef: requireId(variables, 'petitionId') }];
    case 'platform':
    case 'inspection-office':
    case 'city-leaders':
      return [{ recipientKind: target, recipientRef: target }];
    case 'unit-contact':
    case 'unit-leader':
    case 'unit-head':
      return [await unitRecipient(target, await findUnit(deps.units, requireId(variables, 'unitId')), deps)];
    case 'co-units': {
      const ids = variables.coUnitIds;
      if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string' && id.trim() !== '')) {
        throw new VariableError(`variable "coUnitIds" must be a non-empty list of unit ids (got ${JSON.stringify(ids) ?? 'nothing'})`);
      }
      const list = await deps.units.list();
      const out: Recipient[] = [];
      for (const id of [...new Set(ids as string[])]) out.push(await unitRecipient('unit-contact', await findUnit(deps.units, id, list), deps));
      return out;
    }
    default:
      throw new VariableError(`unknown recipient ${JSON.stringify(target)}`);
  }
}
