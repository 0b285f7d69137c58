/**
 * Placeholder (issue 19): the worker services the remote handlers call for their data are built
 * elsewhere and replace this file; the signature stays.
 */
import { Router } from 'express';
import type { AppContext } from '../app-context.js';

export function workerServicesRoutes(_ctx: AppContext): Router {
  return Router();
}
