/**
 * Parsing a deployed resource into what the embedded engine needs: the bpmn-engine source context
 * (one per process, with only that process executable) and an index of the Zeebe extension data
 * (task definitions, mappings, headers, user task settings, timers, message subscriptions …) by
 * element id, read once per deployment instead of at every activation.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { BpmnModdle } from 'bpmn-moddle';
import * as Elements from 'bpmn-elements';
import serializer, { deserialize, TypeResolver } from 'moddle-context-serializer';
import { InvalidResourceError, type DeployProblem } from '../errors.js';
import type { Mapping } from './feel.js';
import { ZeebeTimerEventDefinition } from './elements/timer-event-definition.js';
import { ZeebeMessageEventDefinition } from './elements/message-event-definition.js';

const require = createRequire(import.meta.url);
const zeebeSchema = require('zeebe-bpmn-moddle/resources/zeebe.json');

export interface TimerInfo {
  kind: 'timeDate' | 'timeDuration' | 'timeCycle';
  expression: string;
}

export interface MessageInfo {
  id: string;
  name: string;
  correlationKey?: string;
}

export interface ElementInfo {
  id: string;
  type: string;
  name?: string;
  documentation?: string;
  taskDefinition?: { type: string; retries: string };
  inputs: Mapping[];
  outputs: Mapping[];
  headers: Record<string, string>;
  userTask?: {
    assignee?: string;
    candidateGroups?: string;
    candidateUsers?: string;
    formId?: string;
    dueDate?: string;
    followUpDate?: string;
    priority?: string;
  };
  calledElement?: { processId: string; propagateAllChildVariables: boolean; propagateAllParentVariables: boolean };
  loop?: { inputCollection?: string; inputElement?: string; outputCollection?: string; outputElement?: string; isSequential: boolean };
  script?: { expression: string; resultVariable: string };
  /** a business-rule task's `zeebe:calledDecision` */
  calledDecision?: { decisionId: string; resultVariable: string };
  timer?: TimerInfo;
  message?: MessageInfo;
  /** for boundary events */
  attachedTo?: string;
  cancelActivity?: boolean;
  eventKind?: 'timer' | 'message' | 'error' | 'escalation' | 'none' | 'other';
  /** for start events */
  isStartEvent?: boolean;
  parentId?: string;
  /** sequence flows leaving / entering the element, in document order */
  outgoing: string[];
  incoming: string[];
  /** the gateway's (or activity's) default flow */
  defaultFlow?: string;
  /** boundary events attached to this activity */
  boundaries: string[];
  /** error / escalation code of a throwing or catching event (undefined on a catch-all) */
  code?: string;
  /** an end event with a terminate event definition */
  terminate?: boolean;
  /** intermediate throw and end events */
  isThrowing?: boolean;
  /** an event sub-process (triggeredByEvent) */
  triggeredByEvent?: boolean;
}

export interface FlowInfo {
  id: string;
  source: string;
  target: string;
  /** a FEEL condition (`=…`); absent on an unconditional flow */
  condition?: string;
}

export interface ProcessModel {
  processId: string;
  name?: string;
  resourceName: string;
  elements: Map<string, ElementInfo>;
  /** bpmn-engine source context with only this process executable */
  sourceContext: unknown;
  flows: Map<string, FlowInfo>;
  /** the none start event of the process (key '') and of each sub-process (key: its id) */
  noneStarts: Map<string, string>;
  /** the process's own start events that are triggered by timer or message (top level only) */
  timerStarts: ElementInfo[];
  messageStarts: ElementInfo[];
}

export interface ParsedResource {
  resourceName: string;
  checksum: string;
  xml: string;
  processes: Map<string, ProcessModel>;
}

/** the bpmn-elements types, with the Zeebe flavour where its semantics differ */
export const typeResolver = TypeResolver(
  { ...Elements, TimerEventDefinition: ZeebeTimerEventDefinition, MessageEventDefinition: ZeebeMessageEventDefinition },
  (types: Record<string, unknown>) => {
    // user tasks, call activities, receive and script tasks wait for the adapter exactly like a job:
    // modelling them as service tasks gives one completion path (callback) that survives recovery
    types['bpmn:UserTask'] = Elements.ServiceTask;
    types['bpmn:CallActivity'] = Elements.ServiceTask;
    types['bpmn:ReceiveTask'] = Elements.ServiceTask;
    types['bpmn:ScriptTask'] = Elements.ServiceTask;
    types['bpmn:BusinessRuleTask'] = Elements.ServiceTask;
    types['bpmn:SendTask'] = Elements.ServiceTask;
  },
);

const moddle = new BpmnModdle({ zeebe: zeebeSchema });

function extensionValues(el: any): any[] {
  return el?.extensionElements?.values ?? [];
}

function ext(el: any, type: string): any {
  return extensionValues(el).find((v) => v.$type === type);
}

function documentationOf(el: any): string | undefined {
  const docs = (el.documentation ?? []).map((d: any) => d.text).filter(Boolean);
  return docs.length ? docs.join('\n') : undefined;
}

function elementInfo(el: any, messages: Map<string, MessageInfo>, parentId?: string): ElementInfo {
  const io = ext(el, 'zeebe:IoMapping');
  const info: ElementInfo = {
    id: el.id,
    type: el.$type,
    name: el.name,
    documentation: documentationOf(el),
    inputs: (io?.inputParameters ?? []).map((p: any) => ({ source: p.source ?? '', target: p.target })),
    outputs: (io?.outputParameters ?? []).map((p: any) => ({ source: p.source ?? '', target: p.target })),
    headers: Object.fromEntries((ext(el, 'zeebe:TaskHeaders')?.values ?? []).map((h: any) => [h.key, h.value ?? ''])),
    parentId,
    outgoing: [],
    incoming: [],
    boundaries: [],
    ...(el.default && { defaultFlow: el.default.id }),
    ...(el.triggeredByEvent && { triggeredByEvent: true }),
    ...((el.$type === 'bpmn:IntermediateThrowEvent' || el.$type === 'bpmn:EndEvent') && { isThrowing: true }),
  };
  const td = ext(el, 'zeebe:TaskDefinition');
  if (td) info.taskDefinition = { type: td.type ?? '', retries: String(td.retries ?? '3') };
  if (el.$type === 'bpmn:UserTask') {
    const assignment = ext(el, 'zeebe:AssignmentDefinition');
    const form = ext(el, 'zeebe:FormDefinition');
    const schedule = ext(el, 'zeebe:TaskSchedule');
    const priority = ext(el, 'zeebe:PriorityDefinition');
    info.userTask = {
      assignee: assignment?.assignee,
      candidateGroups: assignment?.candidateGroups,
      candidateUsers: assignment?.candidateUsers,
      formId: form?.formId ?? form?.formKey,
      dueDate: schedule?.dueDate,
      followUpDate: schedule?.followUpDate,
      priority: priority?.priority !== undefined ? String(priority.priority) : undefined,
    };
  }
  const called = ext(el, 'zeebe:CalledElement');
  if (el.$type === 'bpmn:CallActivity') {
    info.calledElement = {
      processId: called?.processId ?? '',
      // Zeebe's defaults: all parent variables in, all child variables out
      propagateAllChildVariables: called?.propagateAllChildVariables !== false,
      propagateAllParentVariables: called?.propagateAllParentVariables !== false,
    };
  }
  const script = ext(el, 'zeebe:Script');
  if (script) info.script = { expression: script.expression ?? '', resultVariable: script.resultVariable ?? '' };
  const decision = ext(el, 'zeebe:CalledDecision');
  if (decision && el.$type === 'bpmn:BusinessRuleTask') info.calledDecision = { decisionId: decision.decisionId ?? '', resultVariable: decision.resultVariable ?? '' };
  const lc = el.loopCharacteristics;
  if (lc?.$type === 'bpmn:MultiInstanceLoopCharacteristics') {
    const zl = ext(lc, 'zeebe:LoopCharacteristics');
    info.loop = {
      inputCollection: zl?.inputCollection,
      inputElement: zl?.inputElement,
      outputCollection: zl?.outputCollection,
      outputElement: zl?.outputElement,
      isSequential: Boolean(lc.isSequential),
    };
  }
  if (el.$type === 'bpmn:BoundaryEvent') {
    info.attachedTo = el.attachedToRef?.id;
    info.cancelActivity = el.cancelActivity !== false;
  }
  if (el.$type === 'bpmn:StartEvent') info.isStartEvent = true;
  const def = (el.eventDefinitions ?? [])[0];
  if (def) {
    switch (def.$type) {
      case 'bpmn:TimerEventDefinition': {
        info.eventKind = 'timer';
        const kind = def.timeDate ? 'timeDate' : def.timeDuration ? 'timeDuration' : def.timeCycle ? 'timeCycle' : undefined;
        if (kind) info.timer = { kind, expression: String(def[kind].body ?? '').trim() };
        break;
      }
      case 'bpmn:MessageEventDefinition':
        info.eventKind = 'message';
        if (def.messageRef) info.message = messages.get(def.messageRef.id);
        break;
      case 'bpmn:ErrorEventDefinition':
        info.eventKind = 'error';
        if (def.errorRef?.errorCode) info.code = String(def.errorRef.errorCode);
        break;
      case 'bpmn:EscalationEventDefinition':
        info.eventKind = 'escalation';
        if (def.escalationRef?.escalationCode) info.code = String(def.escalationRef.escalationCode);
        break;
      case 'bpmn:TerminateEventDefinition':
        info.eventKind = 'none';
        info.terminate = true;
        break;
      default:
        info.eventKind = 'other';
    }
  } else if (/Event$/.test(el.$type)) {
    info.eventKind = 'none';
  }
  if (el.$type === 'bpmn:ReceiveTask' && el.messageRef) info.message = messages.get(el.messageRef.id);
  return info;
}

function collect(container: any, messages: Map<string, MessageInfo>, into: Map<string, ElementInfo>, flows: Map<string, FlowInfo>, parentId?: string) {
  for (const el of container.flowElements ?? []) {
    if (el.$type === 'bpmn:SequenceFlow') {
      const body = el.conditionExpression?.body;
      flows.set(el.id, { id: el.id, source: el.sourceRef?.id, target: el.targetRef?.id, ...(typeof body === 'string' && body.trim() && { condition: body.trim() }) });
      continue;
    }
    into.set(el.id, elementInfo(el, messages, parentId));
    if (el.flowElements) collect(el, messages, into, flows, el.id);
  }
}

/** flows and boundary events on their elements, and the none start event of every scope */
function link(elements: Map<string, ElementInfo>, flows: Map<string, FlowInfo>): Map<string, string> {
  // from the flows' own source and target: a diagram may omit the nodes' <incoming>/<outgoing>
  for (const f of flows.values()) {
    elements.get(f.source)?.outgoing.push(f.id);
    elements.get(f.target)?.incoming.push(f.id);
  }
  const noneStarts = new Map<string, string>();
  for (const e of elements.values()) {
    if (e.attachedTo) elements.get(e.attachedTo)?.boundaries.push(e.id);
    if (e.isStartEvent && e.eventKind === 'none' && !noneStarts.has(e.parentId ?? '')) noneStarts.set(e.parentId ?? '', e.id);
  }
  return noneStarts;
}

export function checksumOf(xml: string): string {
  return createHash('sha256').update(xml).digest('hex');
}

/** Parse one resource; throws InvalidResourceError listing every problem found. */
export async function parseResource(resourceName: string, content: string | Buffer): Promise<ParsedResource> {
  const xml = (Buffer.isBuffer(content) ? content.toString('utf8') : content).trim();
  const problems: DeployProblem[] = [];
  let parsed: any;
  try {
    parsed = await moddle.fromXML(xml, 'bpmn:Definitions');
  } catch (err) {
    throw new InvalidResourceError(`${resourceName}: not a BPMN diagram: ${(err as Error).message}`, [
      { resourceName, message: `unparsable XML: ${(err as Error).message}` },
    ]);
  }
  for (const w of parsed.warnings ?? []) {
    problems.push({ resourceName, elementId: w.element?.id, message: w.message });
  }
  const definitions = parsed.rootElement;
  const messages = new Map<string, MessageInfo>();
  for (const root of definitions.rootElements ?? []) {
    if (root.$type === 'bpmn:Message') {
      messages.set(root.id, { id: root.id, name: root.name ?? '', correlationKey: ext(root, 'zeebe:Subscription')?.correlationKey });
    }
  }
  const processElements = (definitions.rootElements ?? []).filter((r: any) => r.$type === 'bpmn:Process');
  if (!processElements.length) problems.push({ resourceName, message: 'the resource contains no process' });
  if (problems.length) {
    throw new InvalidResourceError(`${resourceName}: ${problems.map((p) => p.message).join('; ')}`, problems);
  }

  const serialized = JSON.parse(serializer(parsed, typeResolver).serialize());
  const processes = new Map<string, ProcessModel>();
  for (const proc of processElements) {
    const elements = new Map<string, ElementInfo>();
    const flows = new Map<string, FlowInfo>();
    collect(proc, messages, elements, flows);
    const noneStarts = link(elements, flows);
    const only = structuredClone(serialized);
    for (const p of only.elements?.processes ?? []) {
      p.behaviour = { ...p.behaviour, isExecutable: p.id === proc.id };
    }
    const top = [...elements.values()].filter((e) => e.isStartEvent && !e.parentId);
    processes.set(proc.id, {
      processId: proc.id,
      name: proc.name,
      resourceName,
      elements,
      flows,
      noneStarts,
      sourceContext: deserialize(only, typeResolver),
      timerStarts: top.filter((e) => e.eventKind === 'timer'),
      messageStarts: top.filter((e) => e.eventKind === 'message'),
    });
    problems.push(...unsupported(resourceName, elements));
  }
  if (problems.length) throw new InvalidResourceError(`${resourceName}: ${problems.map((p) => p.message).join('; ')}`, problems);
  return { resourceName, checksum: checksumOf(xml), xml, processes };
}

/** what the engine's interpreter does not run: refused at deployment rather than run wrongly */
function unsupported(resourceName: string, elements: Map<string, ElementInfo>): DeployProblem[] {
  const problems: DeployProblem[] = [];
  const refuse = (e: ElementInfo, what: string) => problems.push({ resourceName, elementId: e.id, message: `${e.id}: ${what} is not supported by the embedded engine` });
  for (const e of elements.values()) {
    if (e.triggeredByEvent) refuse(e, 'an event sub-process');
    else if (e.type === 'bpmn:InclusiveGateway' && e.incoming.length > 1) refuse(e, 'an inclusive gateway that joins');
    else if (e.eventKind === 'other') refuse(e, 'this kind of event (signal, link, conditional, compensation)');
    else if (e.calledDecision && (!e.calledDecision.decisionId || !e.calledDecision.resultVariable)) {
      problems.push({ resourceName, elementId: e.id, message: `${e.id}: a called decision needs a decision id and a result variable` });
    } else if (e.type === 'bpmn:Transaction' || e.type === 'bpmn:ComplexGateway' || e.type === 'bpmn:AdHocSubProcess') refuse(e, `a ${e.type.slice(5)}`);
  }
  return problems;
}
