/**
 * `publish-reply`: 第二十条、第二十一条 — a reply is published only when the review approved it
 * (`reviewApproved === true`), the platform marked it publishable (`publishable === true`) and so did
 * the unit (`reply.publishable === true`: the platform cannot publish what the unit marked 不宜公开), with
 * the petitioner's name, phone and address and anything that looks like personal data masked.
 * Output `published`.
 */
import { mayPublish, preparePublication } from '../regulation/publication.js';
import { requireId } from '../regulation/variables.js';
import type { WorkerDeps } from './deps.js';
import { atCompletion, defineJob, type JobHandler } from './job.js';

export function createPublishReply(deps: Pick<WorkerDeps, 'clock' | 'petitions' | 'publications' | 'logger'>): JobHandler {
  return defineJob('publish-reply', async (variables, ctx) => {
    const petitionId = requireId(variables, 'petitionId');
    if (!mayPublish(variables.reviewApproved, variables.publishable, variables.reply)) {
      return { published: false };
    }
    const source = await deps.petitions.getPublicationSource(petitionId);
    if (!source) throw new Error(`petition "${petitionId}" is not known to the petition store`);
    const { title, maskedText } = preparePublication(variables.reply, source);
    const publishedAt = deps.clock.now();
    await atCompletion(ctx, async (tx) => {
      const result = await deps.publications.publish({ petitionId, title, maskedText, publishedAt }, tx);
      deps.logger.info({ jobKey: ctx.jobKey, petitionId, ...result }, 'reply published');
    });
    return { published: true };
  });
}
