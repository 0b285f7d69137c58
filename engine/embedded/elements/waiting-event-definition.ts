/**
 * Base of the Zeebe-flavoured catch event definitions (timer, message): instead of bpmn-elements'
 * in-memory timers and message queues, the definition asks the instance's run for a durable wait
 * and completes when the adapter fires it (timer due, message correlated) — also after a restart,
 * when the activity is re-executed on resume and asks for the same wait again.
 */
import type { WaitingRun } from '../run-types.js';

export function runOf(activity: any): WaitingRun {
  const run = activity.environment.options.zeebeRun as WaitingRun | undefined;
  if (!run) throw new Error('zeebe event definition used outside an instance run');
  return run;
}

export function cloneContent(content: any, extra?: any) {
  const { parent } = content;
  const clone = { ...content, ...extra };
  if (parent) clone.parent = { ...parent, ...(parent.path && { path: parent.path.map((p: any) => ({ ...p })) }) };
  return clone;
}

export abstract class WaitingEventDefinition {
  readonly activity: any;
  readonly broker: any;
  readonly environment: any;
  readonly eventDefinition: any;
  readonly type: string;
  executeMessage: any;
  private active = false;

  constructor(activity: any, eventDefinition: any, type: string) {
    this.activity = activity;
    this.broker = activity.broker;
    this.environment = activity.environment;
    this.eventDefinition = eventDefinition;
    this.type = eventDefinition.type || type;
  }

  get executionId(): string | undefined {
    return this.executeMessage?.content.executionId;
  }

  /** register the durable wait; return false when the definition completed at once */
  protected abstract register(executeMessage: any): void;

  execute(executeMessage: any) {
    const content = executeMessage.content;
    const executionId = content.executionId;
    if (this.active && this.executionId === executionId) return;
    this.executeMessage = executeMessage;
    this.active = true;
    this.broker.subscribeTmp('api', `activity.#.${executionId}`, (_: string, message: any) => this.onApiMessage(message), {
      noAck: true,
      consumerTag: `_api-${executionId}`,
      priority: 400,
    });
    if (content.parent?.executionId) {
      this.broker.subscribeTmp('api', `activity.#.${content.parent.executionId}`, (_: string, message: any) => this.onApiMessage(message), {
        noAck: true,
        consumerTag: `_api-parent-${executionId}`,
        priority: 400,
      });
    }
    this.register(executeMessage);
  }

  protected onApiMessage(message: any) {
    switch (message.properties.type) {
      case 'discard':
        this.stop();
        return this.broker.publish('execution', 'execute.discard', cloneContent(this.executeMessage.content, { state: 'discard' }), {
          correlationId: message.properties.correlationId,
        });
      case 'stop':
        return this.stop();
    }
  }

  /** complete this definition's execution with `output` (what the event caught) */
  protected complete(output: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    if (!this.active) return;
    this.stop();
    const content = this.executeMessage.content;
    this.broker.publish('execution', 'execute.completed', cloneContent(content, { output, state: 'catch', ...extra }));
  }

  stop() {
    if (!this.active) return;
    this.active = false;
    const executionId = this.executionId;
    this.broker.cancel(`_api-${executionId}`);
    this.broker.cancel(`_api-parent-${executionId}`);
    if (executionId) runOf(this.activity).releaseWait(executionId);
  }
}
