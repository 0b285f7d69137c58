/**
 * One migration of the app's tables (run in name order after the engine's): its own module, so that
 * migrations.ts, which lists them all, and the files that define them do not import each other.
 */
import type { Sequelize } from 'sequelize';

export interface AppMigration {
  name: string;
  up: (ctx: { sequelize: Sequelize }) => Promise<void>;
}
