/**
 * The Express app: routes → services → data access. This first version serves health and the
 * engine's deployments; the pages and the API come with the later issues.
 */
import express, { type Express } from 'express';
import type { EnginePort } from '../engine/port.js';
import { errorMiddleware, HttpError } from './http-error.js';
import type { Logger } from './logger.js';

export interface AppDeps {
  engine: EnginePort;
  log: Logger;
  deployed: { processId: string; version: number }[];
}

export function createApp({ engine, log, deployed }: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', processes: deployed });
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
