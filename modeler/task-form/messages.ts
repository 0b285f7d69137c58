/**
 * Chinese for the English strings form-js 1.23 shows (read from
 * node_modules/@bpmn-io/form-js-viewer/dist/index.es.js: `runPresetValidation`,
 * `runNumberValidation`, Datetime, FilePicker, Select/Taglist search, DropdownList, Table).
 *
 * Validation messages are translated at their source (the `validator` service, see
 * `translateValidator`), so `form.submit().errors` and the DOM both carry Chinese. The remaining
 * interface strings are translated in the DOM by `translateDom`.
 */
import { observeTranslation } from '../shared/dom-translation.js';

const EXACT: Record<string, string> = {
  // validation (Validator: runPresetValidation, runNumberValidation)
  'Field is required.': '此项为必填项',
  'Field must be a valid email.': '请输入有效的电子邮箱地址',
  'Field must be a valid  international phone number. (e.g. +4930664040900)': '请输入有效的国际格式电话号码(如 +8613800000000)',
  'Min validation value is not a valid number.': '最小值设置无效',
  'Max validation value is not a valid number.': '最大值设置无效',
  'Value is not a number.': '请输入数字',
  'Value is expected to be an integer.': '请输入整数',
  // Datetime (not required, only one of date and time set)
  'Date and time must both be entered.': '请同时填写日期和时间',
  // interface
  Browse: '选择文件',
  'No files selected': '未选择文件',
  // a select's placeholder (SimpleSelect)
  Select: '请选择',
  Search: '搜索',
  'No results': '无匹配项',
  'All values selected': '已全部选择',
  'Nothing to show.': '暂无数据',
  'No content to show.': '暂无内容',
  'Remove tag': '移除',
  Increment: '增加',
  Decrement: '减少',
  'Previous page': '上一页',
  'Next page': '下一页',
};

const PATTERNS: [RegExp, (...groups: string[]) => string][] = [
  [/^Field must have minimum value of (.+)\.$/, (min) => `不能小于 ${min}`],
  [/^Field must have maximum value of (.+)\.$/, (max) => `不能大于 ${max}`],
  [/^Field must have minimum length of (\d+)\.$/, (n) => `至少填写 ${n} 个字`],
  [/^Field must have maximum length of (\d+)\.$/, (n) => `最多填写 ${n} 个字`],
  [/^Field must match pattern .*\.$/s, () => '格式不正确'],
  [/^Value is expected to have at most (\d+) decimal digits?\.$/, (n) => `最多保留 ${n} 位小数`],
  [/^Please select a valid value, the two nearest valid values are (\S+) and (\S+)\.$/, (a, b) => `请输入有效的值,最接近的有效值为 ${a} 和 ${b}`],
  [/^(\d+) files selected$/, (n) => `已选择 ${n} 个文件`],
  [/^Remove list item (\d+)$/, (n) => `删除第 ${n} 项`],
  [/^Download (.+)$/s, (name) => `下载 ${name}`],
];

/** the Chinese for one of form-js's English messages; anything else comes back unchanged */
export function translateMessage(text: string): string {
  const exact = EXACT[text];
  if (exact !== undefined) return exact;
  for (const [pattern, to] of PATTERNS) {
    const m = pattern.exec(text);
    if (m) return to(...m.slice(1));
  }
  return text;
}

interface ValidatorLike {
  validateFieldInstance(fieldInstance: unknown, value: unknown): string[];
  validateField?(field: unknown, value: unknown): string[];
}

/**
 * A form-js module (for `additionalModules`) that wraps the `validator` service so that its
 * messages come out in Chinese. A schema's own `patternErrorMessage` passes through unchanged.
 */
export const translateValidator = {
  __init__: [
    [
      'validator',
      (validator: ValidatorLike) => {
        const wrap = (fn: (a: unknown, b: unknown) => string[]) => (a: unknown, b: unknown) => fn(a, b).map(translateMessage);
        validator.validateFieldInstance = wrap(validator.validateFieldInstance.bind(validator));
        if (validator.validateField) validator.validateField = wrap(validator.validateField.bind(validator));
      },
    ],
  ],
};

/**
 * Translates the interface strings inside `root` now and whenever form-js renders. Preact only
 * writes a text node or an attribute again when its own value changes, so a translation stays.
 */
export function translateDom(root: Element): MutationObserver {
  return observeTranslation(root, { translate: translateMessage });
}
