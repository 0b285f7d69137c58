/**
 * Zeebe message semantics: a catching event subscribes by message name + correlation key (both
 * evaluated when it activates) in the subscriptions table; the adapter correlates published
 * messages to it. A start event completes at once when the instance was started by its message.
 * Throwing message events complete at once (Zeebe runs them as jobs when they have a task definition).
 */
import { WaitingEventDefinition, cloneContent, runOf } from './waiting-event-definition.js';

export function ZeebeMessageEventDefinition(this: any, activity: any, eventDefinition: any) {
  return new MessageDefinition(activity, eventDefinition);
}

class MessageDefinition extends WaitingEventDefinition {
  constructor(activity: any, eventDefinition: any) {
    super(activity, eventDefinition, 'MessageEventDefinition');
  }

  override execute(executeMessage: any) {
    if (this.activity.isThrowing) {
      return this.broker.publish('execution', 'execute.completed', cloneContent(executeMessage.content));
    }
    return super.execute(executeMessage);
  }

  protected register(executeMessage: any) {
    const content = executeMessage.content;
    runOf(this.activity).registerMessage(this.activity.id, content, (variables) => this.complete(variables));
  }
}
