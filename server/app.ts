/**
 * The Express app: routes → services → data access. `createApp` builds the repositories and
 * services on one database and engine, attaches the task listener that keeps petitions in step
 * with their tasks, and mounts the portal, staff pages, admin pages, the REST API, Open311 and the
 * OpenAPI document, behind security headers, sessions, CSRF checks and rate limits.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import compression from 'compression';
import cookieParser from 'cookie-parser';
import express, { type Express, type RequestHandler } from 'express';
import multer from 'multer';
import type { EnginePort } from '../engine/port.js';
import { createAttachmentsRepository } from './data/attachments-repository.js';
import { createAuditRepository } from './data/audit-repository.js';
import { createCalendarRepository } from './data/calendar-repository.js';
import { createPetitionsRepository } from './data/petitions-repository.js';
import { createPublicationRepository } from './data/publication-repository.js';
import { createSessionsRepository } from './data/sessions-repository.js';
import type { Database } from './data/sql.js';
import { createStaffRepository } from './data/staff-repository.js';
import { createUnitsRepository } from './data/units-repository.js';
import type { WorkingCalendar } from '../regulation/calendar/working-calendar.js';
import { createChallenges } from './domain/challenge.js';
import type { FormSchema } from './domain/form-validation.js';
import type { IdentityKeyInput } from './domain/identity-crypto.js';
import { errorMiddleware, HttpError } from './http-error.js';
import { createAssets } from './http/assets.js';
import { createViews } from './http/views.js';
import { createDeployGate, type DeployGate } from './deploy/deploy-gate.js';
import { createDecisionDraftsRepository, createDraftsRepository } from './data/drafts-repository.js';
import { createDecisionService } from './services/decision-service.js';
import { createChallengeUses, createRateLimitStore } from './data/guards-repository.js';
import { jobTypes } from '../workers/registry.js';
import { createCsrf, limiter, locals, readOnlyGuard, requireRole, securityHeaders, sessionMiddleware, staffOf, type SessionOptions } from './http/web.js';
import type { AppContext } from './app-context.js';
import type { Logger } from './logger.js';
import { adminRoutes } from './routes/admin.js';
import { apiRoutes } from './routes/api.js';
import { openApiDocument } from './routes/openapi.js';
import { open311Routes } from './routes/open311.js';
import { portalRoutes } from './routes/portal.js';
import { staffRoutes } from './routes/staff.js';
import { processRoutes } from './routes/processes.js';
import { decisionRoutes } from './routes/decisions.js';
import { inspectorRoutes } from './routes/inspector.js';
import { inspectorOperationRoutes } from './routes/inspector-ops.js';
// issue 18 batch operations (batch helper)
import { inspectorBatchRoutes } from './routes/inspector-batches.js';
import { createBatchService } from './services/batch-service.js';
import { createBatchesRepository } from './data/batches-repository.js';
import { formRoutes } from './routes/forms.js';
import { boardRoutes } from './routes/board.js';
import { overviewRoutes } from './routes/overview.js';
import { createOverviewService, seesOverview } from './services/overview-service.js';
import { createAdminService } from './services/admin-service.js';
import { createAttachmentService } from './services/attachment-service.js';
import { createCaseService, seesCases } from './services/case-service.js';
import { createMergeService } from './services/merge-service.js';
import { createPetitionMergesRepository } from './data/petition-merges-repository.js';
import { createCaseViewsRepository } from './data/case-views-repository.js';
import { createPetitionService } from './services/petition-service.js';
import { createTaskEvents } from './services/task-events.js';
import { createCaseFactsRepository } from './data/case-facts-repository.js';
import { createInvalidPetitionService } from './services/invalid-petition-service.js';
import { createReportFiguresService, type HotspotSource } from './services/report-figures-service.js';
import { createQueueService } from './services/queue-service.js';
import { createWorkItemsRepository } from './data/work-items-repository.js';
import { createWorkingCalendar } from '../regulation/calendar/working-calendar.js';
import { createInspectorService } from './services/inspector-service.js';
import { createOutboxRepository } from './data/outbox-repository.js';
import { createPetitionDirectory, createUnitDirectory } from './data/directories.js';
import { createStaffingService } from './services/staffing-service.js';
import { createScoreLedgerRepository } from './data/score-ledger-repository.js';
import { createTaskService, createTaskDocs } from './services/task-service.js';
import { createFormsRepository } from './data/forms-repository.js';
import { createFormGate } from './deploy/form-gate.js';
import { createFormService } from './services/form-service.js';
import { reportAccess, reportServiceOn, type ReportFiguresSource } from './services/report-service.js';
import { reportRoutes } from './routes/reports.js';
import { createAssessmentService, maySeeAssessments } from './services/assessment-service.js';
import { createAssessmentsRepository } from './data/assessments-repository.js';
import { assessmentRoutes } from './routes/assessment.js';
import { createBoardRepository } from './data/board-repository.js';
import { createBoardService, seesBoard } from './services/board-service.js';
import { createHotspotService, mayReadHotspots } from './services/hotspot-service.js';
import { createPetitionKeywordsRepository } from './data/petition-keywords-repository.js';
import { hotspotRoutes } from './routes/hotspots.js';
import { knowledgeRoutes } from './routes/knowledge.js';
import { knowledgePageRoutes } from './routes/knowledge-pages.js';
import { createKnowledgeService, mayReadKnowledge } from './services/knowledge-service.js';
import { createKnowledgeRepository } from './data/knowledge-repository.js';
import { createKnowledgeFlowService } from './services/knowledge-flow-service.js';
import { knowledgeFlowRoutes } from './routes/knowledge-flow.js';
// issue 17 reply templates (templates helper)
import { createReplyTemplatesRepository } from './data/reply-templates-repository.js';
import { createReplyTemplateService } from './services/reply-template-service.js';
import { replyTemplateRoutes } from './routes/reply-templates.js';
// issue 19 remote workers (engine-rest helper)
import { createRemoteWorkersRepository } from './data/remote-workers-repository.js';
import { createRemoteWorkerService } from './services/remote-worker-service.js';
import { engineRestRoutes } from './routes/engine-rest.js';
import { remoteWorkerRoutes } from './routes/remote-workers.js';
import { createWorkerDeps } from './engine-setup.js';

/** the project folder (holding package.json), from the source tree or from dist/ */
export const projectRoot = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the server code');
    dir = up;
  }
  return dir;
})();

export interface AppOptions {
  production?: boolean;
  publicBaseUrl?: string;
  uploadMaxMb?: number;
  portalRateLimit?: number;
  /** public knowledge searches per visitor and minute (the portal asks as the citizen types) */
  knowledgeRateLimit?: number;
  loginRateLimit?: number;
  open311ApiKeys?: string[];
  trustProxy?: number;
  sessionTtlHours?: number;
  /** which engine runs the diagrams (for /health; default embedded) */
  engineKind?: 'embedded' | 'zeebe';
  formsDir?: string;
  /** issue 18: instances per page of a batch, and a hook awaited before each page (tests) */
  batches?: { pageSize?: number; beforePage?: (batchId: string) => Promise<void> };
  /** issue 19: /engine-rest calls per remote-worker credential and minute (default 12000) */
  engineRestRateLimit?: number;
  /** issue 19: ms between a long poll's looks for jobs other processes made (default 500) */
  engineRestPollMs?: number;
}

export interface AppDeps {
  engine: EnginePort;
  db: Database;
  log: Logger;
  /** the identity key (PII_KEY) */
  key: IdentityKeyInput;
  /** signs CSRF tokens and challenges (SESSION_SECRET) */
  secret: string;
  deployed: { processId: string; version: number }[];
  /** the working calendar with the admins' overrides (for the next-year notice) */
  calendar?: () => Promise<WorkingCalendar>;
  /** called after an admin changed the calendar (the app's cached calendar is dropped) */
  calendarChanged?: () => void;
  clock?: { now(): Date };
  /** the deploy gate (server/deploy/deploy-gate.ts); made here when not given */
  gate?: DeployGate;
  options?: AppOptions;
  /**
   * the latest version of each form, from `importFormFiles` (server/services/form-service.ts), which
   * main.ts and the test harness await before building the app; without it forms/ is read here and
   * brought into the form store on the first form request
   */
  forms?: Map<string, FormSchema>;
  /** the period's hotspots for the reports (第二十五条; the hotspot clustering), none when absent */
  hotspots?: HotspotSource;
  /** the reports' figures (第二十五条); the figures service below when not given (tests pass a fixture) */
  reportFigures?: ReportFiguresSource;
}


export function loadForms(dir: string): Map<string, FormSchema> {
  const forms = new Map<string, FormSchema>();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.form'))) {
    const schema = JSON.parse(readFileSync(join(dir, f), 'utf8')) as FormSchema;
    forms.set(f.slice(0, -'.form'.length), schema);
  }
  return forms;
}

export function createApp(deps: AppDeps): Express {
  const { engine, db, log, deployed, calendar } = deps;
  const clock = deps.clock ?? { now: () => new Date() };
  const o = deps.options ?? {};
  const now = () => clock.now().getTime();
  const production = o.production ?? false;
  const uploadMaxMb = o.uploadMaxMb ?? 10;
  const maxUploadBytes = uploadMaxMb * 1024 * 1024;
  const formsDir = o.formsDir ?? join(projectRoot, 'forms');

  const petitions = createPetitionsRepository(db, { key: deps.key, clock });
  const staff = createStaffRepository(db, { now });
  const units = createUnitsRepository(db);
  const audit = createAuditRepository(db, { now });
  const attachments = createAttachmentsRepository(db, { now, maxBytes: maxUploadBytes });
  const sessions = createSessionsRepository(db, { now, ttlMs: (o.sessionTtlHours ?? 12) * 3600_000 });
  const taskEvents = createTaskEvents({ petitions });
  taskEvents.attach(engine);
  const workingCalendar = calendar ?? (async () => createWorkingCalendar());
  // after the case's unit and status (taskEvents): the queue row copies them
  const workItems = createWorkItemsRepository(db);
  const queueService = createQueueService({
    engine,
    workItems,
    views: createCaseViewsRepository(db, { now, table: 'queue_views' }),
    petitions,
    staff,
    audit,
    docs: createTaskDocs(engine),
    clock,
    soonAfter: async (at) => (await workingCalendar()).dueAfter(at, 1).dueAt,
    transaction: (work) => db.transaction(work),
    log,
  });
  queueService.attach(engine);

  // hotspots (第二十三条(二)): each petition's keywords are stored with its submission
  const hotspotService = createHotspotService({
    keywords: createPetitionKeywordsRepository(db, { now }),
    units,
    engine,
    audit,
    clock,
    log,
    transaction: (work) => db.transaction(work),
    underSupervision: async (petitionId) => (await workItems.openOfPetition(petitionId)).some((t) => t.processId === 'supervision'),
  });
  const petitionService = createPetitionService({
    engine,
    petitions,
    attachments,
    audit,
    publications: createPublicationRepository(db),
    log,
    maxUploadBytes,
    transaction: (work) => db.transaction(work),
    indexKeywords: (p, tx) => hotspotService.index(p, tx),
  });
  const forms = deps.forms ?? loadForms(formsDir);
  const formService = createFormService({ repo: createFormsRepository(db, { now }), gate: createFormGate({ engine }), audit, forms, ...(!deps.forms && { importFrom: formsDir }) });
  const gate = deps.gate ?? createDeployGate({ engine, jobTypes: () => jobTypes, formIds: async () => (await formService.current()).keys(), root: projectRoot });
  // the knowledge base (issue 17); its review's tasks are the task service's (taskExtension)
  const knowledgeRepo = createKnowledgeRepository(db);
  const knowledgeService = createKnowledgeService({ repo: knowledgeRepo, units, audit, clock, log, visible: (s, id) => caseService.visible(s, id) });
  const petitionDirectory = createPetitionDirectory(petitions);
  const knowledgeFlow = createKnowledgeFlowService({
    repo: knowledgeRepo,
    engine,
    units,
    audit,
    clock,
    log,
    transaction: (work) => db.transaction(work),
    visible: (s, id) => caseService.visible(s, id),
    publicationSource: (id) => petitionDirectory.getPublicationSource(id),
    changed: (id) => knowledgeService.changed(id),
  });
  const taskService = createTaskService({
    engine,
    petitions,
    units,
    audit,
    forms: () => formService.current(),
    docs: createTaskDocs(engine),
    clock,
    log,
    attachments,
    inStep: (task) => taskEvents.onEvent({ type: 'created', task }),
    queue: queueService,
    extensions: [knowledgeFlow.taskExtension],
  });
  const unitDirectory = createUnitDirectory(units);
  const outbox = createOutboxRepository(db, { now });
  const board = createBoardRepository(db);
  const caseService = createCaseService({
    engine,
    petitions,
    units,
    audit,
    attachments,
    clock,
    outbox,
    recipient: (unitId, role) => unitDirectory.recipient(unitId, role),
    transaction: (work) => db.transaction(work),
    openTasks: (petitionId) => workItems.openOfPetition(petitionId),
    views: createCaseViewsRepository(db, { now }),
    explanations: board,
  });
  const boardService = createBoardService({ board, units, calendar: workingCalendar, clock, cases: caseService });
  const staffing = createStaffingService({ engine, staff, units, queue: workItems });
  const caseFacts = createCaseFactsRepository(db);
  const invalidService = createInvalidPetitionService({
    engine,
    petitions,
    facts: caseFacts,
    audit,
    clock,
    log,
    transaction: (work) => db.transaction(work),
    visible: (s, id) => caseService.visible(s, id),
    openTasks: (petitionId) => workItems.openOfPetition(petitionId),
  });
  const reportFigures = createReportFiguresService({ db, facts: caseFacts, units, clock, hotspots: deps.hotspots ?? hotspotService.top });
  const mergeService = createMergeService({ engine, petitions, merges: createPetitionMergesRepository(db, { now }), units, audit, outbox, visible: (s, id) => caseService.visible(s, id) });
  const csrf = createCsrf(deps.secret, production, (req) => req.method === 'POST' && /^\/open311\/v2\/requests\.\w+$/.test(req.path));
  const sessionOptions: SessionOptions = { sessions, staff, secureCookies: production, ttlMs: (o.sessionTtlHours ?? 12) * 3600_000 };
  const assets = createAssets(join(projectRoot, 'modeler', 'dist'));
  const render = createViews(join(projectRoot, 'server', 'views'), assets);
  const inspector = createInspectorService({ engine, audit, ledger: createScoreLedgerRepository(db), outbox, staffing, clock });
  // issue 18: batches over the inspector's filter; main.ts resumes the running ones at start-up
  const batchService = createBatchService({ db, repo: createBatchesRepository(db, { now }), audit, engine, inspector, log, ...o.batches });
  const ctx: AppContext = {
    render,
    page: (res, view, data, status = 200) => {
      res.status(status).type('html').send(render(view, { ...locals(res), ...data }));
    },
    petitions,
    staff,
    audit,
    petitionService,
    taskService,
    queueService,
    caseService,
    boardService,
    mergeService,
    invalidService,
    reportFigures,
    overviewService: createOverviewService({ figures: reportFigures, board: boardService, clock }),
    hotspotService,
    knowledgeService,
    knowledgeFlow,
    attachmentService: createAttachmentService({ attachments, cases: caseService }),
    adminService: createAdminService({ units, staff, sessions, calendar: createCalendarRepository(db, { now }), audit, ...(deps.calendarChanged && { calendarChanged: deps.calendarChanged }) }),
    gate,
    formService,
    lintInputs: async () => ({ jobTypes: [...jobTypes], formIds: [...(await formService.current()).keys()].sort() }),
    drafts: createDraftsRepository(db, { now }),
    decisionService: createDecisionService({ engine, gate, audit, drafts: createDecisionDraftsRepository(db, { now }) }),
    engine,
    inspector,
    staffing,
    // the answered challenges and the rate limits are counted in the database: one for every app process
    challenges: createChallenges(deps.secret, clock, createChallengeUses(db, { now })),
    sessionOptions,
    limits: {
      portal: limiter({ name: 'portal', windowMs: 10 * 60_000, limit: o.portalRateLimit ?? 30, store: createRateLimitStore(db, { name: 'portal', now }) }),
      // the portal's 「可能已有答案」 asks as the citizen types: more than a submission's limit
      knowledge: limiter({ name: 'knowledge', windowMs: 60_000, limit: o.knowledgeRateLimit ?? 120, store: createRateLimitStore(db, { name: 'knowledge', now }) }),
      login: limiter({ name: 'login', windowMs: 15 * 60_000, limit: o.loginRateLimit ?? 20, store: createRateLimitStore(db, { name: 'login', now }) }),
    },
    upload: uploads(maxUploadBytes),
    uploadMaxMb,
    open311ApiKeys: o.open311ApiKeys ?? [],
    publicBaseUrl: o.publicBaseUrl ?? 'http://localhost:3000',
    async townshipOptions() {
      return (await units.list({ kind: 'township' })).filter((u) => u.township).map((u) => ({ value: u.township as string, label: u.name }));
    },
    navFor(s) {
      const has = (r: string) => Boolean(s?.roles.includes(r as never));
      return {
        cases: Boolean(s && seesCases(s)),
        board: Boolean(s && seesBoard(s)),
        overview: Boolean(s && seesOverview(s)),
        hotline: has('intake-operator'),
        units: has('process-admin') || has('admin'),
        accounts: has('admin'),
        processes: has('process-admin') || has('auditor'),
        decisions: has('process-admin') || has('auditor'),
        forms: has('process-admin'),
        inspector: has('process-admin') || has('auditor'),
        reports: Boolean(s && reportAccess(s) !== 'none'),
        assessment: maySeeAssessments(s),
        hotspots: Boolean(s && mayReadHotspots(s)),
        knowledge: mayReadKnowledge(s),
        // issue 17: reply templates, for those who draft or review replies
        replyTemplates: Boolean(s && seesCases(s)),
      };
    },
    csrfTokenFor: (res) => csrf.tokenFor(res),
    reports: reportServiceOn(db, { clock, log, figures: deps.reportFigures ?? reportFigures }),
    assessmentService: createAssessmentService({ engine, repo: createAssessmentsRepository(db, { now }), audit, clock, log }),
    // ---- issue 17 reply templates (templates helper)
    batchService,
    // ---- issue 19 remote workers (engine-rest helper)
    remoteWorkers: createRemoteWorkerService({ repo: createRemoteWorkersRepository(db, { now }), audit, jobTypes, clock, transaction: (work) => db.transaction(work), log }),
    engineRest: { rateLimit: o.engineRestRateLimit ?? 12_000, pollMs: o.engineRestPollMs ?? 500, log },
    // issue 19: the job handlers' stores, as the worker services serve them to remote workers
    workerDeps: createWorkerDeps({ db, key: deps.key, log, clock, engine, config: { publicBaseUrl: o.publicBaseUrl ?? 'http://localhost:3000' }, reportFigures }),
    replyTemplateService: createReplyTemplateService({ repo: createReplyTemplatesRepository(db, { now }), audit, units, clock, transaction: (work) => db.transaction(work), visible: (s, id) => caseService.visible(s, id) }),
    clock,
  };

  const app = express();
  // main.ts runs the reconciler at start-up and periodically
  app.locals.petitionService = petitionService;
  app.locals.queueService = queueService;
  // main.ts: the case facts of petitions from before the projection (once), the marks' cancels a crash cut
  app.locals.caseFacts = caseFacts;
  app.locals.invalidService = invalidService;
  app.locals.reportFigures = reportFigures;
  app.locals.hotspotService = hotspotService;
  // main.ts loads the knowledge index after start-up, before the first search asks for it
  app.locals.knowledgeService = knowledgeService;
  app.locals.gate = gate;
  // main.ts: the running batches go on at start-up and stop with the app
  app.locals.batchService = batchService;
  // the test harnesses' remote workers (SCENARIO_REMOTE_WORKERS) get their credential here
  app.locals.remoteWorkers = ctx.remoteWorkers;
  app.disable('x-powered-by');
  app.set('trust proxy', o.trustProxy ?? 0);
  // issue 19: Camunda 7's external-task REST API for remote workers — HTTP Basic with a credential,
  // no session, no CSRF, its own body parser and error shape: before all of those; machines' small
  // JSON calls, a few per job, so without a browser's security headers and without compression
  app.use('/engine-rest', engineRestRoutes(ctx));
  app.use(securityHeaders());
  // pages, JSON and unhashed files compressed as they are sent (br or gzip, as the client takes them);
  // the bundles under /assets are sent already compressed
  app.use(compression());
  app.use('/static', express.static(join(projectRoot, 'server', 'public'), { maxAge: production ? '1d' : 0 }));
  app.use('/assets', assets.handler);
  // diagrams: a draft or a deployment file may be up to 2 MB (the deploy gate's limit), a deployment several files
  app.use(['/api/deployments', '/api/processes', '/api/decisions'], express.json({ limit: '12mb' }));
  app.use(express.json({ limit: '1mb' }));
  app.use(express.urlencoded({ extended: false, limit: '1mb', parameterLimit: 200 }));
  app.use(cookieParser());
  app.use(sessionMiddleware(sessionOptions));
  app.use(csrf.middleware);
  app.use(readOnlyGuard());
  // pages and API answers are never cached: they carry CSRF tokens, challenges, personal data, or
  // change with every task (the files under /assets and /static were answered above)
  app.use((_req, res, next) => {
    res.set('cache-control', 'no-store');
    next();
  });
  // the staff menu; and 第十三条 deadlines need next year's official schedule: from 1 November until
  // it is entered, a one-line note on the pages of those who can enter it (the calendar's editors);
  // everyone else could only read it, and it took a fifth of each page (issue 15)
  app.use(async (req, res, next) => {
    try {
      const nav = ctx.navFor(staffOf(res));
      res.locals.nav = nav;
      if (calendar && nav.units && req.method === 'GET' && !req.path.startsWith('/api/')) {
        const banner = (await calendar()).nextYearBanner(clock.now());
        if (banner) res.locals.calendarNotice = { year: banner.year };
      }
      next();
    } catch (err) {
      next(err);
    }
  });

  app.get('/health', async (_req, res, next) => {
    try {
      const banner = calendar ? (await calendar()).nextYearBanner(clock.now()) : undefined;
      res.json({
        status: 'ok',
        engine: o.engineKind ?? 'embedded',
        // engine-only Camunda answers no searches: the inspector shows what the adapter's listeners and workers saw
        ...(o.engineKind === 'zeebe' && { history: '流程历史只含用户任务、作业和实例的开始与结束(Zeebe 未配置二级存储)' }),
        processes: deployed,
        // from 1 November, while next year's official schedule is missing (deadlines then count Mon–Fri)
        ...(banner && { notice: `${banner.year} 年法定节假日安排尚未录入,该年度的办理期限按周一至周五暂算` }),
      });
    } catch (err) {
      next(err);
    }
  });
  app.get('/api/openapi.json', (_req, res) => res.json(openApiDocument(ctx.publicBaseUrl)));
  app.get('/api/process-instances/:key', requireRole('auditor', 'process-admin', 'platform-reviewer'), async (req, res, next) => {
    try {
      const key = String(req.params.key);
      if (!/^[\w./-]{1,255}$/.test(key)) throw new HttpError(400, 'INVALID_KEY', '流程实例编号格式不正确');
      const instance = await engine.getProcessInstance(key);
      if (!instance) throw new HttpError(404, 'NOT_FOUND', '未找到该流程实例');
      // variables may carry personal data: not served here
      res.json({ ...instance, variables: undefined });
    } catch (err) {
      next(err);
    }
  });

  app.use(portalRoutes(ctx));
  app.use(staffRoutes(ctx));
  app.use(hotspotRoutes(ctx));
  app.use(knowledgeRoutes(ctx));
  app.use(knowledgeFlowRoutes(ctx));
  app.use(knowledgePageRoutes(ctx));
  // issue 17 reply templates (templates helper)
  app.use(replyTemplateRoutes(ctx));
  app.use(adminRoutes(ctx));
  app.use(remoteWorkerRoutes(ctx));
  app.use(processRoutes(ctx));
  app.use(decisionRoutes(ctx));
  app.use(inspectorRoutes(ctx));
  app.use(inspectorOperationRoutes(ctx));
  app.use(inspectorBatchRoutes(ctx));
  app.use(formRoutes(ctx));
  app.use(reportRoutes(ctx));
  app.use(assessmentRoutes(ctx));
  app.use(boardRoutes(ctx));
  app.use(overviewRoutes(ctx));
  app.use(apiRoutes(ctx));
  app.use(open311Routes(ctx));

  app.use((_req, _res, next) => next(new HttpError(404, 'NOT_FOUND', '页面不存在')));
  app.use(errorMiddleware(log, ctx.render));
  return app;
}


/** multipart bodies: a petition's files (at most 3) or one staff document, in memory, size-limited */
function uploads(maxBytes: number) {
  const limits = { fileSize: maxBytes, fields: 60, fieldSize: 64 * 1024, parts: 70 };
  const m = (files: number) => multer({ storage: multer.memoryStorage(), limits: { ...limits, files }, defParamCharset: 'utf8' });
  // multer names no field when there are too many files: the error names the form's file field
  const named = (mw: RequestHandler, field: string): RequestHandler => (req, res, next) =>
    mw(req, res, (err?: unknown) => {
      if (err instanceof multer.MulterError && !err.field) err.field = field;
      next(err);
    });
  return { petition: named(m(3).array('attachments', 3), 'attachments'), single: named(m(1).single('file'), 'file') };
}
