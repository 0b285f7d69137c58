/**
 * Remote workers (issue 19): who is calling /engine-rest, and how the engine knows it. A credential
 * (an admin creates it, scoped to topics = job types) authenticates each call; the engine records
 * the lock holder as `<credentialId>/<client's workerId>`, so a job locked by one credential is never
 * completed — nor its data read through the worker services — by another.
 */
export interface RemoteWorkerIdentity {
  credentialId: string;
  /** what the admin called it, e.g. `县OA签批接口` */
  name: string;
  /** the job types it may take */
  topics: string[];
}

const SEP = '/';

/** the lock holder the engine stores for a client's workerId under a credential */
export function engineWorkerId(credentialId: string, workerId: string): string {
  return `${credentialId}${SEP}${workerId}`;
}

/** the credential part of a stored lock holder (undefined for a lock of the engine's own workers) */
export function credentialOfLock(lockHolder: string | null | undefined): string | undefined {
  if (!lockHolder) return undefined;
  const i = lockHolder.indexOf(SEP);
  return i > 0 ? lockHolder.slice(0, i) : undefined;
}

/** the client's workerId of a stored lock holder */
export function clientWorkerId(lockHolder: string): string {
  const i = lockHolder.indexOf(SEP);
  return i > 0 ? lockHolder.slice(i + 1) : lockHolder;
}
