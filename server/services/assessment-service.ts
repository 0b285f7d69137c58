/**
 * 第二十七条 考核: platform reviewers request an assessment of a period (a month or quarter that has
 * ended); the request publishes `assessment-requested`, which starts processes/unit-assessment.bpmn,
 * and writes the assessment's row (and its audit line) in the same transaction. Its workers take
 * the figures, the decision table scores each unit, the ranking is recorded and the assessment is
 * done — for good: a new assessment of the period is a new edition.
 *
 * Who sees what: the platform office (受理员, 审核员), city leaders and auditors every unit; a unit's
 * staff their own unit's figures and rank only; everyone else nothing. The 通报 documents name
 * several units: the platform, leaders and auditors download them. The templates: platform reviewers
 * edit them; the platform and auditors read them.
 */
import { randomUUID } from 'node:crypto';
import { UniqueConstraintError } from 'sequelize';
import type { EnginePort } from '../../engine/port.js';
import { NOTICE_KIND_LABELS, NOTICE_KINDS, type NoticeKind } from '../../regulation/assessment.js';
import { checkTemplate, DEFAULT_TEMPLATES, type NoticeTemplate } from '../../regulation/notice-template.js';
import { parsePeriod, periodKey, reportPeriod, shanghaiMidnight } from '../../regulation/report-period.js';
import type { AuditRepository } from '../data/audit-repository.js';
import type { AssessmentRecord, AssessmentsRepository, AssessmentUnitRecord } from '../data/assessments-repository.js';
import type { StaffRecord } from '../data/staff-repository.js';
import { hasUnitRole } from '../domain/roles.js';
import { HttpError } from '../http-error.js';
import type { Logger } from '../logger.js';
import { renderNotice } from './assessment-notices.js';

export const ASSESSMENT_MESSAGE = 'assessment-requested';

/** roles that see every unit of an assessment */
const SEE_ALL = ['intake-operator', 'platform-reviewer', 'city-leader', 'auditor'] as const;
/** roles that read the 通报 templates */
const READ_TEMPLATES = ['platform-reviewer', 'auditor'] as const;

export const STATE_LABELS = { running: '考核中', done: '已完成' } as const;

export interface AssessmentSummary {
  id: string;
  period: { kind: string; year: number; index: number; key: string; label: string };
  edition: number;
  state: AssessmentRecord['state'];
  stateLabel: string;
  decisionVersion: number | null;
  requestedAt: Date;
  doneAt: Date | null;
}

export interface AssessmentDetail extends AssessmentSummary {
  /** how many units were ranked (all of them, whoever reads) */
  rankedCount: number;
  /** the units the reader may see: every one, or their own */
  units: AssessmentUnitRecord[];
  /** true when the reader sees only their own unit */
  ownOnly: boolean;
}

export interface AssessmentServiceDeps {
  engine: EnginePort;
  repo: AssessmentsRepository;
  audit: AuditRepository;
  clock: { now(): Date };
  log: Logger;
}

type Scope = { all: true } | { all: false; unitId: string };

/** what of the assessments an account may see; undefined: nothing */
export function scopeOf(staff: StaffRecord): Scope | undefined {
  if (SEE_ALL.some((r) => staff.roles.includes(r))) return { all: true };
  if (hasUnitRole(staff.roles) && staff.unitId) return { all: false, unitId: staff.unitId };
  return undefined;
}

export const maySeeAssessments = (staff: StaffRecord | undefined) => Boolean(staff && scopeOf(staff));
export const mayRequestAssessments = (staff: StaffRecord | undefined) => Boolean(staff?.roles.includes('platform-reviewer'));
export const mayDownloadNotices = (staff: StaffRecord | undefined) => Boolean(staff && SEE_ALL.some((r) => staff.roles.includes(r)));
export const mayReadTemplates = (staff: StaffRecord | undefined) => Boolean(staff && READ_TEMPLATES.some((r) => staff.roles.includes(r)));

function summary(a: AssessmentRecord): AssessmentSummary {
  const p = reportPeriod(a.period.kind, a.period.year, a.period.index);
  return {
    id: a.id,
    period: { kind: p.kind, year: p.year, index: p.index, key: periodKey(p), label: p.label },
    edition: a.edition,
    state: a.state,
    stateLabel: STATE_LABELS[a.state],
    decisionVersion: a.decisionVersion,
    requestedAt: a.requestedAt,
    doneAt: a.doneAt,
  };
}

const ID = /^[0-9a-f-]{36}$/;

export function parseNoticeKind(kind: unknown): NoticeKind {
  if (typeof kind !== 'string' || !(NOTICE_KINDS as readonly string[]).includes(kind)) throw new HttpError(404, 'NOT_FOUND', '通报类型只能是 praise(通报表扬)或 criticism(通报批评)');
  return kind as NoticeKind;
}

export function createAssessmentService(deps: AssessmentServiceDeps) {
  const { engine, repo, audit, clock } = deps;

  function scope(staff: StaffRecord): Scope {
    const s = scopeOf(staff);
    if (!s) throw new HttpError(403, 'FORBIDDEN', '您的账号无权查看考核结果');
    return s;
  }

  async function found(id: string): Promise<AssessmentRecord> {
    if (typeof id !== 'string' || !ID.test(id)) throw new HttpError(404, 'NOT_FOUND', '未找到该考核');
    const a = await repo.get(id);
    if (!a) throw new HttpError(404, 'NOT_FOUND', '未找到该考核');
    return a;
  }

  return {
    /** a new assessment of the period `2026-Q1` / `2026-03` that has ended */
    async request(staff: StaffRecord, input: { period?: unknown }): Promise<AssessmentSummary> {
      if (!mayRequestAssessments(staff)) throw new HttpError(403, 'FORBIDDEN', '只有平台审核员可以开展考核');
      const period = parsePeriod(input.period);
      if (!period) throw new HttpError(400, 'INVALID_INPUT', '考核期格式不正确:季度写作 2026-Q1,月份写作 2026-03', [{ field: 'period', message: '季度写作 2026-Q1,月份写作 2026-03' }]);
      const now = clock.now();
      if (shanghaiMidnight(period.to).getTime() > now.getTime()) {
        throw new HttpError(400, 'PERIOD_NOT_ENDED', `${period.label}尚未结束,结束后才能考核`, [{ field: 'period', message: '考核期尚未结束' }]);
      }
      const id = randomUUID();
      const key = { kind: period.kind, year: period.year, index: period.index };
      let created: AssessmentRecord | undefined;
      try {
        await engine.publishMessage({
          name: ASSESSMENT_MESSAGE,
          correlationKey: id,
          messageId: id,
          variables: { assessmentId: id },
          // the row and the instance's start commit together (embedded); on Zeebe the row commits
          // once the broker took the message, and the first job retries until it sees the row
          transactional: async (tx, result) => {
            const running = await repo.runningOf(key, tx);
            if (running) throw new HttpError(409, 'ASSESSMENT_RUNNING', `${period.label}的考核正在进行,完成后可再次考核`);
            created = await repo.create({ id, period: key, requestedBy: staff.id, at: now, processInstanceKey: result.correlatedInstanceKeys[0] ?? null }, tx);
            await audit.append({ actor: staff.id, action: 'assessment.requested', detail: { assessmentId: id, period: periodKey(period), edition: created.edition } }, tx);
          },
        });
      } catch (err) {
        // two requests of the same period at once: the edition's unique index let one through
        if (err instanceof UniqueConstraintError) throw new HttpError(409, 'ASSESSMENT_RUNNING', `${period.label}的考核正在进行,完成后可再次考核`);
        throw err;
      }
      deps.log.info({ assessmentId: id, period: periodKey(period), edition: created?.edition }, 'assessment requested');
      return summary(created ?? (await found(id)));
    },

    async list(staff: StaffRecord): Promise<AssessmentSummary[]> {
      scope(staff);
      return (await repo.list({ limit: 200 })).map(summary);
    },

    async read(staff: StaffRecord, id: string): Promise<AssessmentDetail> {
      const s = scope(staff);
      const a = await found(id);
      const units = await repo.units(a.id);
      return {
        ...summary(a),
        rankedCount: units.filter((u) => u.rank !== null).length,
        units: s.all ? units : units.filter((u) => u.unitId === s.unitId),
        ownOnly: !s.all,
      };
    },

    /** the 表扬 or 批评 通报 of a done assessment, as a Word file */
    async notice(staff: StaffRecord, id: string, kindParam: unknown): Promise<{ filename: string; buffer: Buffer }> {
      if (!mayDownloadNotices(staff)) throw new HttpError(403, 'FORBIDDEN', '您的账号无权下载通报');
      const kind = parseNoticeKind(kindParam);
      const a = await found(id);
      if (a.state !== 'done' || !a.doneAt) throw new HttpError(409, 'ASSESSMENT_RUNNING', '考核尚未完成,完成后才能生成通报');
      const p = reportPeriod(a.period.kind, a.period.year, a.period.index);
      const template = (await repo.getTemplate(kind))?.template ?? DEFAULT_TEMPLATES[kind];
      const buffer = await renderNotice({ kind, template, periodLabel: p.label, year: p.year, edition: a.edition, doneAt: a.doneAt, units: await repo.units(a.id) });
      return { filename: `${p.label}考核${NOTICE_KIND_LABELS[kind]}(第${a.edition}版).docx`, buffer };
    },

    async template(staff: StaffRecord, kindParam: unknown): Promise<{ kind: NoticeKind; template: NoticeTemplate; isDefault: boolean; updatedBy: string | null; updatedAt: Date | null }> {
      if (!mayReadTemplates(staff)) throw new HttpError(403, 'FORBIDDEN', '您的账号无权查看通报模板');
      const kind = parseNoticeKind(kindParam);
      const saved = await repo.getTemplate(kind);
      return saved ? { kind, template: saved.template, isDefault: false, updatedBy: saved.updatedBy, updatedAt: saved.updatedAt } : { kind, template: DEFAULT_TEMPLATES[kind], isDefault: true, updatedBy: null, updatedAt: null };
    },

    async saveTemplate(staff: StaffRecord, kindParam: unknown, body: unknown) {
      if (!mayRequestAssessments(staff)) throw new HttpError(403, 'FORBIDDEN', '只有平台审核员可以修改通报模板');
      const kind = parseNoticeKind(kindParam);
      const { template, problems } = checkTemplate(body);
      if (!template) throw new HttpError(400, 'INVALID_TEMPLATE', problems.map((p) => p.message).join(';'), problems);
      const saved = await repo.saveTemplate(kind, template, staff.id);
      await audit.append({ actor: staff.id, action: 'notice-template.saved', detail: { kind } });
      return { kind, template: saved.template, isDefault: false, updatedBy: saved.updatedBy, updatedAt: saved.updatedAt };
    },
  };
}

export type AssessmentService = ReturnType<typeof createAssessmentService>;
