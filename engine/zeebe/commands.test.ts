/**
 * The port's commands on Zeebe's gRPC API, with the SDK client replaced at its boundary: what each
 * port call sends, what it answers, and how Zeebe's rejections become the port's errors.
 */
import { describe, it, expect } from '@jest/globals';
import { ConflictError, InvalidArgumentError, InvalidResourceError, NotFoundError } from '../errors.js';
import { createZeebeCommands } from './commands.js';
import { GRPC, type ZeebeGrpcApi } from './sdk-boundary.js';

type Call = [string, unknown];

function fakeGrpc(answers: Partial<Record<keyof ZeebeGrpcApi, (arg: any) => unknown>> = {}) {
  const calls: Call[] = [];
  const call = (name: keyof ZeebeGrpcApi, fallback: (arg: any) => unknown) => async (arg: any) => {
    calls.push([name, arg]);
    return (answers[name] ?? fallback)(arg);
  };
  const grpc = {
    deployResources: call('deployResources', () => ({ key: '1', deployments: [] })),
    createProcessInstance: call('createProcessInstance', (r) => ({ processInstanceKey: '2251799813685300', bpmnProcessId: r.bpmnProcessId, version: r.version ?? 3, processDefinitionKey: '2251799813685001' })),
    publishMessage: call('publishMessage', () => ({ key: '2251799813685400', tenantId: '<default>' })),
    cancelProcessInstance: call('cancelProcessInstance', () => undefined),
    setVariables: call('setVariables', () => ({ key: '9' })),
    updateJobRetries: call('updateJobRetries', () => undefined),
    resolveIncident: call('resolveIncident', () => undefined),
    modifyProcessInstance: call('modifyProcessInstance', () => ({})),
    createWorker: () => ({ close: async () => null }),
    close: async () => undefined,
  } as unknown as ZeebeGrpcApi;
  return { grpc, calls };
}

const grpcError = (code: number, details: string) => Object.assign(new Error(details), { code, details });
const reject = (err: Error) => () => Promise.reject(err);

describe('the Zeebe commands', () => {
  it('given diagrams and a form, when deployed, then each goes as its kind; the processes come back with their versions, a known key marked duplicate', async () => {
    const { grpc, calls } = fakeGrpc({
      deployResources: () => ({
        key: '2251799813685000',
        deployments: [
          { process: { bpmnProcessId: 'unit-handling', version: 2, processDefinitionKey: '2251799813685002', resourceName: 'unit-handling.bpmn' } },
          { process: { bpmnProcessId: 'evaluation', version: 1, processDefinitionKey: '2251799813685003', resourceName: 'evaluation.bpmn' } },
          { form: { formId: 'sign-or-return', version: 1, formKey: '2251799813685004', resourceName: 'sign-or-return.form' } },
        ],
      }),
    });
    const commands = createZeebeCommands(grpc, { knownDefinition: async (key) => key === '2251799813685003' });
    const result = await commands.deploy([
      { name: 'unit-handling.bpmn', content: '<bpmn/>' },
      { name: 'evaluation.bpmn', content: Buffer.from('<bpmn/>') },
      { name: 'sign-or-return.form', content: '{}' },
    ]);
    expect(calls).toEqual([['deployResources', [
      { name: 'unit-handling.bpmn', process: Buffer.from('<bpmn/>') },
      { name: 'evaluation.bpmn', process: Buffer.from('<bpmn/>') },
      { name: 'sign-or-return.form', form: Buffer.from('{}') },
    ]]]);
    expect(result).toEqual({
      deploymentKey: '2251799813685000',
      processes: [
        { processId: 'unit-handling', version: 2, processDefinitionKey: '2251799813685002', resourceName: 'unit-handling.bpmn', duplicate: false },
        { processId: 'evaluation', version: 1, processDefinitionKey: '2251799813685003', resourceName: 'evaluation.bpmn', duplicate: true },
      ],
      decisions: [],
      warnings: [],
      // the forms' keys: the task mirror turns a user task's form key back into the form id
      forms: [{ formId: 'sign-or-return', version: 1, formKey: '2251799813685004' }],
    });
  });

  it('given a deployment Zeebe refuses, then it is an InvalidResourceError naming the resource; a resource of another kind is refused before sending', async () => {
    const { grpc } = fakeGrpc({ deployResources: reject(grpcError(GRPC.INVALID_ARGUMENT, "Command 'CREATE' rejected: 'unit-handling.bpmn': - Element: Task_X - ERROR: Must have exactly one 'zeebe:taskDefinition' extension element")) });
    const commands = createZeebeCommands(grpc);
    const err = await commands.deploy([{ name: 'unit-handling.bpmn', content: '<x/>' }, { name: 'evaluation.bpmn', content: '<y/>' }]).catch((e) => e);
    expect(err).toBeInstanceOf(InvalidResourceError);
    expect(err.problems).toEqual([{ resourceName: 'unit-handling.bpmn', message: expect.stringContaining('Task_X') }]);
    await expect(commands.deploy([{ name: 'rules.xlsx', content: 'PK' }])).rejects.toBeInstanceOf(InvalidResourceError);
    await expect(commands.deploy([])).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('given a start, a message, a cancel and variables, then each sends what Zeebe expects and answers the port’s shape', async () => {
    const { grpc, calls } = fakeGrpc();
    const commands = createZeebeCommands(grpc);
    expect(await commands.start('petition-lifecycle', { petitionId: 'p-1' })).toEqual({ processInstanceKey: '2251799813685300', processId: 'petition-lifecycle', version: 3, processDefinitionKey: '2251799813685001' });
    await commands.start('petition-lifecycle', {}, { version: 1 });
    expect(await commands.publishMessage({ name: 'rating-submitted', correlationKey: 'p-1', variables: { rating: 'satisfied' }, timeToLive: 0 })).toEqual({ messageKey: '2251799813685400', correlatedInstanceKeys: [], buffered: false });
    expect((await commands.publishMessage({ name: 'extension-requested', correlationKey: 'p-1', timeToLive: 60_000, messageId: 'ext-1' })).buffered).toBe(true);
    await commands.cancel('2251799813685300');
    await commands.setVariables('2251799813685300', { unitId: 'u-longnan' });
    expect(calls).toEqual([
      ['createProcessInstance', { bpmnProcessId: 'petition-lifecycle', variables: { petitionId: 'p-1' } }],
      ['createProcessInstance', { bpmnProcessId: 'petition-lifecycle', variables: {}, version: 1 }],
      ['publishMessage', { name: 'rating-submitted', correlationKey: 'p-1', variables: { rating: 'satisfied' }, timeToLive: 0 }],
      ['publishMessage', { name: 'extension-requested', correlationKey: 'p-1', timeToLive: 60_000, messageId: 'ext-1' }],
      ['cancelProcessInstance', '2251799813685300'],
      ['setVariables', { elementInstanceKey: '2251799813685300', variables: { unitId: 'u-longnan' }, local: false }],
    ]);
  });

  it('given Zeebe’s rejections, then NOT_FOUND is NotFoundError, ALREADY_EXISTS is ConflictError(ALREADY_EXISTS), and an unavailable broker stays an error to retry', async () => {
    const unavailable = grpcError(14, 'connect ECONNREFUSED');
    const { grpc } = fakeGrpc({
      createProcessInstance: reject(grpcError(GRPC.NOT_FOUND, "Expected to find process definition with process ID 'nope'")),
      publishMessage: reject(grpcError(GRPC.ALREADY_EXISTS, "message with id 'ext-1' is already published")),
      cancelProcessInstance: reject(unavailable),
    });
    const commands = createZeebeCommands(grpc);
    await expect(commands.start('nope')).rejects.toBeInstanceOf(NotFoundError);
    const dup = await commands.publishMessage({ name: 'extension-requested', correlationKey: 'p-1', messageId: 'ext-1' }).catch((e) => e);
    expect(dup).toBeInstanceOf(ConflictError);
    expect(dup.code).toBe('ALREADY_EXISTS');
    await expect(commands.cancel('1')).rejects.toBe(unavailable);
  });

  it('given a job incident, when retried, then the job gets its retries back before the incident is resolved; another incident is only resolved', async () => {
    const { grpc, calls } = fakeGrpc();
    const commands = createZeebeCommands(grpc);
    await commands.retryIncident({ incidentKey: '2251799813685500', jobKey: '2251799813685249' }, 2);
    await commands.retryIncident({ incidentKey: '2251799813685501' });
    expect(calls).toEqual([
      ['updateJobRetries', { jobKey: '2251799813685249', retries: 2 }],
      ['resolveIncident', { incidentKey: '2251799813685500' }],
      ['resolveIncident', { incidentKey: '2251799813685501' }],
    ]);
    await expect(commands.retryIncident({ incidentKey: '1' }, 0)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  // ---------------------------------------------------------------- process-instance modification
  it('given a modification, when sent, then it is ModifyProcessInstance with each element in its active flow scope, variables global; Zeebe’s reasons become the port’s codes', async () => {
    const { grpc, calls } = fakeGrpc({ modifyProcessInstance: () => ({}) });
    const commands = createZeebeCommands(grpc);
    await commands.modify('2251799813685300', [{ elementId: 'Task_Handle', variables: { handlingTime: 'PT2H' } }, { elementId: 'Task_Check' }], ['2251799813685311']);
    expect(calls).toEqual([
      [
        'modifyProcessInstance',
        {
          processInstanceKey: '2251799813685300',
          activateInstructions: [
            { elementId: 'Task_Handle', ancestorElementInstanceKey: '-1', variableInstructions: [{ variables: { handlingTime: 'PT2H' }, scopeId: '' }] },
            { elementId: 'Task_Check', ancestorElementInstanceKey: '-1', variableInstructions: [] },
          ],
          terminateInstructions: [{ elementInstanceKey: '2251799813685311' }],
        },
      ],
    ]);
    const rejected = async (err: Error) => {
      const c = createZeebeCommands(fakeGrpc({ modifyProcessInstance: reject(err) }).grpc);
      return c.modify('1', [{ elementId: 'x' }], []).catch((e) => e.code);
    };
    expect(await rejected(grpcError(GRPC.INVALID_ARGUMENT, "Expected to modify instance of process 'p' but it contains one or more activate instructions with an element that could not be found: 'x'"))).toBe('UNKNOWN_ELEMENT');
    expect(await rejected(grpcError(GRPC.INVALID_ARGUMENT, "Expected to modify instance of process 'p' but it contains one or more terminate instructions with an element instance that could not be found: '9'"))).toBe('UNKNOWN_ELEMENT_INSTANCE');
    expect(await rejected(grpcError(GRPC.INVALID_ARGUMENT, "Expected to modify instance of process 'p' but it contains one or more activate instructions for elements that are unsupported: 'Start_1'"))).toBe('ELEMENT_NOT_ACTIVATABLE');
    expect(await rejected(grpcError(GRPC.NOT_FOUND, "Expected to modify a process instance with key '1', but no such process was found"))).toBe('INSTANCE_NOT_ACTIVE');
  });
});
