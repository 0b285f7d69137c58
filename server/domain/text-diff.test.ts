import { describe, expect, it } from '@jest/globals';
import { diffText } from './text-diff.js';

const show = (before: string, after: string) => diffText(before, after).map((p) => (p.op === 'same' ? p.text : p.op === 'del' ? `[-${p.text}-]` : `{+${p.text}+}`)).join('');

describe('a readable difference between two versions of an entry', () => {
  it('given a changed word in a Chinese sentence, when compared, then the word is shown removed and its replacement added, the rest unchanged', () => {
    expect(show('城区居民办理居住证需要提供租房合同。', '城区居民办理居住证需要提供房屋租赁合同和身份证。')).toBe('城区居民办理居住证需要提供[-租房-]{+房屋租赁+}合同{+和身份证+}。');
  });

  it('given texts with line breaks and spaces, when compared, then joining the unchanged and added parts gives the new text and the unchanged and removed parts the old one', () => {
    const before = '第一段:办理时间为工作日 9:00-17:00。\n第二段:地点在市政务服务中心 2 楼。';
    const after = '第一段:办理时间为工作日 8:30-17:30。\n第二段:地点在市政务服务中心 3 楼,窗口 12。\n第三段:电话 0797-3511234。';
    const parts = diffText(before, after);
    expect(parts.filter((p) => p.op !== 'del').map((p) => p.text).join('')).toBe(after);
    expect(parts.filter((p) => p.op !== 'ins').map((p) => p.text).join('')).toBe(before);
  });

  it('given equal or empty texts, when compared, then nothing is marked changed', () => {
    expect(diffText('同一段话', '同一段话')).toEqual([{ op: 'same', text: '同一段话' }]);
    expect(diffText('', '')).toEqual([]);
    expect(diffText('', '新写的答案')).toEqual([{ op: 'ins', text: '新写的答案' }]);
  });

  it('given two very long unrelated texts, when compared, then the comparison stays bounded: the old removed and the new added whole (the common last full stop kept)', () => {
    const a = '甲乙丙丁。'.repeat(2000);
    const b = '子丑寅卯。'.repeat(2000);
    const started = Date.now();
    const parts = diffText(a, b);
    expect(parts).toEqual([{ op: 'del', text: a.slice(0, -1) }, { op: 'ins', text: b.slice(0, -1) }, { op: 'same', text: '。' }]);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
