/**
 * The petition statuses a petitioner sees when tracking (set by the `set-petition-status` job, header
 * `status`). A status is a lower-case word (`a-z`, digits, dashes); the known ones have a Chinese
 * label, an unknown one is still stored (the diagrams may add statuses before the app's pages know
 * them) and shown as-is.
 */
export const PETITION_STATUS_LABELS: Record<string, string> = {
  submitted: '已提交',
  screening: '受理审查中',
  rejected: '不予受理',
  reporting: '信息专报中',
  dispatched: '已转办',
  handling: '办理中',
  extended: '已延期',
  replied: '已答复',
  evaluating: '待评价',
  redo: '重办中',
  // 第二十三条(四): the redo was rated unsatisfied; the platform judges whether the unit is at fault
  judging: '不满意原因认定中',
  supervised: '督办中',
  closed: '已办结',
  invalid: '已关闭(恶意或虚假诉求)',
  // issue 15: merged (归并) at screening into an earlier case about the same matter, which answers it
  merged: '已归并办理',
};

export const STATUS_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

export function isKnownStatus(status: string): boolean {
  return Object.hasOwn(PETITION_STATUS_LABELS, status);
}

export function statusLabel(status: string): string {
  return PETITION_STATUS_LABELS[status] ?? status;
}
