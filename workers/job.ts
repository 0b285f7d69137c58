/**
 * Shared by the workers: reading headers, and naming the job type in the message of every failure
 * (a bad or missing variable is a plain Error: the engine retries the job, then raises an incident
 * whose message says which job and which variable).
 */
import type { AppTransaction, JobContext, JobHandler, Variables } from '../engine/port.js';
import { BusinessError } from '../engine/errors.js';
import { VariableError } from '../regulation/variables.js';

export type { JobContext, JobHandler, Variables };

/** a handler whose failures say which job type they come from */
export function defineJob(type: string, handler: (variables: Variables, ctx: JobContext) => Promise<Variables | void>): JobHandler {
  return async (variables, ctx) => {
    try {
      if (typeof variables !== 'object' || variables === null) throw new VariableError('the job has no variables object');
      return await handler(variables, ctx);
    } catch (err) {
      if (err instanceof Error && !(err instanceof BusinessError) && !err.message.startsWith(`${type}: `)) {
        err.message = `${type}: ${err.message}`;
      }
      throw err;
    }
  };
}

/**
 * A write that belongs to the job's outcome: it commits with the job's completion when the engine
 * offers that (JobContext.transactional), else it is done now. Either way it must be idempotent.
 */
export async function atCompletion(ctx: JobContext, write: (tx?: AppTransaction) => Promise<void>): Promise<void> {
  if (ctx.transactional) ctx.transactional(write);
  else await write();
}

export function requireHeader(ctx: JobContext, name: string): string {
  const v = ctx?.headers?.[name];
  if (typeof v !== 'string' || v.trim() === '') throw new VariableError(`task header "${name}" is missing (zeebe:taskHeaders)`);
  return v.trim();
}

export function optionalHeader(ctx: JobContext, name: string): string | undefined {
  const v = ctx?.headers?.[name];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

export function headerOneOf<T extends string>(ctx: JobContext, name: string, allowed: readonly T[]): T {
  const v = requireHeader(ctx, name);
  if (!(allowed as readonly string[]).includes(v)) throw new VariableError(`task header "${name}" must be one of ${allowed.join(', ')} (got ${JSON.stringify(v)})`);
  return v as T;
}
