/**
 * Hotspots (第二十三条(二) 集中投诉、举报的热点; 第二十五条's reports name them): the matters many
 * petitions of a window share, by township and keywords (regulation/hotspots.ts), with the trend
 * against the window before, for the platform, the city's leaders and auditors; and 督办 started from
 * one by a platform reviewer.
 *
 * Fast at a million petitions because nothing is segmented when asked: each petition's keywords are
 * stored with its submission (`index`, in that transaction; the petitions from before, once, by
 * `backfill`), and a window is one index range of that narrow table. Cases marked 恶意/虚假 (status
 * `invalid`) and 归并 into another (`merged`) are not counted.
 */
import type { Transaction } from 'sequelize';
import type { EnginePort } from '../../engine/port.js';
import type { AuditRepository } from '../data/audit-repository.js';
import type { HotspotCaseRow, KeywordRow, PetitionKeywordsRepository } from '../data/petition-keywords-repository.js';
import type { StaffRecord } from '../data/staff-repository.js';
import type { UnitsRepository } from '../data/units-repository.js';
import type { HotspotFigure } from '../../regulation/report-figures.js';
import {
  clusterHotspots,
  EXAMPLES,
  hotspotWindow,
  KEYWORDS_PER_PETITION,
  matchingTimes,
  petitionKeywords,
  shanghaiDay,
  supervisionKey,
  trendOf,
  trendSpans,
  TREND_ARROWS,
  TREND_LABELS,
  type HotspotCluster,
  type HotspotWindow,
  type KeywordCase,
  type Trend,
} from '../../regulation/hotspots.js';
import { rankedWords } from '../domain/word-segmentation.js';
import { HttpError } from '../http-error.js';
import type { Logger } from '../logger.js';
import { inputError, optionalText, type FieldProblem } from './petition-service.js';

export interface HotspotServiceDeps {
  keywords: PetitionKeywordsRepository;
  units: UnitsRepository;
  engine: EnginePort;
  audit: AuditRepository;
  clock: { now(): Date };
  log: Logger;
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  /** a supervision of the case waits for someone (case-service's rule: its open tasks) */
  underSupervision(petitionId: string): Promise<boolean>;
}

export interface HotspotCase {
  id: string;
  trackingCode: string;
  title: string;
  createdAt: Date;
}

export interface HotspotView {
  id: string;
  /** null: city-wide */
  township: string | null;
  /** 龙南镇, or 全市 for a city-wide one */
  townshipName: string;
  /** the townships its cases come from, most first (a city-wide one's) */
  townshipNames: string[];
  words: string[];
  count: number;
  previousCount: number;
  trend: Trend;
  trendLabel: string;
  trendArrow: string;
  examples: HotspotCase[];
  /** the bars of the trend chart: the window before, then the window, three spans each */
  spans: { label: string; count: number; previous: boolean }[];
  /** the 督办 started from it for this window, if any */
  supervision?: { petitionId: string; trackingCode: string; startedAt: Date };
}

export interface HotspotList {
  window: { from: string; to: string; previousFrom: string; previousTo: string; days: number };
  township: string | null;
  hotspots: HotspotView[];
}

/** who reads hotspots: the platform, the city's leaders, auditors */
const READERS = ['intake-operator', 'platform-reviewer', 'city-leader', 'auditor'];
export const mayReadHotspots = (staff: Pick<StaffRecord, 'roles'>) => staff.roles.some((r) => READERS.includes(r));
export const maySuperviseHotspots = (staff: Pick<StaffRecord, 'roles'>) => staff.roles.includes('platform-reviewer');

/** statuses of a case no unit works on any more: not the one a 督办 is started for */
const ENDED = new Set(['rejected', 'closed', 'not-rated', 'invalid', 'merged']);
const LIST_LIMIT = 20;
const MAX_LIMIT = 100;
/** cases listed in the 督办's note (the whole list is on each case's timeline) */
const NOTE_CASES = 20;
const BACKFILL_PAGE = 500;

/** a petition's keywords, as stored (the segmenter's ranked words through the hotspot rules) */
export const keywordsOf = (title: string, content: string) => petitionKeywords(rankedWords(`${title}\n${content}`, KEYWORDS_PER_PETITION * 4));

/** the rows of a window as the clustering's cases, without the excluded ones */
const casesOf = (rows: readonly KeywordRow[], excluded: ReadonlySet<string>): KeywordCase[] =>
  rows.filter((r) => !excluded.has(r.petitionId)).map((r) => ({ id: r.petitionId, township: r.township, receivedMs: r.receivedMs, words: r.words }));

/**
 * The clustering over the keyword table, without the 督办 part: what the reports need (the app's and
 * the workers' — `issue-report` runs in `npm run workers` too, with no engine or audit to give).
 */
export function createHotspotReader(deps: Pick<HotspotServiceDeps, 'keywords' | 'units'>) {
  const { keywords: repo, units } = deps;

  async function townshipNames(): Promise<Map<string, string>> {
    return new Map((await units.list({ kind: 'township' })).filter((u) => u.township).map((u) => [u.township as string, u.name.replace(/人民政府$/, '')]));
  }

  /** the window's clusters, each with the count of the window before and its cases' times */
  async function compute(w: HotspotWindow) {
    // the three reads at once (MariaDB: on three connections; SQLite: queued, read while the others are turned into rows)
    const [excluded, rows, rowsBefore] = await Promise.all([repo.notCounted(w.previousFrom, w.to), repo.inWindow(w.from, w.to), repo.inWindow(w.previousFrom, w.from)]);
    const current = casesOf(rows, excluded);
    const clusters = clusterHotspots(current);
    const receivedOf = new Map(current.map((c) => [c.id, c.receivedMs]));
    const previous = matchingTimes(clusters, casesOf(rowsBefore, excluded));
    return { clusters, receivedOf, previous };
  }

  function windowOfInstants(from: Date, to: Date): HotspotWindow {
    const len = to.getTime() - from.getTime();
    return { fromDay: shanghaiDay(from), toDay: shanghaiDay(new Date(to.getTime() - 1)), from, to, previousFrom: new Date(from.getTime() - len), days: Math.round(len / 86_400_000) };
  }

  async function examplesOf(clusters: readonly HotspotCluster[]): Promise<Map<string, HotspotCaseRow>> {
    return new Map((await repo.cases(clusters.flatMap((c) => c.members.slice(0, EXAMPLES)))).map((r) => [r.id, r]));
  }

  /** 第二十五条's reports: the top hotspots of [from, to), largest first */
  async function top(from: Date, to: Date, limit: number): Promise<HotspotFigure[]> {
    const { clusters, previous } = await compute(windowOfInstants(from, to));
    const shown = clusters.slice(0, Math.max(0, limit));
    const cases = await examplesOf(shown);
    return shown.map((c) => ({
      township: c.township,
      keywords: c.words,
      count: c.count,
      previousCount: previous.get(c.id)?.length ?? 0,
      examples: c.members.slice(0, EXAMPLES).flatMap((id) => {
        const r = cases.get(id);
        return r ? [{ trackingCode: r.trackingCode, title: r.title }] : [];
      }),
    }));
  }

  return { townshipNames, compute, windowOfInstants, examplesOf, top };
}

export function createHotspotService(deps: HotspotServiceDeps) {
  const { keywords: repo } = deps;
  const { townshipNames, compute, examplesOf, top } = createHotspotReader(deps);

  const service = {
    /** a new petition's keywords, in its submission's transaction (petition-service) */
    async index(petition: { id: string; title: string; content: string; township: string | null; createdAt: Date }, tx: Transaction): Promise<void> {
      await repo.record(petition, keywordsOf(petition.title, petition.content), tx);
    },

    /**
     * Once per database, at start: the petitions from before the keyword table get their keywords,
     * oldest first, a page per transaction; where it is is saved with each page, so a restart goes on
     * from there. Answers how many petitions it brought in this time.
     */
    async backfill(): Promise<number> {
      const state = await repo.backfillState();
      if (state.done) return 0;
      let after = state.afterMs !== null && state.afterId !== null ? { ms: state.afterMs, id: state.afterId } : null;
      let n = 0;
      for (;;) {
        const page = await repo.backfillPage(after, BACKFILL_PAGE);
        const last = page[page.length - 1];
        const position = last ? { ms: last.createdAt.getTime(), id: last.id } : after;
        const done = page.length < BACKFILL_PAGE;
        const words = page.map((p) => keywordsOf(p.title, p.content));
        await deps.transaction(async (tx) => {
          for (let i = 0; i < page.length; i++) await repo.replace(page[i], words[i], tx);
          await repo.saveBackfill(position, done, tx);
        });
        n += page.length;
        after = position;
        if (done) break;
      }
      if (n) deps.log.info({ petitions: n }, 'hotspots: keywords of earlier petitions brought in');
      return n;
    },

    /** 第二十五条's reports: the top hotspots of [from, to), largest first */
    top,

    /** the hotspot page and GET /api/hotspots: `from`, `to` (days), `township`, `limit` */
    async list(staff: StaffRecord, raw: Record<string, unknown>): Promise<HotspotList> {
      if (!mayReadHotspots(staff)) throw new HttpError(403, 'FORBIDDEN', '只有平台工作人员、市领导和审计人员可以查看热点');
      const { window: w, problems } = hotspotWindow(raw, deps.clock.now());
      const names = await townshipNames();
      const township = raw.township === undefined || raw.township === '' ? null : raw.township;
      if (township !== null && (typeof township !== 'string' || !names.has(township))) problems.push({ field: 'township', message: '请选择龙南市的乡镇' });
      const limit = raw.limit === undefined || raw.limit === '' ? LIST_LIMIT : Number(raw.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) problems.push({ field: 'limit', message: `显示条数须为 1–${MAX_LIMIT}` });
      if (problems.length || !w) throw inputError(problems, '查询条件有误');
      const { clusters, receivedOf, previous } = await compute(w);
      const shown = clusters.filter((c) => township === null || c.township === township || (c.township === null && c.townships.includes(township as string))).slice(0, limit);
      const cases = await examplesOf(shown);
      const started = new Map((await repo.supervisionsOf(shown.map((c) => c.id))).filter((s) => s.fromDay === w.fromDay && s.toDay === w.toDay).map((s) => [s.hotspotId, s]));
      const leads = new Map((await repo.cases([...started.values()].map((s) => s.petitionId))).map((r) => [r.id, r]));
      const spans = trendSpans(w);
      const inSpan = (ms: number, s: { start: Date; end: Date }) => ms >= s.start.getTime() && ms < s.end.getTime();
      return {
        window: { from: w.fromDay, to: w.toDay, previousFrom: shanghaiDay(w.previousFrom), previousTo: shanghaiDay(new Date(w.from.getTime() - 1)), days: w.days },
        township: township as string | null,
        hotspots: shown.map((c) => {
          const before = previous.get(c.id) ?? [];
          const trend = trendOf(c.count, before.length);
          const s = started.get(c.id);
          const times = c.members.map((id) => receivedOf.get(id) ?? 0);
          return {
            id: c.id,
            township: c.township,
            townshipName: c.township === null ? '全市' : (names.get(c.township) ?? c.township),
            townshipNames: c.townships.map((t) => names.get(t) ?? t),
            words: c.words,
            count: c.count,
            previousCount: before.length,
            trend,
            trendLabel: TREND_LABELS[trend],
            trendArrow: TREND_ARROWS[trend],
            examples: c.members.slice(0, EXAMPLES).flatMap((id) => {
              const r = cases.get(id);
              return r ? [{ id: r.id, trackingCode: r.trackingCode, title: r.title, createdAt: r.createdAt }] : [];
            }),
            spans: spans.map((sp) => ({ label: sp.label, previous: sp.previous, count: (sp.previous ? before : times).filter((ms) => inSpan(ms, sp)).length })),
            ...(s && { supervision: { petitionId: s.petitionId, trackingCode: leads.get(s.petitionId)?.trackingCode ?? '', startedAt: s.startedAt } }),
          };
        }),
      };
    },

    /**
     * 第二十三条(二): 督办 of a hotspot, by a platform reviewer. The supervision process's message start
     * (`supervision-requested`, as case-service starts one for a case) for the hotspot's lead case —
     * the earliest of its cases a unit handles and no 督办 already waits on — with item (二) and the
     * hotspot's cases in its note; in the same transaction, the hotspot's record (one per hotspot and
     * window: pressing again answers the one started), the lead case's timeline line and a line on
     * every other case of the hotspot.
     */
    async supervise(staff: StaffRecord, input: unknown): Promise<{ started: boolean; petitionId: string; trackingCode: string; processInstanceKey: string | null; cases: number }> {
      if (!maySuperviseHotspots(staff)) throw new HttpError(403, 'FORBIDDEN', '只有平台审核员可以发起督办');
      const b = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
      const problems: FieldProblem[] = [];
      const hotspotId = typeof b.hotspotId === 'string' ? b.hotspotId.trim() : '';
      if (!hotspotId || hotspotId.length > 200) problems.push({ field: 'hotspotId', message: '请选择要督办的热点' });
      const note = optionalText(b.note, 'note', '督办说明', 200, problems);
      const { window: w, problems: windowProblems } = hotspotWindow(b, deps.clock.now());
      problems.push(...windowProblems);
      if (problems.length || !w) throw inputError(problems);

      const key = supervisionKey(hotspotId, w);
      const already = async () => {
        const s = await repo.supervision(key);
        if (!s) return undefined;
        const [lead] = await repo.cases([s.petitionId]);
        return { started: false, petitionId: s.petitionId, trackingCode: lead?.trackingCode ?? '', processInstanceKey: s.processInstanceKey, cases: s.caseCount };
      };
      const existing = await already();
      if (existing) return existing;

      const { clusters, previous } = await compute(w);
      const cluster = clusters.find((c) => c.id === hotspotId);
      if (!cluster) throw new HttpError(404, 'HOTSPOT_NOT_FOUND', '所选时间段内没有这个热点,请刷新热点列表');
      const byId = new Map((await repo.cases(cluster.members)).map((r) => [r.id, r]));
      const members = cluster.members.flatMap((id) => byId.get(id) ?? []);
      const candidates = members.filter((r) => r.unitId && !ENDED.has(r.status)).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1));
      let lead: HotspotCaseRow | undefined;
      for (const c of candidates) {
        if (!(await deps.underSupervision(c.id))) {
          lead = c;
          break;
        }
      }
      if (!lead) {
        throw new HttpError(409, candidates.length ? 'ALREADY_SUPERVISED' : 'NO_UNIT', candidates.length ? '该热点的在办诉求都已在督办中' : '该热点的诉求尚未转办到承办单位,无可督办的单位');
      }
      const names = await townshipNames();
      const where = cluster.township === null ? '全市' : (names.get(cluster.township) ?? cluster.township);
      const listed = members.slice(0, NOTE_CASES).map((r) => `${r.trackingCode} ${r.title}`);
      const summary =
        `集中投诉热点:${where}「${cluster.words.join('、')}」,${w.fromDay} 至 ${w.toDay} 共 ${cluster.count} 件(上一时段 ${previous.get(cluster.id)?.length ?? 0} 件)。` +
        `涉及诉求:${listed.join(';')}${members.length > NOTE_CASES ? ` 等 ${members.length} 件` : ''}`;
      const unitId = lead.unitId as string;
      const leadCase = lead;
      const detail = { hotspot: cluster.words.join('、'), township: where, from: w.fromDay, to: w.toDay, cases: cluster.count };
      try {
        const result = await deps.engine.publishMessage({
          name: 'supervision-requested',
          correlationKey: '',
          variables: {
            petitionId: leadCase.id,
            trackingCode: leadCase.trackingCode,
            unitId,
            unitGroup: `unit:${unitId}`,
            supervisionTrigger: '二',
            supervisionNote: (note ? `${note}\n${summary}` : summary).slice(0, 500),
            hotspotId: cluster.id,
            hotspotCases: members.map((r) => r.trackingCode),
          },
          timeToLive: 0,
          transactional: async (tx, published) => {
            const recorded = await repo.recordSupervision(
              { hotspotKey: key, hotspotId: cluster.id, fromDay: w.fromDay, toDay: w.toDay, petitionId: leadCase.id, processInstanceKey: published.correlatedInstanceKeys[0] ?? null, caseCount: cluster.count, words: cluster.words, startedBy: staff.id },
              tx,
            );
            // pressed twice at once: the other press started it; this one's message rolls back with this
            if (!recorded) throw new AlreadyStarted();
            await deps.audit.append({ actor: staff.id, action: 'case.supervision-started', petitionId: leadCase.id, detail: { unitId, trigger: '二', ...detail } }, tx);
            for (const r of members) {
              if (r.id !== leadCase.id) await deps.audit.append({ actor: staff.id, action: 'case.hotspot-supervised', petitionId: r.id, detail: { lead: leadCase.trackingCode, ...detail } }, tx);
            }
          },
        });
        const [processInstanceKey] = result.correlatedInstanceKeys;
        if (!processInstanceKey) throw new HttpError(500, 'SUPERVISION_NOT_STARTED', '督办流程未能启动,请联系流程管理员');
        deps.log.info({ hotspotId: cluster.id, petitionId: leadCase.id, cases: cluster.count, processInstanceKey }, 'hotspot supervision started');
        return { started: true, petitionId: leadCase.id, trackingCode: leadCase.trackingCode, processInstanceKey, cases: cluster.count };
      } catch (err) {
        if (!(err instanceof AlreadyStarted)) throw err;
        const other = await already();
        if (!other) throw err;
        return other;
      }
    },
  };
  return service;
}

/** the hotspot's 督办 for this window was recorded by a concurrent press */
class AlreadyStarted extends Error {}

export type HotspotService = ReturnType<typeof createHotspotService>;
