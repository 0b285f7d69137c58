/**
 * What the routes use, built once per app by `createApp` (app.ts): its own module, so that the routes
 * and the app that mounts them do not import each other.
 */
import type { RequestHandler, Response } from 'express';
import type { EnginePort } from '../engine/port.js';
import type { AppWorkerDeps } from './engine-setup.js';
import type { AuditRepository } from './data/audit-repository.js';
import type { DraftsRepository } from './data/drafts-repository.js';
import type { PetitionsRepository } from './data/petitions-repository.js';
import type { StaffRecord, StaffRepository } from './data/staff-repository.js';
import type { DeployGate } from './deploy/deploy-gate.js';
import type { ChallengeIssuer } from './domain/challenge.js';
import type { Render } from './http/views.js';
import type { SessionOptions } from './http/web.js';
import type { AdminService } from './services/admin-service.js';
import type { AttachmentService } from './services/attachment-service.js';
import type { CaseService } from './services/case-service.js';
import type { DecisionService } from './services/decision-service.js';
import type { BoardService } from './services/board-service.js';
import type { OverviewService } from './services/overview-service.js';
import type { FormService } from './services/form-service.js';
import type { InspectorService } from './services/inspector-service.js';
import type { BatchService } from './services/batch-service.js';
import type { MergeService } from './services/merge-service.js';
import type { InvalidPetitionService } from './services/invalid-petition-service.js';
import type { ReportFiguresService } from './services/report-figures-service.js';
import type { PetitionService } from './services/petition-service.js';
import type { StaffingService } from './services/staffing-service.js';
import type { TaskService } from './services/task-service.js';
import type { QueueService } from './services/queue-service.js';
import type { ReportService } from './services/report-service.js';
import type { AssessmentService } from './services/assessment-service.js';
import type { HotspotService } from './services/hotspot-service.js';
import type { KnowledgeService } from './services/knowledge-service.js';
import type { KnowledgeFlowService } from './services/knowledge-flow-service.js';
import type { Logger } from './logger.js';
import type { RemoteWorkerService } from './services/remote-worker-service.js';
// issue 17 reply templates (templates helper)
import type { ReplyTemplateService } from './services/reply-template-service.js';

export interface AppContext {
  render: Render;
  /** answer a page: the view with the request's locals (signed-in staff, CSRF token, menu, notice) */
  page(res: Response, view: string, data: Record<string, unknown>, status?: number): void;
  petitions: PetitionsRepository;
  staff: StaffRepository;
  audit: AuditRepository;
  petitionService: PetitionService;
  taskService: TaskService;
  /** the work queue: tabs, filters, pages, counts; claim, release, assign, priority */
  queueService: QueueService;
  caseService: CaseService;
  /** the 红黄蓝 board (第二十六条) */
  boardService: BoardService;
  /** the leaders' overview (驾驶舱) */
  overviewService: OverviewService;
  /** similar petitions at screening and 归并 (issue 15) */
  mergeService: MergeService;
  /** 恶意、虚假诉求 (第二十七条 附则): the mark, its undo, the repeated-sender flag */
  invalidService: InvalidPetitionService;
  /** 第二十五条: the figures of a 月报/季报 and of any window */
  reportFigures: ReportFiguresService;
  /** hotspots (第二十三条(二)): clusters of a window, and 督办 from one */
  hotspotService: HotspotService;
  /** the knowledge base (知识库, issue 17): entries, history, synonyms, search */
  knowledgeService: KnowledgeService;
  /** the knowledge base's review process: submit, retire, propose from a case's approved reply */
  knowledgeFlow: KnowledgeFlowService;
  attachmentService: AttachmentService;
  adminService: AdminService;
  gate: DeployGate;
  /** the form versions and the form editor's checks (the live `forms` map is updated on save) */
  formService: FormService;
  /** what the modeler's canvas lints against: the registered job types and the forms there are now */
  lintInputs(): Promise<{ jobTypes: string[]; formIds: string[] }>;
  /** the modeler's drafts */
  drafts: DraftsRepository;
  /** the decision tables: versions, 检查, 部署, 试算, the editor's drafts (issue 16) */
  decisionService: DecisionService;
  engine: EnginePort;
  inspector: InspectorService;
  /** whether the people the diagrams need are there: dispatch check, unassignable tasks */
  staffing: StaffingService;
  challenges: ChallengeIssuer;
  sessionOptions: SessionOptions;
  limits: { portal: RequestHandler; login: RequestHandler; knowledge: RequestHandler };
  upload: { petition: RequestHandler; single: RequestHandler };
  uploadMaxMb: number;
  open311ApiKeys: string[];
  publicBaseUrl: string;
  townshipOptions(): Promise<{ value: string; label: string }[]>;
  navFor(staff: StaffRecord | undefined): Record<string, boolean>;
  /** 第二十七条: unit assessments and their 通报 */
  assessmentService: AssessmentService;
  /** the app's clock (tests move it) */
  clock: { now(): Date };
  /** the CSRF token of the response's visitor and session (a sign-in changes it) */
  csrfTokenFor(res: Response): string;
  /** 第二十五条: the 月报 and 季报 archive */
  reports: ReportService;
  // ---- issue 17 reply templates (templates helper)
  /** reply templates / 常用语 per category, and the draft-reply task's side panel */
  replyTemplateService: ReplyTemplateService;
  // ---- issue 18 batch operations (batch helper)
  /** the inspector's batch operations over a filter (cancel, set variables …) */
  batchService: BatchService;
  // ---- issue 19 remote workers (engine-rest helper)
  /** remote workers' credentials and the record of their calls (/engine-rest) */
  remoteWorkers: RemoteWorkerService;
  /** /engine-rest: calls per credential and minute, how often a long poll looks for other processes' jobs (ms), where failures are logged */
  engineRest: { rateLimit: number; pollMs: number; log: Logger };
  // ---- issue 19 remote workers (worker services helper)
  /** what the job handlers use, served to remote workers by server/routes/worker-services.ts */
  workerDeps: AppWorkerDeps;
}
