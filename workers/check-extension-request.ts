/**
 * `check-extension-request`: 第十四条 — refused at once for a 突发 matter, a third request
 * (`extensionCount >= 2`), a request after the deadline (now > finishDueAt), or a requested number of
 * days that is not a whole number from 1 to 30; otherwise it goes to the platform office's review.
 */
import { checkExtension, extensionRequestOf } from '../regulation/extension.js';
import type { WorkerDeps } from './deps.js';
import { defineJob, type JobHandler } from './job.js';

export function createCheckExtensionRequest(deps: Pick<WorkerDeps, 'clock'>): JobHandler {
  return defineJob('check-extension-request', async (variables) => {
    return { ...checkExtension(extensionRequestOf(variables, variables.extensionDays), deps.clock.now()) };
  });
}
