/**
 * Zeebe semantics the interpreter (token-run.ts) and the legacy runner (run.ts) evaluate alike.
 */
import type { Variables } from '../port.js';
import { evaluate, evaluateList, evaluateString } from './feel.js';
import type { ElementInfo } from './model.js';
import type { UserTaskWait } from './run-types.js';

export function userTaskWaitOf(info: ElementInfo, execId: string, scope: Variables, locals: Variables): UserTaskWait {
  const u = info.userTask ?? {};
  const str = (v: string | undefined, what: string) => (v ? evaluateString(v, scope, what) : undefined);
  return {
    kind: 'userTask',
    execId,
    elementId: info.id,
    name: info.name,
    assignee: str(u.assignee, 'assignee'),
    candidateGroups: u.candidateGroups ? evaluateList(u.candidateGroups, scope, 'candidate groups').map(String) : [],
    candidateUsers: u.candidateUsers ? evaluateList(u.candidateUsers, scope, 'candidate users').map(String) : [],
    formId: u.formId,
    dueDate: str(u.dueDate, 'due date'),
    followUpDate: str(u.followUpDate, 'follow-up date'),
    priority: u.priority ? Number(evaluate(u.priority, scope)) : undefined,
    locals,
  };
}

/** variables local to a multi-instance iteration: its input element and the variable its output element reads */
export function loopLocalNames(info: ElementInfo): Set<string> {
  const names = new Set<string>();
  if (info.loop?.inputElement) names.add(info.loop.inputElement);
  const out = /^=\s*([A-Za-z_][\w]*)(\.[\w.]+)?\s*$/.exec(info.loop?.outputElement ?? '');
  if (out) names.add(out[1]);
  return names;
}
