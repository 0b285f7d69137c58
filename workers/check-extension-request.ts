/**
 * `check-extension-request`: 第十四条 — refused at once for a 突发 matter, a third request
 * (`extensionCount >= 2`), a request after the deadline (now > finishDueAt), or a requested number of
 * days that is not a whole number from 1 to 30; otherwise it goes to the platform office's review.
 */
import { checkExtension } from '../server/domain/extension.js';
import { readBoolean, readInteger, requireInstant } from '../server/domain/variables.js';
import type { WorkerDeps } from './deps.js';
import { defineJob, type JobHandler } from './job.js';

export function createCheckExtensionRequest(deps: Pick<WorkerDeps, 'clock'>): JobHandler {
  return defineJob('check-extension-request', async (variables) => {
    const request = {
      urgent: readBoolean(variables, 'urgent', false),
      extensionCount: readInteger(variables, 'extensionCount', { min: 0, fallback: 0 }),
      finishDueAt: requireInstant(variables, 'finishDueAt'),
      extensionDays: variables.extensionDays,
    };
    return { ...checkExtension(request, deps.clock.now()) };
  });
}
