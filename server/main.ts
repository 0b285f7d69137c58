/**
 * `npm start`: read the configuration, open the database (SQLite file under data/ by default,
 * created on first start), migrate, open the engine (embedded by default; Zeebe with
 * ENGINE=zeebe), deploy every diagram in processes/ and every decision table in decisions/ through
 * the deploy gate (one deployment, so a diagram may call a table deployed with it), serve HTTP on PORT.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDatabase } from '../engine/embedded/store/database.js';
import { loadCalendar } from './data/calendar-repository.js';
import { createOutboxRepository } from './data/outbox-repository.js';
import { createChannels, OutboxDispatcher } from './domain/notifications.js';
import { createSessionsRepository } from './data/sessions-repository.js';
import { seedDemoData, DEMO_PASSWORD } from './data/seed.js';
import { resolvePiiKey, resolveSessionSecret } from './secrets.js';
import { createApp, projectRoot } from './app.js';
import { createFormsRepository } from './data/forms-repository.js';
import { createFormGate } from './deploy/form-gate.js';
import { FormFilesRejected, importFormFiles } from './services/form-service.js';
import { createDeployGate, DeployRejected } from './deploy/deploy-gate.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import type { QueueService } from './services/queue-service.js';
import type { PetitionService } from './services/petition-service.js';
import type { InvalidPetitionService } from './services/invalid-petition-service.js';
import type { CaseFactsRepository } from './data/case-facts-repository.js';
import type { HotspotService } from './services/hotspot-service.js';
import type { KnowledgeService } from './services/knowledge-service.js';
import type { BatchService } from './services/batch-service.js';
import { createJobHandlers, migrationsFor, openConfiguredEngine } from './engine-setup.js';
import { workerOptions } from '../workers/registry.js';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  const db = await createDatabase({ url: config.dbUrl, migrations: migrationsFor(config) });
  await db.migrate();
  const key = resolvePiiKey(config, log);

  // Longnan's townships, departments and enterprises with demo staff of every role (idempotent)
  const seeded = await seedDemoData(db, { key });
  if (seeded.created.units || seeded.created.staff) {
    log.info({ units: seeded.created.units, staff: seeded.created.staff }, '已导入龙南市乡镇、部门和演示账号');
  }
  if (!config.production) {
    log.info({ accounts: seeded.credentials.map((c) => c.username), password: DEMO_PASSWORD }, '演示账号(仅用于演示环境)');
  }

  const engine = await openConfiguredEngine(config, { db, log, role: 'app' });
  // every job type's worker, before the diagrams are deployed (unless worker processes run them: WORKERS_IN_APP=false)
  const workers = createJobHandlers({ db, key, log, config, engine });
  // REMOTE_JOB_TYPES: left to remote workers on /engine-rest (issue 19); the deploy gate still knows them
  if (config.workersInApp) for (const [type, handler] of Object.entries(workers)) if (!config.remoteJobTypes.includes(type)) engine.registerWorker(type, handler, workerOptions(type, { timeout: config.jobTimeoutSeconds * 1000 }));
  if (config.remoteJobTypes.length) log.info({ types: config.remoteJobTypes }, '以下作业类型由远程作业进程通过 /engine-rest 领取');

  // forms/ into the form store first (a changed file becomes the next version; a form that fails the
  // form gate stops start-up): the diagrams are checked against the forms there are, the latest versions
  let imported;
  try {
    imported = await importFormFiles({ repo: createFormsRepository(db), gate: createFormGate({ engine }), dir: join(projectRoot, 'forms') });
  } catch (err) {
    if (err instanceof FormFilesRejected) {
      for (const p of err.problems) log.error({ file: p.file, field: p.field, rule: p.rule }, p.message);
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  for (const c of imported.created) log.info({ formId: c.formId, version: c.version }, '表单文件已导入为新版本');
  for (const o of imported.older) log.info({ formId: o.formId, fileVersion: o.fileVersion, latest: o.latest }, '表单文件与较早的版本相同,保留表单编辑器保存的最新版本');
  for (const w of imported.warnings) log.warn({ field: w.field, processId: w.processId, elementId: w.elementId, where: w.where }, `表单文件的新版本删除了流程使用的字段 ${w.field}`);
  const forms = imported.forms;

  // the diagrams on disk go through the same gate as an upload: a diagram that fails it stops start-up
  // the form store's ids, not the map imported here: a form saved through another app process counts
  const formStore = createFormsRepository(db);
  const gate = createDeployGate({ engine, jobTypes: () => Object.keys(workers), formIds: async () => (await formStore.latestVersions()).keys(), root: projectRoot });
  // the decision tables beside the diagrams (decisions/ may be missing: no tables)
  const files = [
    ...readdirSync(config.processesDir).filter((f) => f.endsWith('.bpmn')).map((name) => ({ name, path: join(config.processesDir, name) })),
    ...(existsSync(config.decisionsDir) ? readdirSync(config.decisionsDir).filter((f) => f.endsWith('.dmn')).map((name) => ({ name, path: join(config.decisionsDir, name) })) : []),
  ];
  const deployed: { processId: string; version: number }[] = [];
  if (files.length) {
    // a file already deployed as some version stays as it is: a newer version from the modeler or the decision editor is not overwritten on restart
    const { toDeploy, known } = await gate.notYetDeployed(files.map((f) => ({ name: f.name, content: readFileSync(f.path, 'utf8') })));
    for (const k of known) {
      if ('decisionId' in k) {
        if (k.version < k.latest) log.info({ file: k.name, decisionId: k.decisionId, fileVersion: k.version, latest: k.latest }, '决策文件与较早的版本相同,保留在决策表编辑器中部署的最新版本');
        continue;
      }
      if (k.version < k.latest) log.info({ file: k.name, processId: k.processId, fileVersion: k.version, latest: k.latest }, '流程文件与较早的版本相同,保留在建模器中部署的最新版本');
      deployed.push({ processId: k.processId, version: k.latest });
    }
    if (toDeploy.length) {
      let result;
      try {
        // the files on disk are the admin's decision: instances waiting at removed elements keep their version
        result = await gate.deploy(toDeploy, { deployedBy: 'start-up', confirmAffected: true });
        for (const c of result.changes) if (c.affectedInstances) log.warn({ processId: c.processId, fromVersion: c.fromVersion, removed: c.removed }, `新版本删除了 ${c.affectedInstances} 个运行中实例正在等待的环节,这些实例继续按原版本运行`);
      } catch (err) {
        if (err instanceof DeployRejected) {
          for (const p of err.problems) log.error({ resource: p.resourceName, decisionId: p.decisionId, elementId: p.elementId, rule: p.rule }, p.message);
          process.stderr.write(`${err.message}\n`);
          process.exit(2);
        }
        throw err;
      }
      for (const w of result.warnings) log.warn({ resource: w.resourceName, elementId: w.elementId }, w.message);
      for (const d of result.decisions) if (!d.duplicate) log.info({ decisionId: d.decisionId, version: d.version }, '决策表已部署');
      deployed.push(...result.processes.map((p) => ({ processId: p.processId, version: p.version })));
    }
  }

  // notifications leave through the outbox; without provider settings every channel only logs
  const dispatcher = new OutboxDispatcher({ outbox: createOutboxRepository(db), channels: createChannels({}, log.child({ part: 'notifications' })), logger: log });
  dispatcher.start(config.outboxPollMs);

  // sessions end by themselves when used again; the ones nobody comes back to are removed hourly
  const sessions = createSessionsRepository(db, { ttlMs: config.sessionTtlHours * 3600_000 });
  const sweep = () => sessions.sweep().catch((err) => log.warn({ err }, 'sweeping ended sessions failed'));
  await sweep();
  const sweeper = setInterval(sweep, 3600_000);
  sweeper.unref();

  // 第十三条 deadlines need next year's official schedule: from 1 November, say so until it is covered
  const banner = (await loadCalendar(db)).nextYearBanner(new Date());
  if (banner) log.warn({ year: banner.year }, '下一年度的法定节假日安排尚未录入,期限按周一至周五暂算');

  const app = createApp({
    engine,
    db,
    log,
    key,
    gate,
    secret: resolveSessionSecret(config, log),
    deployed,
    forms,
    calendar: () => loadCalendar(db),
    options: {
      production: config.production,
      publicBaseUrl: config.publicBaseUrl,
      uploadMaxMb: config.uploadMaxMb,
      portalRateLimit: config.portalRateLimit,
      loginRateLimit: config.loginRateLimit,
      open311ApiKeys: config.open311ApiKeys,
      trustProxy: config.trustProxy,
      sessionTtlHours: config.sessionTtlHours,
      engineKind: config.engine,
      engineRestRateLimit: config.engineRestRateLimit,
      engineRestPollMs: config.engineRestPollMs,
    },
  });
  // only now, with the app's task projection attached (createApp), may the engine run what is due
  await engine.open();

  // the reconciler: what a crash cut before submissions were whole (a petition without its process)
  // is finished at start-up and every minute; a submission in flight is a minute old before it counts
  const petitionService = app.locals.petitionService as PetitionService;
  const invalidService = app.locals.invalidService as InvalidPetitionService;
  const reconcile = async () => {
    await petitionService.startMissing(new Date(Date.now() - 60_000)).catch((err) => log.error({ err }, 'reconciling petitions failed'));
    // Zeebe: a 恶意/虚假 mark commits before its cancel; what a crash cut between them is canceled now
    await invalidService.reconcile().catch((err) => log.error({ err }, 'reconciling marked petitions failed'));
  };
  await reconcile();
  // once per database: the tasks opened before the work queue existed join it
  await (app.locals.queueService as QueueService).backfill();
  // once per database: the reports' case facts of the petitions from before the projection (第二十五条)
  const facts = app.locals.caseFacts as CaseFactsRepository;
  const brought = await facts.backfill({
    finishDueOf: async (key) => {
      const due = (await engine.getProcessInstance(key))?.variables.finishDueAt;
      const ms = typeof due === 'string' ? Date.parse(due) : NaN;
      return Number.isFinite(ms) ? ms : null;
    },
  });
  if (brought) log.info({ petitions: brought }, 'case facts: petitions brought in');
  // once per database: the petitions from before the keyword table get their keywords (hotspots);
  // resumable and a page per transaction, so serving does not wait for it
  (app.locals.hotspotService as HotspotService).backfill().catch((err) => log.error({ err }, 'hotspot keywords of earlier petitions: backfill failed'));
  // the knowledge index, loaded while the app serves (a search before it is ready waits for it)
  (app.locals.knowledgeService as KnowledgeService).index().catch((err) => log.error({ err }, 'knowledge index: load failed'));
  // issue 18: the batches a stop or a crash interrupted go on with their pending items
  const batches = app.locals.batchService as BatchService;
  await batches.resumeRunning().catch((err) => log.error({ err }, 'resuming running batches failed'));
  const reconciler = setInterval(reconcile, 60_000);
  reconciler.unref();

  const server = app.listen(config.port, () => log.info({ port: config.port, db: config.dbUrl.split(':')[0], engine: config.engine, workersInApp: config.workersInApp, processes: deployed.length }, '问政平台已启动'));
  const stop = async () => {
    log.info('stopping');
    server.close();
    clearInterval(sweeper);
    clearInterval(reconciler);
    await batches.stop();
    await dispatcher.stop();
    await gate.close();
    await engine.close();
    await db.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
