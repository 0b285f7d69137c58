/**
 * Zeebe timer semantics on the adapter's clock: the due time is computed when the event activates
 * (FEEL allowed; null or invalid → the activation fails and becomes an incident), the wait is a row
 * in the timers table, and the adapter fires it when due. A non-interrupting boundary cycle repeats.
 */
import { WaitingEventDefinition, cloneContent, runOf } from './waiting-event-definition.js';

export function ZeebeTimerEventDefinition(this: any, activity: any, eventDefinition: any) {
  return new TimerDefinition(activity, eventDefinition);
}

class TimerDefinition extends WaitingEventDefinition {
  constructor(activity: any, eventDefinition: any) {
    super(activity, eventDefinition, 'TimerEventDefinition');
  }

  protected register(executeMessage: any) {
    const content = executeMessage.content;
    const run = runOf(this.activity);
    // a repeated non-interrupting cycle carries what is left of it on the restart message
    const repeat = content.inbound?.[0]?.repeat;
    const repeatFrom = repeat && typeof repeat === 'object' ? repeat : undefined;
    run.registerTimer(this.activity.id, content, repeatFrom, (fired) => {
      this.broker.publish('event', 'activity.timeout', cloneContent(content, { state: 'timeout', dueAt: fired.dueAt }));
      // only a non-interrupting boundary cycle has a next firing: the boundary event restarts with it
      if (fired.next) this.broker.publish('execution', 'execute.repeat', cloneContent(content, { repeat: fired.next }));
      this.complete({});
    });
  }
}
