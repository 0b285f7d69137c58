/**
 * What the routes use, built once per app by `createApp` (app.ts): its own module, so that the routes
 * and the app that mounts them do not import each other.
 */
import type { RequestHandler, Response } from 'express';
import type { EnginePort } from '../engine/port.js';
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
import type { FormService } from './services/form-service.js';
import type { InspectorService } from './services/inspector-service.js';
import type { MergeService } from './services/merge-service.js';
import type { PetitionService } from './services/petition-service.js';
import type { StaffingService } from './services/staffing-service.js';
import type { TaskService } from './services/task-service.js';
import type { QueueService } from './services/queue-service.js';
import type { HotspotService } from './services/hotspot-service.js';

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
  /** similar petitions at screening and 归并 (issue 15) */
  mergeService: MergeService;
  /** hotspots (第二十三条(二)): clusters of a window, and 督办 from one */
  hotspotService: HotspotService;
  attachmentService: AttachmentService;
  adminService: AdminService;
  gate: DeployGate;
  /** the form versions and the form editor's checks (the live `forms` map is updated on save) */
  formService: FormService;
  /** what the modeler's canvas lints against: the registered job types and the forms there are now */
  lintInputs(): Promise<{ jobTypes: string[]; formIds: string[] }>;
  /** the modeler's drafts */
  drafts: DraftsRepository;
  engine: EnginePort;
  inspector: InspectorService;
  /** whether the people the diagrams need are there: dispatch check, unassignable tasks */
  staffing: StaffingService;
  challenges: ChallengeIssuer;
  sessionOptions: SessionOptions;
  limits: { portal: RequestHandler; login: RequestHandler };
  upload: { petition: RequestHandler; single: RequestHandler };
  uploadMaxMb: number;
  open311ApiKeys: string[];
  publicBaseUrl: string;
  townshipOptions(): Promise<{ value: string; label: string }[]>;
  navFor(staff: StaffRecord | undefined): Record<string, boolean>;
  /** the CSRF token of the response's visitor and session (a sign-in changes it) */
  csrfTokenFor(res: Response): string;
}
