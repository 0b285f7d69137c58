/**
 * The worker services a remote worker may call (issue 19), shared by the app (server/routes/worker-services.ts,
 * which refuses any other call) and the remote side (workers/remote/remote-deps.ts). Each method of the
 * WorkerDeps interfaces (workers/deps.ts) is `POST /engine-rest/worker-services/<service>/<method>`;
 * the calendar is `calendar/load` (what a WorkingCalendar is built from: the remote side builds it with
 * the same rules). The clock, the logger and the config are the worker process's own.
 */
import type { JobType } from '../registry.js';

export const SERVICE_METHODS = [
  'calendar.load',
  'outbox.enqueue',
  'ledger.recordWarning',
  'ledger.recordTransfer',
  'publications.publish',
  'units.list',
  'units.recipient',
  'petitions.setStatus',
  'petitions.getPublicationSource',
  'petitions.mergedFrom',
  'reports.scheduled',
  'reports.figures',
  'reports.archiveScheduled',
  'assessments.get',
  'assessments.createScheduled',
  'assessments.unitFigures',
  'assessments.saveFigures',
  'assessments.figures',
  'assessments.decisionVersion',
  'assessments.complete',
  'knowledge.get',
  'knowledge.step',
  'knowledge.revise',
] as const;

export type ServiceMethod = (typeof SERVICE_METHODS)[number];

/**
 * What each job type's handler calls (read from workers/*.ts, helpers included: recipients.ts's
 * findUnit reads units.list, unitRecipient units.recipient). A job locked by a credential opens only
 * these: a worker holding a `notify` job cannot read a petitioner's identity. A handler that starts
 * calling another method must be added here, or its remote calls are refused (403).
 */
export const SERVICE_USE: Readonly<Record<JobType, readonly ServiceMethod[]>> = {
  'compute-deadlines': ['calendar.load'],
  'suggest-unit': ['units.list'],
  'check-return-request': [],
  'check-extension-request': [],
  'extend-deadline': ['calendar.load'],
  notify: ['outbox.enqueue', 'units.list', 'units.recipient', 'petitions.mergedFrom'],
  'raise-warning': ['calendar.load', 'ledger.recordWarning', 'outbox.enqueue', 'units.list', 'units.recipient'],
  'transfer-to-inspection': ['ledger.recordTransfer', 'outbox.enqueue', 'units.list'],
  'publish-reply': ['petitions.getPublicationSource', 'publications.publish'],
  'set-petition-status': ['petitions.setStatus'],
  'check-report-due': ['calendar.load'],
  'issue-report': ['reports.scheduled', 'reports.figures', 'reports.archiveScheduled', 'outbox.enqueue'],
  'gather-assessment': ['assessments.get', 'assessments.unitFigures', 'assessments.createScheduled', 'assessments.saveFigures'],
  'record-assessment': ['assessments.get', 'assessments.figures', 'assessments.decisionVersion', 'assessments.complete'],
  'set-knowledge-status': ['knowledge.get', 'knowledge.step'],
  'save-knowledge-revision': ['knowledge.get', 'knowledge.revise'],
};

/** whether a job of `topic` may call `method` (an unknown topic: none) */
export function usesService(topic: string, method: string): boolean {
  const uses = (SERVICE_USE as Record<string, readonly string[] | undefined>)[topic];
  return uses !== undefined && uses.includes(method);
}

/** the path of a method under the worker services (`outbox.enqueue` → `/outbox/enqueue`) */
export function servicePath(method: ServiceMethod): string {
  return `/${method.replace('.', '/')}`;
}
