/**
 * What the Zeebe adapter adds to a diagram before deploying it: on every Camunda user task
 * (`zeebe:userTask`), task listeners for `creating`, `completing` and `canceling` with the job type
 * the adapter's listener worker takes (task-listener.ts) — so the app's task table mirrors
 * Camunda's user tasks without the diagrams having to say so. Listeners a diagram already has are
 * kept; ours are added once.
 */
import { createRequire } from 'node:module';
import { BpmnModdle } from 'bpmn-moddle';
import { USER_TASK_LISTENER_TYPE } from './task-listener.js';

const zeebe = createRequire(import.meta.url)('zeebe-bpmn-moddle/resources/zeebe.json');

export const MIRRORED_EVENTS = ['creating', 'completing', 'canceling'] as const;

/**
 * Job types of the process-level execution listeners: the adapter learns of every instance —
 * those a call activity, a message or a timer starts too — when it starts, and of its end with its
 * final variables (engine-only Camunda has no search to ask).
 */
export const INSTANCE_START_TYPE = 'wenzheng-instance-start';
export const INSTANCE_END_TYPE = 'wenzheng-instance-end';

/** the task listeners and the process start/end execution listeners, as deployed to Zeebe */
export async function withAdapterListeners(xml: string): Promise<{ xml: string; userTasks: string[]; processes: string[] }> {
  const tasks = await withTaskListeners(xml);
  const moddle = new BpmnModdle({ zeebe });
  const { rootElement } = await moddle.fromXML(tasks.xml);
  const processes: string[] = [];
  for (const el of (rootElement as any).rootElements ?? []) {
    if (el.$type !== 'bpmn:Process') continue;
    el.extensionElements ??= moddle.create('bpmn:ExtensionElements', { values: [] });
    const values = (el.extensionElements.values ??= []) as any[];
    let listeners = values.find((v) => v.$type === 'zeebe:ExecutionListeners');
    if (!listeners) {
      listeners = moddle.create('zeebe:ExecutionListeners', { listeners: [] });
      values.push(listeners);
    }
    listeners.listeners ??= [];
    for (const [eventType, type] of [['start', INSTANCE_START_TYPE], ['end', INSTANCE_END_TYPE]] as const) {
      if (!listeners.listeners.some((l: any) => l.type === type && l.eventType === eventType)) {
        listeners.listeners.push(moddle.create('zeebe:ExecutionListener', { eventType, type, retries: '3' }));
      }
    }
    processes.push(el.id);
  }
  const { xml: out } = await moddle.toXML(rootElement, { format: true });
  return { xml: out, userTasks: tasks.userTasks, processes };
}

export async function withTaskListeners(xml: string): Promise<{ xml: string; userTasks: string[] }> {
  const moddle = new BpmnModdle({ zeebe });
  const { rootElement } = await moddle.fromXML(xml);
  const userTasks: string[] = [];
  const visit = (el: any) => {
    for (const child of [...(el.rootElements ?? []), ...(el.flowElements ?? [])]) {
      if (child.$type === 'bpmn:UserTask' && (child.extensionElements?.values ?? []).some((v: any) => v.$type === 'zeebe:UserTask')) {
        const values = child.extensionElements.values as any[];
        let listeners = values.find((v) => v.$type === 'zeebe:TaskListeners');
        if (!listeners) {
          listeners = moddle.create('zeebe:TaskListeners', { listeners: [] });
          values.push(listeners);
        }
        listeners.listeners ??= [];
        for (const eventType of MIRRORED_EVENTS) {
          if (!listeners.listeners.some((l: any) => l.type === USER_TASK_LISTENER_TYPE && l.eventType === eventType)) {
            listeners.listeners.push(moddle.create('zeebe:TaskListener', { eventType, type: USER_TASK_LISTENER_TYPE, retries: '3' }));
          }
        }
        userTasks.push(child.id);
      }
      visit(child);
    }
  };
  visit(rootElement);
  const { xml: out } = await moddle.toXML(rootElement, { format: true });
  return { xml: out, userTasks };
}
