/**
 * 第十七条: the five levels of satisfaction a petitioner rates an answer with, as the message
 * `rating-submitted` spells them (docs/process-contract.md), and which of them count as satisfied in
 * the 满意率 (第二十五条, 第二十七条): 非常满意, 满意 and 基本满意.
 */
export const RATINGS = ['very-satisfied', 'satisfied', 'basically-satisfied', 'unsatisfied', 'very-unsatisfied'] as const;
export type Rating = (typeof RATINGS)[number];

export const RATING_LABELS: Record<Rating, string> = {
  'very-satisfied': '非常满意',
  satisfied: '满意',
  'basically-satisfied': '基本满意',
  unsatisfied: '不满意',
  'very-unsatisfied': '非常不满意',
};

export const SATISFIED_RATINGS: readonly Rating[] = ['very-satisfied', 'satisfied', 'basically-satisfied'];

export function isRating(value: unknown): value is Rating {
  return typeof value === 'string' && (RATINGS as readonly string[]).includes(value);
}
