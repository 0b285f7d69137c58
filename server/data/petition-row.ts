/**
 * A petition as the app reads it from its row (table `petitions`): the shape every repository and
 * service shares, without the identity columns' meaning (petitions-repository.ts decrypts those).
 * Its own module so that the repository and the case search (petition-search.ts) need not import
 * each other.
 */
import type { Category } from '../../regulation/categories.js';
import { toDate } from './sql.js';

export const CHANNELS = ['web', 'wechat', 'hotline'] as const;
export type Channel = (typeof CHANNELS)[number];
export const CHANNEL_LABELS: Record<Channel, string> = { web: '网站', wechat: '微信公众号', hotline: '热线电话' };

/** a petition as staff and the petitioner see it: never the identity */
export interface Petition {
  id: string;
  trackingCode: string;
  channel: Channel;
  category: Category;
  urgent: boolean;
  confidential: boolean;
  title: string;
  content: string;
  township: string | null;
  status: string;
  /** the unit the petition is assigned to (dispatched to) */
  unitId: string | null;
  processInstanceKey: string | null;
  mergedInto: string | null; // 归并 (issue 15): the case that answers this one (status `merged`)
  createdAt: Date;
  updatedAt: Date;
}

export interface PetitionRow {
  id: string;
  tracking_code: string;
  channel: string;
  category: string;
  urgent: number | boolean | string;
  confidential: number | boolean | string;
  title: string;
  content: string;
  township: string | null;
  phone_index: string;
  status: string;
  unit_id: string | null;
  process_instance_key: string | null;
  merged_into: string | null;
  created_at: number | string;
  updated_at: number | string;
}

export const bool = (v: unknown) => Boolean(Number(v));

export function toPetition(r: PetitionRow): Petition {
  return {
    id: r.id,
    trackingCode: r.tracking_code,
    channel: r.channel as Channel,
    category: r.category as Category,
    urgent: bool(r.urgent),
    confidential: bool(r.confidential),
    title: r.title,
    content: r.content,
    township: r.township ?? null,
    status: r.status,
    unitId: r.unit_id ?? null,
    processInstanceKey: r.process_instance_key ?? null,
    mergedInto: r.merged_into ?? null,
    createdAt: toDate(r.created_at),
    updatedAt: toDate(r.updated_at),
  };
}
