import { describe, it, expect } from '@jest/globals';
import {
  ChannelNotConfiguredError,
  createChannels,
  LoggingChannel,
  OutboxDispatcher,
  SmsChannel,
  type Channel,
  type OutboxOutcome,
  type OutboxRecord,
  type OutboxStore,
  type OutgoingMessage,
} from './notifications.js';

class Log {
  entries: { level: string; obj: any; msg?: string }[] = [];
  info = (obj: object, msg?: string) => void this.entries.push({ level: 'info', obj, msg });
  warn = (obj: object, msg?: string) => void this.entries.push({ level: 'warn', obj, msg });
  error = (obj: object, msg?: string) => void this.entries.push({ level: 'error', obj, msg });
}

/** an OutboxStore over an array, with the claim semantics of the repository */
class MemoryStore implements OutboxStore {
  rows: OutboxRecord[] = [];
  add(partial: Partial<OutboxRecord>): OutboxRecord {
    const row: OutboxRecord = {
      id: this.rows.length + 1,
      channel: 'sms',
      recipientKind: 'petitioner',
      recipientRef: 'p-1',
      template: 'petition-received',
      payload: { petitionId: 'p-1', trackingCode: 'LN1' },
      dedupeKey: `k${this.rows.length + 1}`,
      state: 'pending',
      attempts: 0,
      createdAt: new Date(0),
      sentAt: null,
      lastError: null,
      ...partial,
    };
    this.rows.push(row);
    return row;
  }
  async pending(limit: number) {
    return this.rows.filter((r) => r.state === 'pending').slice(0, limit).map((r) => ({ ...r }));
  }
  claimOne(id: number, attempts: number) {
    const r = this.rows.find((x) => x.id === id);
    if (!r || r.state !== 'pending' || r.attempts !== attempts) return false;
    r.attempts += 1;
    return true;
  }
  async claim(rows: { id: number; attempts: number }[]) {
    return new Set(rows.filter((r) => this.claimOne(r.id, r.attempts)).map((r) => r.id));
  }
  async record(outcomes: OutboxOutcome[]) {
    for (const o of outcomes) {
      const row = this.rows.find((x) => x.id === o.id)!;
      if (o.state === 'sent') Object.assign(row, { state: 'sent', sentAt: o.at, lastError: null });
      else if (o.state === 'logged') Object.assign(row, { state: 'logged', sentAt: null, lastError: null });
      else Object.assign(row, { state: o.final ? 'failed' : 'pending', lastError: o.error });
    }
  }
}

class RecordingChannel implements Channel {
  sent: OutgoingMessage[] = [];
  failures = 0;
  constructor(readonly name: 'sms' | 'email' | 'wechat' | 'log') {}
  async send(m: OutgoingMessage) {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('gateway timeout');
    }
    this.sent.push(m);
  }
}

const clock = { now: () => new Date('2026-03-02T02:00:00.000Z') };

describe('OutboxDispatcher', () => {
  it('sends pending rows through their channel with the rendered text and marks them sent', async () => {
    const store = new MemoryStore();
    store.add({});
    store.add({ channel: 'email', recipientKind: 'inspection-office', recipientRef: 'inspection-office', template: 'delay-explained', payload: { trackingCode: 'LN2' } });
    const sms = new RecordingChannel('sms');
    const email = new RecordingChannel('email');
    const d = new OutboxDispatcher({ outbox: store, channels: { sms, email }, logger: new Log(), clock });
    expect(await d.dispatchOnce()).toEqual({ logged: 0, sent: 2, failed: 0, retrying: 0 });
    expect(sms.sent).toHaveLength(1);
    expect(sms.sent[0]).toMatchObject({ id: 1, recipientKind: 'petitioner', recipientRef: 'p-1', text: expect.stringContaining('查询码 LN1') });
    expect(email.sent[0].text).toContain('LN2');
    expect(store.rows.map((r) => [r.state, r.attempts, r.sentAt?.toISOString()])).toEqual([
      ['sent', 1, '2026-03-02T02:00:00.000Z'],
      ['sent', 1, '2026-03-02T02:00:00.000Z'],
    ]);
    // nothing is sent twice
    expect(await d.dispatchOnce()).toEqual({ logged: 0, sent: 0, failed: 0, retrying: 0 });
    expect(sms.sent).toHaveLength(1);
  });

  it('retries a failed send on the next run and fails it for good after maxAttempts', async () => {
    const store = new MemoryStore();
    store.add({});
    const sms = new RecordingChannel('sms');
    sms.failures = 1;
    const d = new OutboxDispatcher({ outbox: store, channels: { sms }, logger: new Log(), clock, maxAttempts: 2 });
    expect(await d.dispatchOnce()).toEqual({ logged: 0, sent: 0, failed: 0, retrying: 1 });
    expect(store.rows[0]).toMatchObject({ state: 'pending', attempts: 1, lastError: 'gateway timeout' });
    expect(await d.dispatchOnce()).toEqual({ logged: 0, sent: 1, failed: 0, retrying: 0 });
    expect(store.rows[0]).toMatchObject({ state: 'sent', attempts: 2, lastError: null });

    store.add({ dedupeKey: 'again' });
    sms.failures = 5;
    await d.dispatchOnce();
    expect(await d.dispatchOnce()).toEqual({ logged: 0, sent: 0, failed: 1, retrying: 0 });
    expect(store.rows[1]).toMatchObject({ state: 'failed', attempts: 2 });
  });

  it('fails at once a row it cannot render, one without a channel, and one whose channel is not configured', async () => {
    const store = new MemoryStore();
    store.add({ template: 'no-such-template' });
    store.add({ channel: 'wechat' });
    store.add({ channel: 'email' });
    const log = new Log();
    const d = new OutboxDispatcher({ outbox: store, channels: { email: new SmsChannel() as unknown as Channel }, logger: log, clock });
    expect(await d.dispatchOnce()).toEqual({ logged: 0, sent: 0, failed: 3, retrying: 0 });
    expect(store.rows.map((r) => [r.state, r.lastError])).toEqual([
      ['failed', expect.stringContaining('unknown notification template')],
      ['failed', 'no channel "wechat"'],
      ['failed', 'notification channel "sms" is not configured'],
    ]);
  });

  it('does not send a row another dispatcher has taken', async () => {
    const store = new MemoryStore();
    store.add({});
    const realClaim = store.claim.bind(store);
    store.claim = async (rows) => {
      await realClaim(rows); // someone else claims first
      return realClaim(rows);
    };
    const sms = new RecordingChannel('sms');
    const d = new OutboxDispatcher({ outbox: store, channels: { sms }, logger: new Log(), clock });
    expect(await d.dispatchOnce()).toEqual({ logged: 0, sent: 0, failed: 0, retrying: 0 });
    expect(sms.sent).toHaveLength(0);
  });

  it('runs on an interval until stopped', async () => {
    const store = new MemoryStore();
    store.add({});
    const channels = createChannels({}, new Log());
    const d = new OutboxDispatcher({ outbox: store, channels, logger: new Log(), clock });
    d.start(10);
    await new Promise((r) => setTimeout(r, 30));
    await d.stop();
    // no provider configured: written to the log, and said to be only that
    expect(store.rows[0]).toMatchObject({ state: 'logged', sentAt: null });
  });
});

describe('channels', () => {
  const message: OutgoingMessage = {
    id: 7,
    channel: 'sms',
    recipientKind: 'petitioner',
    recipientRef: 'p-1',
    template: 'petition-received',
    text: '【龙南问政】您的诉求已收到,查询码 LN1。',
    payload: { trackingCode: 'LN1' },
  };

  it('the logging channel logs template and recipient kind, never an address', async () => {
    const log = new Log();
    await new LoggingChannel(log, 'sms').send(message);
    expect(log.entries).toEqual([
      { level: 'info', obj: { outboxId: 7, channel: 'sms', template: 'petition-received', recipientKind: 'petitioner', recipientRef: 'p-1' }, msg: 'notification (logged, not sent)' },
    ]);
  });

  it('by default every channel name is the logging channel', () => {
    const channels = createChannels({}, new Log());
    for (const c of Object.values(channels)) expect(c).toBeInstanceOf(LoggingChannel);
  });

  it('an SMS channel without configuration throws "not configured"', async () => {
    await expect(new SmsChannel().send(message)).rejects.toThrow(ChannelNotConfiguredError);
  });

  it('a configured SMS channel resolves the address and posts to the gateway; errors carry no address', async () => {
    const calls: { url: string; init: any }[] = [];
    let status = 200;
    const fakeFetch = (async (url: string, init: any) => {
      calls.push({ url, init });
      return { ok: status < 300, status } as Response;
    }) as unknown as typeof fetch;
    const sms = createChannels(
      { sms: { endpoint: 'https://sms.example/send', token: 't0k', signName: '龙南问政', resolveAddress: async (kind, ref) => (kind === 'petitioner' && ref === 'p-1' ? '13812345678' : undefined), fetch: fakeFetch } },
      new Log(),
    ).sms;
    expect(sms).toBeInstanceOf(SmsChannel);
    await sms.send(message);
    expect(calls[0].url).toBe('https://sms.example/send');
    expect(calls[0].init.headers.authorization).toBe('Bearer t0k');
    expect(JSON.parse(calls[0].init.body)).toEqual({ to: '13812345678', text: message.text, template: 'petition-received', sign: '龙南问政', reference: 'outbox-7' });

    status = 500;
    await expect(sms.send(message)).rejects.toThrow('sms provider answered HTTP 500');
    await expect(sms.send({ ...message, recipientRef: 'p-2' })).rejects.toThrow('no sms address for petitioner p-2');
  });
});
