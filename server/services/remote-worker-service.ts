/**
 * Remote workers' credentials (issue 19): an admin creates one for a remote system, scoped to the
 * job types (topics) it may take, and sees its secret once; every /engine-rest call authenticates
 * with it (HTTP Basic: the id and the secret) and is recorded. Revoking takes effect at once in this
 * process and within a second in any other (the verify cache's life).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Transaction } from 'sequelize';
import { looksPersonal } from '../../regulation/masking.js';
import type { AuditRepository } from '../data/audit-repository.js';
import type { RemoteCallEntry, RemoteCallRecord, RemoteWorkerRecord, RemoteWorkersRepository } from '../data/remote-workers-repository.js';
import type { StaffRecord } from '../data/staff-repository.js';
import type { RemoteWorkerIdentity } from '../domain/remote-worker.js';
import { HttpError } from '../http-error.js';

export interface RemoteWorkerServiceDeps {
  repo: RemoteWorkersRepository;
  audit: AuditRepository;
  /** the registered job types: a credential's topics are chosen among them */
  jobTypes: readonly string[];
  clock: { now(): Date };
  transaction: <T>(work: (tx: Transaction) => Promise<T>) => Promise<T>;
  /** how long a verified (or refused) credential is taken from memory (ms, default 1000) */
  cacheMs?: number;
  /** how often last_used_at is written at most (ms, default 60 000) */
  touchEveryMs?: number;
  log?: { warn(obj: object, msg: string): void };
}

export const CREDENTIAL_ID = /^rw_[A-Za-z0-9_-]{8,60}$/;
const NAME_MAX = 100;

/**
 * The stored form of a secret. A plain SHA-256, not scrypt or argon2: the secret is 32 random bytes
 * (256 bits), so no dictionary or brute force can reach it and a slow hash adds nothing; and every
 * /engine-rest call authenticates, where scrypt would cost ~50 ms of CPU per call.
 */
const hashOf = (secret: string): Buffer => createHash('sha256').update(secret, 'utf8').digest();

export function createRemoteWorkerService(deps: RemoteWorkerServiceDeps) {
  const { repo, audit, clock } = deps;
  const cacheMs = deps.cacheMs ?? 1000;
  const touchEveryMs = deps.touchEveryMs ?? 60_000;
  const known = new Set(deps.jobTypes);
  /** id → the row (undefined: none such) and when it was read (monotonic ms) */
  const cache = new Map<string, { row: (RemoteWorkerRecord & { secretHash: string }) | undefined; readAt: number }>();
  const touched = new Map<string, number>();

  function validate(input: Record<string, unknown>): { name: string; topics: string[] } {
    const problems: { field: string; message: string }[] = [];
    const rawName = input.name;
    const name = typeof rawName === 'string' ? rawName.trim() : '';
    if (!name) problems.push({ field: 'name', message: '请填写名称(如「县OA签批接口」)' });
    else if (name.length > NAME_MAX) problems.push({ field: 'name', message: `名称最多 ${NAME_MAX} 个字` });
    // eslint-disable-next-line no-control-regex
    else if (/[\u0000-\u001f\u007f<>]/.test(name)) problems.push({ field: 'name', message: '名称不能含控制字符或 < >' });
    else if (looksPersonal(name)) problems.push({ field: 'name', message: '名称不能含手机号、身份证号或邮箱' });
    const raw = input.topics;
    const list = raw === undefined || raw === null || raw === '' ? [] : Array.isArray(raw) ? raw : [raw];
    const topics = [...new Set(list.map((t) => (typeof t === 'string' ? t.trim() : '')))];
    if (!topics.length || (topics.length === 1 && !topics[0])) problems.push({ field: 'topics', message: '请至少选择一个作业类型' });
    else {
      const unknown = topics.filter((t) => !known.has(t));
      if (unknown.length) problems.push({ field: 'topics', message: `没有作业类型 ${unknown.map((t) => t || '(空)').join('、')}` });
    }
    if (problems.length) throw new HttpError(400, 'INVALID_INPUT', problems.map((p) => p.message).join(';'), problems);
    return { name, topics };
  }

  async function read(id: string) {
    const hit = cache.get(id);
    const t = performance.now();
    if (hit && t - hit.readAt < cacheMs) return hit.row;
    const row = await repo.getWithHash(id);
    cache.set(id, { row, readAt: t });
    // a bounded map: ids guessed by strangers do not pile up
    if (cache.size > 10_000) for (const [k, v] of cache) if (t - v.readAt >= cacheMs) cache.delete(k);
    return row;
  }

  return {
    /** a new credential; its secret is answered here only — it is kept as a hash */
    async create(actor: StaffRecord, input: Record<string, unknown>): Promise<{ credential: RemoteWorkerRecord; secret: string }> {
      const { name, topics } = validate(input);
      const id = `rw_${randomBytes(12).toString('base64url')}`;
      const secret = randomBytes(32).toString('base64url');
      const credential = await deps.transaction(async (tx) => {
        const rec = await repo.insert({ id, name, topics, secretHash: hashOf(secret).toString('hex'), createdBy: actor.id }, tx);
        await audit.append({ actor: actor.id, action: 'remote-worker.created', detail: { credentialId: id, label: name, topics } }, tx);
        return rec;
      });
      return { credential, secret };
    },
    list: () => repo.list(),
    async get(id: string): Promise<RemoteWorkerRecord> {
      const rec = CREDENTIAL_ID.test(id) ? await repo.get(id) : undefined;
      if (!rec) throw new HttpError(404, 'NOT_FOUND', '远程作业凭据不存在');
      return rec;
    },
    /** at once: this process forgets it now, other processes within the cache's life */
    async revoke(actor: StaffRecord, id: string): Promise<RemoteWorkerRecord> {
      const rec = await this.get(id);
      if (rec.revokedAt) throw new HttpError(409, 'ALREADY_REVOKED', '该凭据已吊销');
      await deps.transaction(async (tx) => {
        if (!(await repo.revoke(id, actor.id, tx))) throw new HttpError(409, 'ALREADY_REVOKED', '该凭据已吊销');
        await audit.append({ actor: actor.id, action: 'remote-worker.revoked', detail: { credentialId: id, label: rec.name } }, tx);
      });
      cache.delete(id);
      return this.get(id);
    },
    /**
     * The identity of an active credential whose secret this is. Refused: an unknown id, a wrong
     * secret, a revoked credential (`known`: the id names a credential, for the record; the caller
     * answers all three alike).
     */
    async verify(id: string, secret: string): Promise<{ identity?: RemoteWorkerIdentity; known: boolean; reason?: 'unknown' | 'wrong-secret' | 'revoked' }> {
      if (!CREDENTIAL_ID.test(id) || typeof secret !== 'string' || secret.length > 256) return { known: false, reason: 'unknown' };
      const row = await read(id);
      // hash either way: an unknown id costs what a known one does
      const given = hashOf(secret);
      const stored = row ? Buffer.from(row.secretHash, 'hex') : Buffer.alloc(32);
      const same = stored.length === given.length && timingSafeEqual(stored, given);
      if (!row) return { known: false, reason: 'unknown' };
      if (!same) return { known: true, reason: 'wrong-secret' };
      if (row.revokedAt) return { known: true, reason: 'revoked' };
      const at = clock.now().getTime();
      const last = touched.get(id) ?? row.lastUsedAt?.getTime();
      if (last === undefined || at - last >= touchEveryMs) {
        touched.set(id, at);
        // awaited (once a minute per credential): no write is left running after the call
        await repo.touch(id, at).catch((err) => deps.log?.warn({ err, credentialId: id }, 'remote worker: last_used_at not written'));
      }
      return { known: true, identity: { credentialId: row.id, name: row.name, topics: row.topics } };
    },
    /** one row of the calls' record, in the caller's transaction when given */
    recordCall: (entry: RemoteCallEntry, tx?: Transaction) => repo.recordCall(entry, tx),
    /** a call's writes and its row in one transaction: both or neither (`entry` once the work is done) */
    async withCall<T>(work: (tx: Transaction) => Promise<T>, entry: (result: T) => RemoteCallEntry): Promise<T> {
      return deps.transaction(async (tx) => {
        const result = await work(tx);
        await repo.recordCall(entry(result), tx);
        return result;
      });
    },
    async listCalls(id: string, page: { beforeId?: number; limit?: number } = {}): Promise<RemoteCallRecord[]> {
      await this.get(id);
      return repo.listCalls(id, page);
    },
  };
}

export type RemoteWorkerService = ReturnType<typeof createRemoteWorkerService>;
