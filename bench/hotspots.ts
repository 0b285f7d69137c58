/**
 * Hotspots at city size (`npm run bench -- hotspots`; 第二十三条(二)): the whole app in this process
 * (bench/lifecycle/app.ts) on a fresh SQLite file, or with DB_URL on a throw-away MariaDB/MySQL
 * database. One petition is submitted through the portal; then HOTSPOTS_CASES petitions (default
 * 1,000,000) are written straight to the tables, spread evenly over the HOTSPOTS_DAYS days before now
 * (default 1095: three years, ~900 a day, ~27,000 in a 30-day window), each with its keywords as the
 * submission stores them (the segmenter's, computed once per distinct text). The texts are Longnan
 * matters (street lights, roads, water, noise, 医保 …) at villages and streets of all 13 townships,
 * matters drawn with a skew (a few common, most rare), 1 % merged and 0.3 % marked malicious (both
 * left out of the counts). Then, HOTSPOTS_RUNS times each (after one untimed run):
 *  - `GET /api/hotspots` as a city leader (the default window: the last 30 days, the 30 before for the
 *    trend, with the server-side work the page needs but the charts);
 *  - the reports' `top(from, to, 10)` of the last 30 days, called on the service.
 * With HOTSPOTS_WAIT_LOAD=1.5 the timed runs wait (up to 30 minutes) for the machine's one-minute load
 * to fall below it: on a shared machine the figure is otherwise someone else's.
 * Figures (JSON last line): hotspotsMs (the API's median; the target is < 500), hotspotsMaxMs,
 * hotspotsTopMs (median), hotspotsFound (hotspots in the window), hotspotsWindowCases, hotspotsCases,
 * hotspotsLoad (the one-minute load average when the timed runs began).
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { QueryTypes, type Sequelize } from 'sequelize';
import { codeOf, submitOnePetition } from './seed-cases.js';
import { createPetitionKeywordsRepository } from '../server/data/petition-keywords-repository.js';
import { createUnitsRepository } from '../server/data/units-repository.js';
import { createAuditRepository } from '../server/data/audit-repository.js';
import { createLogger } from '../server/logger.js';
import { createHotspotService, keywordsOf } from '../server/services/hotspot-service.js';
import { startApp } from './lifecycle/app.js';
import { Browser, expectStatus } from './lifecycle/driver.js';
import { median, openTarget, round } from './lifecycle/measure.js';

export type HotspotsFigures = Record<string, number | string>;

const DAY = 86_400_000;
const TOWNSHIPS = ['360783100', '360783101', '360783102', '360783103', '360783104', '360783105', '360783106', '360783107', '360783200', '360783201', '360783202', '360783203', '360783204'];
/** villages and streets (made up, Longnan-like), each township drawing from all of them */
const PLACES = ['新圳村', '解放街', '金水湾', '龙翔大道', '乌石村', '新围村', '渡江圩', '里仁街', '东江村', '桃江村', '关西村', '太平村', '水西坝', '城南社区', '光明路', '人民路', '九曲村', '黄沙村', '龙头村', '大稳村'];
/** matters as titles and contents ({p} a place), the first the most common */
const MATTERS: [string, string][] = [
  ['{p}路灯不亮', '{p}的路灯坏了很久一直不亮,晚上出行不方便,请维修。'],
  ['{p}道路破损', '{p}道路坑坑洼洼,路面破损严重,车辆通行困难,希望修补路面。'],
  ['{p}垃圾清运不及时', '{p}的垃圾桶满了好几天没有清运,气味很大,蚊虫多。'],
  ['{p}工地夜间施工噪音', '{p}旁边工地晚上施工到半夜,噪音扰民,影响休息。'],
  ['{p}停水', '{p}自来水停水两天了,没有通知,生活用水困难。'],
  ['{p}占道经营', '{p}商贩占道经营,堵塞交通,行人和车辆无法通行。'],
  ['{p}小区物业不作为', '{p}小区物业收费不服务,电梯坏了没人修,楼道卫生差。'],
  ['{p}拖欠工资', '在{p}工地干活的工人工资被拖欠三个月,老板不给钱。'],
  ['{p}停电频繁', '{p}这段时间经常停电,电压不稳,家电都烧坏了。'],
  ['{p}下水道堵塞', '{p}下水道堵塞,污水溢到路面,臭味很大。'],
  ['{p}违章搭建', '{p}有人违章搭建房屋,占用公共通道。'],
  ['{p}油烟扰民', '{p}楼下饭店油烟直排,油烟扰民,窗户都不敢开。'],
  ['{p}流浪狗', '{p}流浪狗很多,晚上乱叫,还追咬行人。'],
  ['{p}积水内涝', '{p}一下雨就积水,内涝严重,排水不畅。'],
  ['{p}网络信号差', '{p}手机信号差,宽带网速慢,希望增加基站。'],
  ['{p}公交班次少', '{p}的公交车班次太少,等车要一个小时,出行不便。'],
  ['{p}河道污染', '{p}河道有人倾倒垃圾,河水发黑发臭。'],
  ['{p}养殖场臭味', '{p}养猪场粪水直排,臭味很大,污染环境。'],
  ['{p}学校门口交通拥堵', '{p}学校门口上下学时间交通拥堵,接送车辆乱停。'],
  ['{p}医保缴费失败', '在{p}办理城乡居民医保缴费,缴费系统一直失败。'],
  ['{p}低保申请', '{p}困难家庭申请低保很久没有结果,想了解办理进度。'],
  ['{p}不动产证办理慢', '{p}的房子买了三年不动产证还没办下来。'],
  ['{p}燃气管道', '{p}燃气管道老化漏气,存在安全隐患。'],
  ['{p}电动车充电', '{p}居民在楼道给电动车充电,飞线充电很危险。'],
  ['{p}广场舞噪音', '{p}广场舞音响声音太大,晚上噪音扰民。'],
  ['{p}桥梁损坏', '{p}的桥护栏损坏,桥面开裂,过往车辆有危险。'],
  ['{p}征地补偿', '{p}征地补偿款迟迟没有发放到位。'],
  ['{p}校车超载', '{p}学校的校车接送学生超载,安全隐患大。'],
  ['{p}菜市场卫生差', '{p}菜市场地面脏乱,污水横流,卫生很差。'],
  ['{p}井盖缺失', '{p}路边井盖缺失,晚上容易掉下去,非常危险。'],
];

interface Text {
  title: string;
  content: string;
  words: string[];
}

/** a skewed draw (Zipf-like): index 0 about ten times as often as the last */
function skewed(rand: () => number, n: number): number {
  return Math.min(n - 1, Math.floor(n * rand() ** 2));
}

/** a reproducible random sequence */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export async function runHotspots(env: NodeJS.ProcessEnv, out: (line: string) => void): Promise<HotspotsFigures> {
  const cases = Number(env.HOTSPOTS_CASES ?? 1_000_000);
  const days = Number(env.HOTSPOTS_DAYS ?? 1095);
  const runs = Number(env.HOTSPOTS_RUNS ?? 5);
  for (const [name, v] of [['HOTSPOTS_CASES', cases], ['HOTSPOTS_DAYS', days], ['HOTSPOTS_RUNS', runs]] as const) {
    if (!Number.isSafeInteger(v) || v < 1) throw new Error(`${name} must be a whole number ≥ 1`);
  }
  const target = await openTarget(env.DB_URL);
  out(`hotspots: ${cases} petitions over ${days} days, ${runs} timed runs; ${target.kind}`);
  const app = await startApp(target.url, 1);
  try {
    const base = app.bases[0];
    await submitOnePetition(base);
    // the texts, each segmented once (as a submission would)
    const texts: Text[] = [];
    for (const [title, content] of MATTERS) {
      for (const p of PLACES) {
        const t = title.replace('{p}', p);
        const c = content.replace('{p}', p);
        texts.push({ title: t, content: c, words: keywordsOf(t, c) });
      }
    }
    const t0 = performance.now();
    const now = Date.now();
    await seed(app.db.sequelize, cases, days, now, texts);
    out(`  ${cases} petitions and their keywords written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    if (target.kind === 'mysql') await app.db.sequelize.query('ANALYZE TABLE petition_keywords, petitions');
    else await app.db.sequelize.query('ANALYZE');

    const leader = await new Browser(base).signIn('leader');
    const db = app.db;
    const service = createHotspotService({
      keywords: createPetitionKeywordsRepository(db),
      units: createUnitsRepository(db),
      engine: app.engine!,
      audit: createAuditRepository(db, { now: () => Date.now() }),
      clock: { now: () => new Date() },
      log: createLogger('silent'),
      transaction: (work) => db.transaction(work),
      underSupervision: async () => false,
    });
    const waitLoad = Number(env.HOTSPOTS_WAIT_LOAD ?? 0);
    for (const until = Date.now() + 30 * 60_000; waitLoad > 0 && loadavg()[0] >= waitLoad && Date.now() < until; ) {
      out(`  waiting for the load (${loadavg()[0].toFixed(2)}) to fall below ${waitLoad}`);
      await new Promise((resolve) => setTimeout(resolve, 15_000));
    }
    const load = loadavg()[0];
    const to = new Date(now + DAY);
    const from = new Date(to.getTime() - 30 * DAY);
    const apiMs: number[] = [];
    const topMs: number[] = [];
    let found = 0;
    for (let r = 0; r <= runs; r++) {
      let t = performance.now();
      const res = await leader.get('/api/hotspots?limit=100');
      const ms = performance.now() - t;
      expectStatus(res, 200, 'GET /api/hotspots');
      found = (res.body.hotspots as unknown[]).length;
      t = performance.now();
      const top = await service.top(from, to, 10);
      const tms = performance.now() - t;
      if (!top.length) throw new Error('the reports’ top hotspots came back empty');
      if (r === 0) continue;
      apiMs.push(ms);
      topMs.push(tms);
    }
    const [windowCases] = (await db.sequelize.query('SELECT COUNT(*) AS n FROM petitions WHERE created_at >= ?', { replacements: [from.getTime()], type: QueryTypes.SELECT })) as { n: number | string }[];
    const hotspotsMs = median(apiMs);
    out(`  GET /api/hotspots, last 30 days (hotspotsMs)      median ${hotspotsMs.toFixed(0)} ms, max ${Math.max(...apiMs).toFixed(0)} ms (target < 500); ${found} hotspots of ${windowCases.n} cases`);
    out(`  the reports’ top(from, to, 10) (hotspotsTopMs)    median ${median(topMs).toFixed(0)} ms`);
    return {
      hotspotsDb: target.kind,
      hotspotsCases: cases + 1,
      hotspotsWindowCases: Number(windowCases.n),
      hotspotsFound: found,
      hotspotsMs: round(hotspotsMs, 1),
      hotspotsMaxMs: round(Math.max(...apiMs), 1),
      hotspotsTopMs: round(median(topMs), 1),
      hotspotsLoad: round(load, 2),
    };
  } finally {
    await app.close();
    await target.drop();
  }
}

/** `n` petitions copied from the submitted one, evenly over `days` days before `now`, with their keywords */
async function seed(sequelize: Sequelize, n: number, days: number, now: number, texts: readonly Text[]) {
  const [original] = (await sequelize.query('SELECT * FROM petitions LIMIT 1', { type: QueryTypes.SELECT })) as Record<string, unknown>[];
  const columns = Object.keys(original);
  const rand = random(20260302);
  const span = days * DAY;
  const BATCH = 400;
  for (let from = 0; from < n; from += BATCH) {
    const count = Math.min(BATCH, n - from);
    const rows: unknown[] = [];
    const keywordRows: unknown[] = [];
    for (let k = 0; k < count; k++) {
      const i = from + k;
      const text = texts[skewed(rand, MATTERS.length) * PLACES.length + Math.floor(rand() * PLACES.length)];
      const township = TOWNSHIPS[skewed(rand, TOWNSHIPS.length)];
      const createdAt = now - Math.floor((i / n) * span) - 60_000;
      const draw = rand();
      const status = draw < 0.01 ? 'merged' : draw < 0.013 ? 'invalid' : 'handling';
      const row: Record<string, unknown> = { ...original, id: `bench-${i}`, tracking_code: codeOf(3_000_000 + i), title: text.title, content: text.content, township, status, created_at: createdAt, updated_at: createdAt, process_instance_key: null };
      for (const c of columns) rows.push(row[c] ?? null);
      keywordRows.push(`bench-${i}`, township, createdAt, text.words.join(' '));
    }
    const one = `(${columns.map(() => '?').join(', ')})`;
    await sequelize.query(`INSERT INTO petitions (${columns.join(', ')}) VALUES ${Array(count).fill(one).join(', ')}`, { replacements: rows });
    await sequelize.query(`INSERT INTO petition_keywords (petition_id, township, received_ms, words) VALUES ${Array(count).fill('(?, ?, ?, ?)').join(', ')}`, { replacements: keywordRows });
  }
}
