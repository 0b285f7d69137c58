import { describe, it, expect } from '@jest/globals';
import { createPublishReply } from './publish-reply.js';
import { createTestDeps, InMemoryPetitionDirectory, jobContext } from './testing/in-memory.js';

const reply = {
  handledAt: '2026-03-05T07:30:00.000Z',
  handlingUnit: '龙南镇人民政府',
  result: '经核实,张三反映的龙翔路8号路灯已于3月5日修复。如有疑问请联系 13812345678 或 0797-3512345。',
  legalBasis: '《城市照明管理规定》',
  contactRecord: '3月4日电话联系张三,13812345678',
  publishable: true,
  replyText: '您好,路灯已修复。联系人李四,电话 0797-3512345。',
};

function depsWithPetition() {
  const deps = createTestDeps({ now: '2026-03-06T02:00:00.000Z' });
  deps.petitions.sources.set('p1', { title: '张三反映龙翔路8号路灯不亮', petitionerName: '张三', petitionerPhone: '13812345678', address: '龙翔路8号' });
  return deps;
}

describe('publish-reply (第二十条、第二十一条)', () => {
  it('publishes an approved, publishable reply with personal data masked', async () => {
    const deps = depsWithPetition();
    const out = await createPublishReply(deps)({ petitionId: 'p1', reply, reviewApproved: true, publishable: true }, jobContext('publish-reply'));
    expect(out).toEqual({ published: true });
    const row = deps.publications.rows.get('p1')!;
    expect(row.title).toBe('**反映*****路灯不亮');
    expect(row.maskedText).toBe(
      [
        '办理时间:2026-03-05 15:30',
        '办理单位:龙南镇人民政府',
        '办理结果:经核实,**反映的*****路灯已于3月5日修复。如有疑问请联系 *********** 或 0797-*******。',
        '法律法规政策依据:《城市照明管理规定》',
        '答复内容:您好,路灯已修复。联系人**,电话 0797-*******。',
      ].join('\n'),
    );
    expect(row.maskedText).not.toContain('电话联系');
    expect(row.publishedAt).toEqual(new Date('2026-03-06T02:00:00.000Z'));
  });

  it('publishes a petition the directory has no identity for with the patterns masked only', async () => {
    const deps = createTestDeps();
    await createPublishReply(deps)({ petitionId: 'p2', reply: { result: '已回电 13812345678', publishable: true }, reviewApproved: true, publishable: true }, jobContext('publish-reply'));
    expect(deps.publications.rows.get('p2')).toMatchObject({ title: '诉求 p2', maskedText: '办理结果:已回电 138****5678' });
  });

  it('publishes nothing unless approved AND publishable by the platform AND the unit', async () => {
    const deps = depsWithPetition();
    const handler = createPublishReply(deps);
    for (const [reviewApproved, publishable] of [[false, true], [true, false], [true, undefined], ['true', true], [undefined, undefined]]) {
      expect(await handler({ petitionId: 'p1', reply, reviewApproved, publishable }, jobContext('publish-reply'))).toEqual({ published: false });
    }
    // 第二十条: the unit marked it 不宜公开 (or said nothing): the platform's approval does not publish it
    for (const unitMark of [false, undefined, 'true']) {
      expect(await handler({ petitionId: 'p1', reply: { ...reply, publishable: unitMark }, reviewApproved: true, publishable: true }, jobContext('publish-reply'))).toEqual({ published: false });
    }
    expect(deps.publications.rows.size).toBe(0);
    expect(deps.petitions.identityReads).toHaveLength(0);
  });

  it('a retried job publishes once; a new reply after 重办 replaces the text', async () => {
    const deps = depsWithPetition();
    const handler = createPublishReply(deps);
    const vars = { petitionId: 'p1', reply, reviewApproved: true, publishable: true };
    await handler(vars, jobContext('publish-reply'));
    expect(await deps.publications.publish({ ...deps.publications.rows.get('p1')! })).toEqual({ created: false, updated: false });
    await handler({ ...vars, reply: { replyText: '重办后已更换全部路灯。', publishable: true } }, jobContext('publish-reply'));
    expect(deps.publications.rows.get('p1')!.maskedText).toBe('答复内容:重办后已更换全部路灯。');
  });

  it('fails on an unknown petition or a reply without content', async () => {
    const deps = depsWithPetition();
    deps.petitions = new InMemoryPetitionDirectory(deps.petitions.sources, { strict: true });
    const handler = createPublishReply(deps);
    await expect(handler({ petitionId: 'p9', reply, reviewApproved: true, publishable: true }, jobContext('publish-reply'))).rejects.toThrow(
      'publish-reply: petition "p9" is not known to the petition store',
    );
    await expect(handler({ petitionId: 'p1', reply: { contact: 'x', publishable: true }, reviewApproved: true, publishable: true }, jobContext('publish-reply'))).rejects.toThrow(
      'variable "reply" has neither "result" nor "replyText"',
    );
    await expect(handler({ petitionId: 'p1', reply: '已修复', reviewApproved: true, publishable: true }, jobContext('publish-reply'))).rejects.toThrow(
      'variable "reply" must be an object',
    );
    await expect(handler({ reply, reviewApproved: true, publishable: true }, jobContext('publish-reply'))).rejects.toThrow('variable "petitionId"');
  });
});
