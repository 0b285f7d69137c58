/**
 * The Express app: routes → services → data access. This first version serves health and the
 * engine's deployments; the pages and the API come with the later issues.
 */
import express, { type Express } from 'express';
import type { EnginePort } from '../engine/port.js';
import { errorMiddleware, HttpError } from './http-error.js';
import type { Logger } from './logger.js';
import type { WorkingCalendar } from './domain/calendar/working-calendar.js';

export interface AppDeps {
  engine: EnginePort;
  log: Logger;
  deployed: { processId: string; version: number }[];
  /** the working calendar with the admins' overrides (for the next-year notice) */
  calendar?: () => Promise<WorkingCalendar>;
  clock?: { now(): Date };
}

export function createApp({ engine, log, deployed, calendar, clock = { now: () => new Date() } }: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));

  app.get('/health', async (_req, res, next) => {
    try {
      const banner = calendar ? (await calendar()).nextYearBanner(clock.now()) : undefined;
      res.json({
        status: 'ok',
        processes: deployed,
        // from 1 November, while next year's official schedule is missing (deadlines then count Mon–Fri)
        ...(banner && { notice: `${banner.year} 年法定节假日安排尚未录入,该年度的办理期限按周一至周五暂算` }),
      });
    } catch (err) {
      next(err);
    }
  });

  app.get('/api/process-instances/:key', async (req, res, next) => {
    try {
      const key = req.params.key;
      if (!/^[\w./-]{1,255}$/.test(key)) throw new HttpError(400, 'INVALID_KEY', '流程实例编号格式不正确');
      const instance = await engine.getProcessInstance(key);
      if (!instance) throw new HttpError(404, 'NOT_FOUND', '未找到该流程实例');
      // variables may carry personal data: not served here
      res.json({ ...instance, variables: undefined });
    } catch (err) {
      next(err);
    }
  });

  app.use((_req, _res, next) => next(new HttpError(404, 'NOT_FOUND', '页面不存在')));
  app.use(errorMiddleware(log));
  return app;
}
