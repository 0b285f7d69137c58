/**
 * Every job type of docs/process-contract.md and its handler. The app (and the scenario tests)
 * register them all: `for (const [type, handler] of Object.entries(createWorkers(deps))) engine.registerWorker(type, handler)`.
 */
import type { JobHandler, WorkerOptions } from '../engine/port.js';
import { createCheckExtensionRequest } from './check-extension-request.js';
import { createCheckReturnRequest } from './check-return-request.js';
import { createCheckReportDue } from './check-report-due.js';
import { createIssueReport } from './issue-report.js';
import { createComputeDeadlines } from './compute-deadlines.js';
import type { WorkerDeps } from './deps.js';
import { createExtendDeadline } from './extend-deadline.js';
import { createNotify } from './notify.js';
import { createPublishReply } from './publish-reply.js';
import { createRaiseWarning } from './raise-warning.js';
import { createSetPetitionStatus } from './set-petition-status.js';
import { createSuggestUnit } from './suggest-unit.js';
import { createTransferToInspection } from './transfer-to-inspection.js';
import { createGatherAssessment } from './gather-assessment.js';
import { createRecordAssessment } from './record-assessment.js';
import { createSetKnowledgeStatus } from './set-knowledge-status.js';
import { createSaveKnowledgeRevision } from './save-knowledge-revision.js';

export const jobTypes = [
  'compute-deadlines',
  'suggest-unit',
  'check-return-request',
  'check-extension-request',
  'extend-deadline',
  'notify',
  'raise-warning',
  'transfer-to-inspection',
  'publish-reply',
  'set-petition-status',
  'check-report-due',
  'issue-report',
  'gather-assessment',
  'record-assessment',
  'set-knowledge-status',
  'save-knowledge-revision',
] as const;

export type JobType = (typeof jobTypes)[number];

/**
 * The handlers that compute from their variables and write only through JobContext.transactional:
 * the embedded engine runs them in the transaction that reaches them (WorkerOptions.inline).
 * `publish-reply` is not one: its logged read of the petitioner's identity is a write of its own;
 * nor `issue-report` and the assessment's: a period's figures are a long read that must not hold the
 * engine's write transaction.
 */
const NOT_INLINE: readonly JobType[] = ['publish-reply', 'issue-report', 'gather-assessment', 'record-assessment'];
export const inlineJobTypes: ReadonlySet<string> = new Set<JobType>(jobTypes.filter((t) => !NOT_INLINE.includes(t)));

/** how a job type is registered: `inline` where the handler allows it */
export function workerOptions(type: string, options: WorkerOptions = {}): WorkerOptions {
  return { ...options, inline: inlineJobTypes.has(type) };
}

export function createWorkers(deps: WorkerDeps): Record<JobType, JobHandler> {
  return {
    'compute-deadlines': createComputeDeadlines(deps),
    'suggest-unit': createSuggestUnit(deps),
    'check-return-request': createCheckReturnRequest(deps),
    'check-extension-request': createCheckExtensionRequest(deps),
    'extend-deadline': createExtendDeadline(deps),
    notify: createNotify(deps),
    'raise-warning': createRaiseWarning(deps),
    'transfer-to-inspection': createTransferToInspection(deps),
    'publish-reply': createPublishReply(deps),
    'set-petition-status': createSetPetitionStatus(deps),
    'check-report-due': createCheckReportDue(deps),
    'issue-report': createIssueReport(deps),
    'gather-assessment': createGatherAssessment(deps),
    'record-assessment': createRecordAssessment(deps),
    'set-knowledge-status': createSetKnowledgeStatus(deps),
    'save-knowledge-revision': createSaveKnowledgeRevision(deps),
  };
}
