/**
 * A notification's state is what happened to it: with no SMS provider configured the dispatcher
 * only writes a log line, and the outbox, the inspector's API and its instance page say "not sent,
 * only logged" — never "sent". With a provider that accepts it, it is sent. The dispatcher is run
 * here as `npm start` runs it (main.ts: createChannels from the configuration), the scheduler's work
 * done on demand. Runs on SQLite and on MariaDB.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createChannels, OutboxDispatcher, type Channel } from '../../domain/notifications.js';
import { createTestApp, submitPetition, type Person, type TestApp } from '../app-harness.js';

const silent = { info() {}, warn() {}, error() {} };
const html = { accept: 'text/html' };

describe('the state of a notification', () => {
  let h: TestApp;
  let auditor: Person;
  beforeAll(async () => {
    h = await createTestApp();
    auditor = await h.signIn('auditor');
  });
  afterAll(() => h.close());

  /** a new petition, its "received" SMS dispatched through these channels; the lifecycle instance's key */
  async function submitAndDispatch(channels: Record<string, Channel>): Promise<{ key: string; trackingCode: string }> {
    const submitted = await submitPetition(h, await h.visitor());
    expect(submitted.status).toBe(201);
    await new OutboxDispatcher({ outbox: h.outbox, channels, logger: silent, clock: h.t.clock }).dispatchOnce();
    const list = (await auditor.get('/api/inspector/instances?processId=petition-lifecycle').expect(200)).body;
    const instance = list.find((i: { trackingCode?: string }) => i.trackingCode === submitted.body.trackingCode);
    return { key: instance.processInstanceKey, trackingCode: submitted.body.trackingCode };
  }

  it('given no SMS provider configured, when the "received" SMS is dispatched, then it is recorded as only logged, not sent, in the outbox, the inspector API and the instance page', async () => {
    const { key } = await submitAndDispatch(createChannels({}, silent) as unknown as Record<string, Channel>);
    const row = (await h.outbox.list()).find((r) => r.template === 'petition-received');
    expect(row).toMatchObject({ channel: 'sms', recipientKind: 'petitioner', state: 'logged', sentAt: null });

    const detail = (await auditor.get(`/api/inspector/instances/${encodeURIComponent(key)}`).expect(200)).body;
    expect(detail.notifications).toEqual([
      expect.objectContaining({ template: 'petition-received', channel: 'sms', recipientKind: 'petitioner', state: 'logged', stateLabel: '未发出:未配置发送服务,仅写入日志', sentAt: null }),
    ]);
    const page = (await auditor.get(`/inspector/instances/${encodeURIComponent(key)}`).set(html).expect(200)).text;
    const section = /<section class="panel" id="notifications">([\s\S]*?)<\/section>/.exec(page)?.[1] ?? '';
    expect(section).toContain('未发出:未配置发送服务,仅写入日志');
    expect(section).toContain('短信');
    expect(section).not.toContain('已发送');
  });

  it('given an SMS provider that accepts it, when dispatched, then it is sent, and the inspector says so', async () => {
    const posted: unknown[] = [];
    const sms = createChannels(
      {
        sms: {
          endpoint: 'http://127.0.0.1:9/sms',
          resolveAddress: async () => '13900002222',
          fetch: (async (_url: string, init: { body: string }) => {
            posted.push(JSON.parse(init.body));
            return new Response(null, { status: 200 });
          }) as unknown as typeof fetch,
        },
      },
      silent,
    ) as unknown as Record<string, Channel>;
    const { key } = await submitAndDispatch(sms);
    expect(posted).toHaveLength(1);
    const detail = (await auditor.get(`/api/inspector/instances/${encodeURIComponent(key)}`).expect(200)).body;
    expect(detail.notifications).toEqual([expect.objectContaining({ template: 'petition-received', state: 'sent', stateLabel: '已发送' })]);
    expect(detail.notifications[0].sentAt).toBe(h.t.clock.now().toISOString());
    const page = (await auditor.get(`/inspector/instances/${encodeURIComponent(key)}`).set(html).expect(200)).text;
    expect(/<section class="panel" id="notifications">([\s\S]*?)<\/section>/.exec(page)?.[1]).toContain('已发送');
  });
});
