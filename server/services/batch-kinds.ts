/**
 * What a batch can do to each instance (issue 18): one entry per kind. An entry checks its
 * parameters once, when the batch is made, and applies itself to one instance, finishing that
 * instance's item — in the engine's own transaction where the port offers one (cancel), otherwise
 * idempotently (an effect already there is finished as done, never applied again): cancel, set
 * variables, modify (Operate's token moves) and migrate to another version.
 */
import { isDeepStrictEqual } from 'node:util';
import { ConflictError, NotFoundError } from '../../engine/errors.js';
import type { AppTransaction, EnginePort, MigrationPlan, ModifyInstructions, Variables } from '../../engine/port.js';
import { migrationProblemText, modificationOf } from './inspector-operations.js';
import { HttpError } from '../http-error.js';
import { maskVariables } from './inspector-service.js';
import type { ItemState } from '../data/batches-repository.js';

export interface ItemOutcome {
  state: Exclude<ItemState, 'pending'>;
  result?: Record<string, unknown>;
  error?: string;
}

export interface BatchItemContext {
  engine: EnginePort;
  batchId: string;
  reason: string;
  /** finish this instance's item (in `tx` when given): false when it was no longer pending */
  finish(outcome: ItemOutcome, tx?: AppTransaction): Promise<boolean>;
  /** a done item failed after all (Zeebe: the item committed first, then the broker refused) */
  redo(outcome: { state: 'failed'; error: string }): Promise<boolean>;
}

export interface BatchKind {
  /** how the pages name it */
  label: string;
  /**
   * the parameters as sent → as stored, checked once for the whole batch (migrate: the target
   * version and the element mapping); an HttpError 400 when they are wrong
   */
  params(raw: unknown, engine: EnginePort): Record<string, unknown> | Promise<Record<string, unknown>>;
  /** do it to one instance and finish its item; throws when the engine refused (the item fails) */
  apply(processInstanceKey: string, params: Record<string, unknown>, ctx: BatchItemContext): Promise<void>;
  /**
   * At start-up, for the items a batch finished last: make sure the effect is there. Where the app's
   * row commits before the engine's change (Zeebe), a crash between the two leaves an item done
   * whose change never happened; this finishes it (idempotent, never a second change).
   */
  recheck?(processInstanceKey: string, params: Record<string, unknown>, engine: EnginePort): Promise<boolean>;
}

/** thrown inside an engine transaction to roll the change back: the item was finished by another runner */
export class ItemTaken extends Error {
  constructor() {
    super('the batch item was no longer pending');
    this.name = 'ItemTaken';
  }
}

const ENDED_LABELS: Record<string, string> = { completed: '已完成', canceled: '已取消' };
const NAME = /^[A-Za-z_][\w]{0,127}$/;

const noParams = (raw: unknown) => {
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw) || Object.keys(raw).length)) throw new HttpError(400, 'INVALID_INPUT', '取消实例不需要参数', [{ field: 'params', message: '须为空' }]);
  return {};
};

/** an instance that is gone or ended: the item is skipped with why (true), else false */
async function skippedIfEnded(key: string, ctx: BatchItemContext) {
  const instance = await ctx.engine.getProcessInstance(key);
  if (!instance) {
    await ctx.finish({ state: 'skipped', error: '实例不存在' });
    return { ended: true as const };
  }
  if (instance.state === 'completed' || instance.state === 'canceled') {
    await ctx.finish({ state: 'skipped', result: { state: instance.state }, error: `实例${ENDED_LABELS[instance.state]}` });
    return { ended: true as const };
  }
  return { ended: false as const, instance };
}

export const cancelKind: BatchKind = {
  label: '取消实例',
  params: noParams,
  async apply(key, _params, ctx) {
    const seen = await skippedIfEnded(key, ctx);
    if (seen.ended) return;
    let marked = false;
    try {
      // embedded: the item is finished in the cancel's transaction (both or neither); Zeebe: the
      // item commits first and the cancel follows (an instance already gone counts as canceled)
      await ctx.engine.cancel(key, {
        transactional: async (tx) => {
          if (!(await ctx.finish({ state: 'done', result: { canceled: true, from: seen.instance.state } }, tx))) throw new ItemTaken();
          marked = true;
        },
      });
    } catch (err) {
      if (err instanceof ItemTaken) throw err;
      // ended between the look and the cancel (embedded: the item's row rolled back with it)
      if (err instanceof ConflictError || err instanceof NotFoundError) {
        await skippedIfEnded(key, ctx);
        return;
      }
      // Zeebe: the item committed, the broker refused: it is not done (embedded: nothing to redo)
      if (marked) await ctx.redo({ state: 'failed', error: err instanceof Error ? err.message : String(err) });
      throw err;
    }
  },
  async recheck(key, _params, engine) {
    const instance = await engine.getProcessInstance(key);
    if (!instance || (instance.state !== 'active' && instance.state !== 'incident')) return false;
    await engine.cancel(key);
    return true;
  },
};

/** finish the item in the engine's transaction; ItemTaken when another runner finished it first */
const inEngineTx = (ctx: BatchItemContext, outcome: ItemOutcome) => async (tx: AppTransaction) => {
  if (!(await ctx.finish(outcome, tx))) throw new ItemTaken();
};

export const setVariablesKind: BatchKind = {
  label: '修改变量',
  params(raw) {
    const vars = (raw as { variables?: unknown } | undefined)?.variables;
    if (!vars || typeof vars !== 'object' || Array.isArray(vars) || !Object.keys(vars).length) throw new HttpError(400, 'INVALID_INPUT', '须给出要设置的变量', [{ field: 'params.variables', message: '须为非空对象' }]);
    const bad = Object.keys(vars).filter((k) => !NAME.test(k));
    if (bad.length) throw new HttpError(400, 'INVALID_INPUT', '变量名不正确', bad.map((k) => ({ field: `params.variables.${k}`, message: '变量名须以字母或下划线开头' })));
    if (JSON.stringify(vars).length > 16_000) throw new HttpError(400, 'INVALID_INPUT', '变量内容过长', [{ field: 'params.variables', message: '不超过 16000 字符' }]);
    return { variables: vars as Variables };
  },
  async apply(key, params, ctx) {
    const seen = await skippedIfEnded(key, ctx);
    if (seen.ended) return;
    const vars = params.variables as Variables;
    const names = Object.keys(vars);
    // values already in place (on Zeebe, a run cut after the broker's write) finish the item without
    // writing them again
    const already = names.every((n) => isDeepStrictEqual(seen.instance.variables[n], vars[n]));
    if (already) return void (await ctx.finish({ state: 'done', result: { names, alreadySet: true } }));
    // what the instance had before, with personal data masked as the inspector shows variables
    const before = maskVariables(Object.fromEntries(names.map((n) => [n, seen.instance.variables[n] ?? null])));
    // the item is finished in the engine's transaction (embedded): both or neither
    await ctx.engine.setVariables(key, vars, { transactional: inEngineTx(ctx, { state: 'done', result: { names, before } }) });
  },
};

export const modifyKind: BatchKind = {
  label: '修改令牌',
  params(raw) {
    const p = (raw ?? {}) as { activate?: unknown; terminate?: unknown };
    const m = modificationOf({ activate: p.activate, terminate: p.terminate });
    return { activate: m.activate ?? [], terminate: m.terminate ?? [] };
  },
  async apply(key, params, ctx) {
    const seen = await skippedIfEnded(key, ctx);
    if (seen.ended) return;
    const instructions = params as unknown as ModifyInstructions;
    // an instance whose tokens are already where the move takes them (a run cut after the engine's
    // commit cannot happen embedded: the item commits with it) is left alone
    await ctx.engine.modifyProcessInstance(key, instructions, { transactional: inEngineTx(ctx, { state: 'done', result: { activated: (instructions.activate ?? []).map((a) => a.elementId) } }) });
  },
};

export const migrateKind: BatchKind = {
  label: '迁移版本',
  async params(raw, engine) {
    const p = (raw ?? {}) as { targetProcessDefinitionKey?: unknown; mapping?: unknown };
    const key = typeof p.targetProcessDefinitionKey === 'string' ? p.targetProcessDefinitionKey : '';
    const target = key ? (await engine.listProcessDefinitions()).find((d) => d.processDefinitionKey === key) : undefined;
    if (!target) throw new HttpError(400, 'INVALID_INPUT', '目标版本不存在', [{ field: 'params.targetProcessDefinitionKey', message: '请选择目标版本' }]);
    const raws = Array.isArray(p.mapping) ? p.mapping : p.mapping === undefined ? [] : undefined;
    const mapping = (raws ?? []).filter((m): m is { sourceElementId: string; targetElementId: string } => typeof m?.sourceElementId === 'string' && typeof m?.targetElementId === 'string' && NAME.test(m.sourceElementId.replace(/[.-]/g, '_')) && NAME.test(m.targetElementId.replace(/[.-]/g, '_')));
    if (!raws || mapping.length !== raws.length || mapping.length > 200) throw new HttpError(400, 'INVALID_INPUT', '元素映射不正确', [{ field: 'params.mapping', message: '每项须为 {sourceElementId, targetElementId},最多 200 项' }]);
    return { targetProcessDefinitionKey: key, processId: target.processId, version: target.version, mappingInstructions: mapping.map((m) => ({ sourceElementId: m.sourceElementId, targetElementId: m.targetElementId })) };
  },
  async apply(key, params, ctx) {
    const seen = await skippedIfEnded(key, ctx);
    if (seen.ended) return;
    if (seen.instance.processDefinitionKey === params.targetProcessDefinitionKey) return void (await ctx.finish({ state: 'done', result: { alreadyOnTarget: true } }));
    const plan: MigrationPlan = { targetProcessDefinitionKey: String(params.targetProcessDefinitionKey), mappingInstructions: params.mappingInstructions as MigrationPlan['mappingInstructions'] };
    // each instance is checked: one that cannot move is skipped with why, the others go on
    const check = await ctx.engine.checkMigration(key, plan);
    if (!check.migratable) return void (await ctx.finish({ state: 'skipped', result: { problems: check.problems }, error: check.problems.map(migrationProblemText).join(';') }));
    await ctx.engine.migrateProcessInstance(key, plan, { transactional: inEngineTx(ctx, { state: 'done', result: { from: seen.instance.version, to: params.version } }) });
  },
};

export const DEFAULT_KINDS: Record<string, BatchKind> = {
  cancel: cancelKind,
  'set-variables': setVariablesKind,
  modify: modifyKind,
  migrate: migrateKind,
};
