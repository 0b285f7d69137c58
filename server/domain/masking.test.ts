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
