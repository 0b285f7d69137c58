/**
 * Deployed DMN decisions: their versions (engine_decisions, the XML once per deployed resource in
 * engine_decisions_requirements), the compiled resource cached per version, the decision a
 * business-rule task calls (the latest version at the time, Zeebe's default binding), evaluation
 * through the port, and the admin pages' reads.
 */
import { InvalidArgumentError, NotFoundError } from '../errors.js';
import type { DecisionDefinition, DecisionEvaluation, DeployedDecision, Variables } from '../port.js';
import { assertName, assertVariables } from './checks.js';
import type { Core } from './core.js';
import type { Ctx } from './ctx.js';
import { DecisionError, evaluateDecision as evaluateParsed, parseDmn, type ParsedDmn } from './dmn.js';
import { newKey } from './keys.js';
import type { DecisionOutcome, DecisionWait } from './run-types.js';
import { decisionFromRow, type DecisionRow, type Tx, whereOf } from './store/store.js';

/** the compiled resource a decision version came from (cached: a version never changes) */
function resourceOf(core: Core, row: Pick<DecisionRow, 'requirements_key'>, tx?: Tx): Promise<ParsedDmn> {
  let parsed = core.decisionResources.get(row.requirements_key);
  if (!parsed) {
    parsed = (async () => {
      const r = await core.store.one<{ resource_name: string; xml: string }>('SELECT resource_name, xml FROM engine_decisions_requirements WHERE id = ?', [row.requirements_key], tx);
      if (!r) throw new NotFoundError(`decision resource ${row.requirements_key} not found`);
      return parseDmn(r.resource_name, r.xml);
    })();
    parsed.catch(() => core.decisionResources.delete(row.requirements_key));
    core.decisionResources.set(row.requirements_key, parsed);
  }
  return parsed;
}

function latestRow(core: Core, decisionId: string, tx?: Tx) {
  return core.store.one<DecisionRow>('SELECT * FROM engine_decisions WHERE decision_id = ? ORDER BY version DESC LIMIT 1', [decisionId], tx);
}

/**
 * Save the decisions of parsed DMN resources in the deployment's transaction: a resource identical
 * to the one the latest versions of its decisions came from is a duplicate; any other makes a new
 * version of each decision in it.
 */
export async function saveDecisions(core: Core, ctx: Ctx, resources: ParsedDmn[], deploymentId: string, now: number): Promise<DeployedDecision[]> {
  const out: DeployedDecision[] = [];
  for (const dmn of resources) {
    const latest = new Map<string, DecisionRow | undefined>();
    for (const id of dmn.decisions.keys()) latest.set(id, await latestRow(core, id, ctx.tx));
    const duplicate = [...latest.values()].every((row) => row?.checksum === dmn.checksum);
    if (duplicate) {
      for (const [id, row] of latest) {
        out.push({ decisionId: id, name: row!.name ?? id, version: row!.version, decisionKey: row!.id, decisionRequirementsId: row!.requirements_id, resourceName: dmn.resourceName, duplicate: true });
      }
      continue;
    }
    const requirementsKey = newKey();
    await core.store.insert(
      'engine_decisions_requirements',
      { id: requirementsKey, requirements_id: dmn.requirementsId, name: dmn.requirementsName, resource_name: dmn.resourceName, checksum: dmn.checksum, xml: dmn.xml, deployment_id: deploymentId, deployed_at: now },
      ctx.tx,
    );
    for (const d of dmn.decisions.values()) {
      const id = newKey();
      const version = (latest.get(d.decisionId)?.version ?? 0) + 1;
      await core.store.insert(
        'engine_decisions',
        {
          id,
          decision_id: d.decisionId,
          name: d.name,
          version,
          requirements_key: requirementsKey,
          requirements_id: dmn.requirementsId,
          resource_name: dmn.resourceName,
          checksum: dmn.checksum,
          deployment_id: deploymentId,
          deployed_at: now,
        },
        ctx.tx,
      );
      out.push({ decisionId: d.decisionId, name: d.name, version, decisionKey: id, decisionRequirementsId: dmn.requirementsId, resourceName: dmn.resourceName, duplicate: false });
    }
    // the deployment compiled it already
    const compiled = Promise.resolve(dmn);
    ctx.effects.push(() => core.decisionResources.set(requirementsKey, compiled));
  }
  return out;
}

/** a business-rule task's called decision, evaluated in the transaction that reached it */
export async function decide(core: Core, ctx: Ctx, w: DecisionWait): Promise<DecisionOutcome> {
  const row = await latestRow(core, w.decisionId, ctx.tx);
  if (!row) return { ok: false, errorType: 'CALLED_DECISION_ERROR', message: `Expected to evaluate decision '${w.decisionId}', but no decision is deployed with that id` };
  try {
    const dmn = await resourceOf(core, row, ctx.tx);
    const outcome = evaluateParsed(dmn, w.decisionId, w.variables);
    return {
      ok: true,
      output: { [w.resultVariable]: outcome.result },
      history: {
        elementId: w.elementId,
        elementType: 'decision',
        event: 'decision-evaluated',
        at: core.now(),
        detail: { decisionId: w.decisionId, decisionKey: row.id, version: row.version, matchedRules: outcome.matchedRules.map((r) => r.ruleIndex) },
      },
    };
  } catch (err) {
    return { ok: false, errorType: 'DECISION_EVALUATION_ERROR', message: (err as Error).message };
  }
}

export async function evaluateDecision(core: Core, decisionId: string, variables: Variables = {}, options: { version?: number } = {}): Promise<DecisionEvaluation> {
  assertName(decisionId, 'decisionId');
  const vars = assertVariables(variables);
  const row =
    options.version === undefined
      ? await latestRow(core, decisionId)
      : await core.store.one<DecisionRow>('SELECT * FROM engine_decisions WHERE decision_id = ? AND version = ?', [decisionId, options.version]);
  if (!row) throw new NotFoundError(`no decision '${decisionId}'${options.version === undefined ? '' : ` version ${options.version}`} is deployed`);
  const dmn = await resourceOf(core, row);
  try {
    const { result, matchedRules } = evaluateParsed(dmn, decisionId, vars);
    return { decisionId, decisionKey: row.id, version: row.version, result, matchedRules };
  } catch (err) {
    if (err instanceof DecisionError) throw new InvalidArgumentError(err.message, { decisionId: err.decisionId });
    throw err;
  }
}

export async function listDecisionDefinitions(core: Core, filter: { decisionId?: string; latestOnly?: boolean } = {}): Promise<DecisionDefinition[]> {
  const { where, args } = whereOf([['d.decision_id = ?', filter.decisionId]]);
  const latest = filter.latestOnly ? `${where ? ' AND' : 'WHERE'} d.version = m.versions` : '';
  const rows = await core.store.select<DecisionRow & { versions: number; deployed_by: string | null }>(
    `SELECT d.*, m.versions, p.deployed_by FROM engine_decisions d
     JOIN (SELECT decision_id, MAX(version) AS versions FROM engine_decisions GROUP BY decision_id) m ON m.decision_id = d.decision_id
     LEFT JOIN engine_deployments p ON p.id = d.deployment_id
     ${where}${latest} ORDER BY d.decision_id, d.version DESC`,
    args,
  );
  return rows.map(decisionFromRow);
}

export async function getDecisionDefinitionXml(core: Core, decisionKey: string): Promise<string | undefined> {
  if (typeof decisionKey !== 'string') return undefined;
  const row = await core.store.one<{ xml: string }>('SELECT r.xml FROM engine_decisions d JOIN engine_decisions_requirements r ON r.id = d.requirements_key WHERE d.id = ?', [decisionKey]);
  return row?.xml;
}
