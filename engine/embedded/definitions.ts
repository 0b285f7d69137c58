/**
 * Deployment and the process definitions: parsing and checking resources, versions, timer start
 * events, the parsed models and the cached latest versions and message start events.
 */
import { type DeployProblem, InvalidArgumentError, InvalidResourceError, NotFoundError } from '../errors.js';
import type { DeployedDecision, DeploymentResult, DeployResource, DeployWarning } from '../port.js';
import type { Core } from './core.js';
import type { Ctx } from './ctx.js';
import { evaluateTimer, isExpression } from './feel.js';
import { isDmnResource, parseDmn, type ParsedDmn } from './dmn.js';
import { newKey } from './keys.js';
import { parseResource, type ProcessModel } from './model.js';
import { inTx } from './transaction.js';
import type { DefinitionRow, Tx } from './store/store.js';

export function modelOf(core: Core, definitionId: string, tx?: Tx): Promise<ProcessModel> {
  let model = core.models.get(definitionId);
  if (!model) {
    model = (async () => {
      const row = await core.store.definition(definitionId, tx);
      if (!row) throw new NotFoundError(`process definition ${definitionId} not found`);
      const parsed = await parseResource(row.resource_name, row.xml);
      const m = parsed.processes.get(row.process_id);
      if (!m) throw new Error(`process ${row.process_id} missing from its resource`);
      return m;
    })();
    model.catch(() => core.models.delete(definitionId));
    core.models.set(definitionId, model);
  }
  return model;
}

export async function deploy(core: Core, resources: DeployResource[], meta: { deployedBy?: string } = {}): Promise<DeploymentResult> {
  if (!Array.isArray(resources) || !resources.length) throw new InvalidArgumentError('deploy needs at least one resource');
  const problems: DeployProblem[] = [];
  const parsed: Awaited<ReturnType<typeof parseResource>>[] = [];
  const dmns: ParsedDmn[] = [];
  for (const r of resources) {
    if (!r || typeof r.name !== 'string' || (typeof r.content !== 'string' && !Buffer.isBuffer(r.content))) {
      throw new InvalidArgumentError('each resource needs a name and content');
    }
    try {
      if (isDmnResource(r.name)) dmns.push(await parseDmn(r.name, r.content));
      else parsed.push(await parseResource(r.name, r.content));
    } catch (err) {
      if (err instanceof InvalidResourceError) problems.push(...err.problems);
      else throw err;
    }
  }
  const seen = new Map<string, string>();
  for (const p of parsed) {
    for (const id of p.processes.keys()) {
      const other = seen.get(id);
      if (other) problems.push({ resourceName: p.resourceName, elementId: id, message: `process id '${id}' is also in ${other}` });
      seen.set(id, p.resourceName);
    }
  }
  const seenDecisions = new Map<string, string>();
  for (const d of dmns) {
    for (const id of d.decisions.keys()) {
      const other = seenDecisions.get(id);
      if (other) problems.push({ resourceName: d.resourceName, elementId: id, message: `decision id '${id}' is also in ${other}` });
      seenDecisions.set(id, d.resourceName);
    }
  }
  if (problems.length) {
    throw new InvalidResourceError(`deployment rejected: ${problems.map((p) => `${p.resourceName}${p.elementId ? `#${p.elementId}` : ''}: ${p.message}`).join('; ')}`, problems);
  }

  const warnings: DeployWarning[] = [];
  for (const p of parsed) {
    for (const model of p.processes.values()) {
      for (const el of model.elements.values()) {
        const type = el.taskDefinition?.type;
        if (type !== undefined && !isExpression(type) && !core.workers.has(type)) {
          warnings.push({ resourceName: p.resourceName, elementId: el.id, message: `no worker is registered for job type '${type}': its jobs will wait` });
        }
      }
    }
  }

  const deploymentKey = newKey();
  const now = core.now();
  let decisions: DeployedDecision[] = [];
  const processes = await inTx(core, async (ctx) => {
    await core.store.insert('engine_deployments', { id: deploymentKey, deployed_at: now, deployed_by: meta.deployedBy ?? null }, ctx.tx);
    // decisions first: a diagram deployed with its decisions never sees them missing
    decisions = await core.saveDecisions(ctx, dmns, deploymentKey, now);
    const out = [];
    for (const p of parsed) {
      for (const [processId, model] of p.processes) {
        const latest = await core.store.latestDefinition(processId, ctx.tx);
        if (latest && latest.checksum === p.checksum) {
          out.push({ processId, version: latest.version, processDefinitionKey: latest.id, resourceName: p.resourceName, duplicate: true });
          continue;
        }
        const id = newKey();
        const version = (latest?.version ?? 0) + 1;
        await core.store.insert(
          'engine_process_definitions',
          { id, process_id: processId, version, resource_name: p.resourceName, checksum: p.checksum, xml: p.xml, deployment_id: deploymentKey, deployed_at: now },
          ctx.tx,
        );
        core.models.set(id, Promise.resolve(model));
        await scheduleStartTimers(core, ctx, processId, id, model);
        out.push({ processId, version, processDefinitionKey: id, resourceName: p.resourceName, duplicate: false });
      }
    }
    return out;
  });
  core.messageStarts = undefined;
  core.latestCache.clear();
  core.scheduleTimers(0);
  return { deploymentKey, processes, decisions, warnings };
}

/** a new version replaces the timer start events of the previous ones (as in Zeebe) */
async function scheduleStartTimers(core: Core, ctx: Ctx, processId: string, definitionId: string, model: ProcessModel) {
  await core.store.exec(
    'DELETE FROM engine_timers WHERE instance_id IS NULL AND definition_id IN (SELECT id FROM engine_process_definitions WHERE process_id = ?)',
    [processId],
    ctx.tx,
  );
  for (const el of model.timerStarts) {
    if (!el.timer) continue;
    const schedule = evaluateTimer(el.timer.kind, el.timer.expression, {}, core.clock.now());
    await core.store.insert(
      'engine_timers',
      {
        id: `${definitionId}/${el.id}`,
        instance_id: null,
        definition_id: definitionId,
        element_id: el.id,
        due_at: schedule.dueAt.getTime(),
        repetitions: schedule.repetitions ?? null,
        cycle_interval: schedule.interval ?? null,
      },
      ctx.tx,
    );
  }
}

/**
 * The latest version of a process, cached for a moment: starts are the hottest read there is,
 * and a deployment by this process clears the cache at once (another process's after definitionCacheMs).
 */
export async function latest(core: Core, processId: string): Promise<DefinitionRow | undefined> {
  const now = Date.now();
  const cached = core.latestCache.get(processId);
  if (cached && now - cached.at < core.definitionCacheMs) return cached.def;
  const def = await core.store.latestDefinition(processId);
  if (def) core.latestCache.set(processId, { def, at: now });
  return def;
}

/** message start events of the latest versions: like latest(), a deployment by another process shows within definitionCacheMs */
export function getMessageStarts(core: Core) {
  if (core.messageStarts && Date.now() - core.messageStartsAt >= core.definitionCacheMs) core.messageStarts = undefined;
  if (!core.messageStarts) {
    core.messageStartsAt = Date.now();
    core.messageStarts = (async () => {
      const byName = new Map<string, { definitionId: string; processId: string; elementId: string }[]>();
      for (const def of await core.store.latestDefinitions()) {
        const model = await modelOf(core, def.id);
        for (const el of model.messageStarts) {
          const name = el.message?.name;
          if (!name) continue;
          const list = byName.get(name) ?? [];
          list.push({ definitionId: def.id, processId: def.process_id, elementId: el.id });
          byName.set(name, list);
        }
      }
      return byName;
    })();
    core.messageStarts.catch(() => (core.messageStarts = undefined));
  }
  return core.messageStarts;
}
