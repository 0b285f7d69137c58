import { randomUUID } from 'node:crypto';
import { describe, it, expect } from '@jest/globals';
import { looksPersonal, maskPersonalData } from './masking.js';

describe('maskPersonalData', () => {
  it('masks mainland mobile numbers as 138****0000, with +86 and separators too', () => {
    expect(maskPersonalData('电话13812340000。')).toBe('电话138****0000。');
    expect(maskPersonalData('手机 138 1234 0000 或 +86 139-1234-5678')).toBe('手机 138****0000 或 +86 139****5678');
    expect(maskPersonalData('号码12812345678不是手机')).toBe('号码12812345678不是手机');
  });

  it('masks landlines with an area code', () => {
    expect(maskPersonalData('座机0797-3512345')).toBe('座机0797-*******');
    expect(maskPersonalData('座机(0797)35123456')).toBe('座机0797-********');
    expect(maskPersonalData('座机（0797）3512345')).toBe('座机0797-*******');
    expect(maskPersonalData('座机 07973512345')).toBe('座机 0797-*******');
  });

  it('masks 18-digit ID numbers entirely, X included, and 15-digit old ones', () => {
    expect(maskPersonalData('身份证360727199001011234,')).toBe('身份证******************,');
    expect(maskPersonalData('身份证号 36072719900101123X。')).toBe('身份证号 ******************。');
    expect(maskPersonalData('旧证 360727900101123')).toBe('旧证 ***************');
  });

  it('masks e-mail addresses but keeps the domain', () => {
    expect(maskPersonalData('邮箱 zhangsan@qq.com 联系')).toBe('邮箱 z***@qq.com 联系');
  });

  it('masks the exact strings given, one * per character, longest first', () => {
    const text = '张三反映:张三丰家门口(龙翔路8号)的路灯坏了,张 三多次反映。';
    expect(maskPersonalData(text, { exact: ['张三', '张三丰', '龙翔路8号', '', null, undefined] })).toBe(
      '**反映:***家门口(*****)的路灯坏了,* *多次反映。',
    );
  });

  it('masks the exact phone also when written with separators', () => {
    expect(maskPersonalData('座机 0797 351 2345', { exact: ['07973512345'] })).toBe('座机 **** *** ****');
  });

  it('masks a Chinese name after 我叫 / 本人 / 姓名 / 联系人 cues', () => {
    expect(maskPersonalData('我叫王小明,住在东江乡。')).toBe('我叫***,住在东江乡。');
    expect(maskPersonalData('联系人:李四电话 138 1234 5678')).toBe('联系人:**电话 138****5678');
    expect(maskPersonalData('姓名:欧阳娜娜 身份证')).toBe('姓名:**** 身份证');
    expect(maskPersonalData('本人刘洋,家住某村。')).toBe('本人**,家住某村。');
  });

  it('leaves ordinary words after 本人 and long digit runs alone', () => {
    expect(maskPersonalData('本人认为,小区管理混乱。')).toBe('本人认为,小区管理混乱。');
    expect(maskPersonalData('本人反映小区路灯不亮')).toBe('本人反映小区路灯不亮');
    expect(maskPersonalData('订单号 2026030212345678901234')).toBe('订单号 2026030212345678901234');
  });

  it('masks everything of a realistic reply at once', () => {
    const reply = '我叫张三,电话13812345678,身份证360727199001011234,邮箱zs@163.com,住龙南镇龙翔路8号。';
    const masked = maskPersonalData(reply, { exact: ['张三', '13812345678', '龙南镇龙翔路8号'] });
    expect(masked).toBe('我叫**,电话***********,身份证******************,邮箱z***@163.com,住********。');
    expect(looksPersonal(masked)).toBe(false);
    expect(looksPersonal(reply)).toBe(true);
  });

  it('refuses what is not text', () => {
    expect(() => maskPersonalData(undefined as unknown as string)).toThrow(TypeError);
  });
});

// An id is no personal data: the outbox's guard once read …b136-94852007… in a random UUID as a mobile
// number, so about 1 petition in 1,070 never had its "received" notification sent and never reached screening.
describe('looksPersonal and ids', () => {
  it('flags none of 200,000 random UUIDs, alone or in a sentence', () => {
    const flagged: string[] = [];
    for (let i = 0; i < 200_000; i += 1) {
      const id = randomUUID();
      if (looksPersonal(id) || looksPersonal(`诉求 ${id} 已受理`)) flagged.push(id);
    }
    expect(flagged).toEqual([]);
  });

  it('flags none of the UUIDs that once looked like a mobile number', () => {
    for (const id of ['0c9d7a3e-5f21-4e0a-b136-94852007ac1d', '0c9d7a3e-5f21-4139-0000-2222ac1d0f11', '0c9d7a3e-5f21-4e0a-b136-a13900002222']) {
      expect(looksPersonal(id)).toBe(false);
      expect(looksPersonal(id.toUpperCase())).toBe(false);
    }
    // a staff id and a document's SHA-256 are ids too
    expect(looksPersonal('st-a13900002222bcde')).toBe(false);
    expect(looksPersonal(`sha256 ${'e3b0c442'.repeat(4)}13900002222${'a'.repeat(21)}`)).toBe(false);
  });

  it('still flags real mobile numbers, however written, and ID numbers', () => {
    for (const text of ['13900002222', '电话139-0000-2222', '139 0000 2222', '+86 139 0000 2222', '+8613900002222', '86-139-0000-2222', '身份证360727199001011234', '旧证 360727900101123', 'zs@163.com']) {
      expect(looksPersonal(text)).toBe(true);
    }
    // a phone next to an id is still a phone
    expect(looksPersonal('0c9d7a3e-5f21-4e0a-b136-94852007ac1d 13900002222')).toBe(true);
  });

  it('leaves an id in published or inspected text as it is, and masks the phone beside it', () => {
    const id = '0c9d7a3e-5f21-4e0a-b136-94852007ac1d';
    expect(maskPersonalData(`编号 ${id},电话 139-0000-2222`)).toBe(`编号 ${id},电话 139****2222`);
  });
});
