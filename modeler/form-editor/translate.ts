/**
 * Chinese for the form-js 1.23 editor's own interface. form-js offers no translation for its palette
 * and properties panel (their labels are literals in @bpmn-io/form-js-editor's dist/index.es.js), so
 * the texts are replaced in the DOM: only exact matches, only inside the palette and the properties
 * panel, never inside an input, a text area or a FEEL/template editor — what an admin typed stays.
 * Preact writes a text node again only when its own value changes, so a translation stays.
 */

const ZH: Record<string, string> = {
  // palette
  Components: '组件',
  'Search components': '搜索组件',
  'Clear content': '清除',
  'No components found.': '没有匹配的组件',
  Input: '输入',
  Selection: '选择',
  Presentation: '展示',
  Containers: '容器',
  Action: '操作',
  'Text field': '单行文本',
  'Text area': '多行文本',
  Number: '数字',
  'Date time': '日期时间',
  Datetime: '日期时间',
  Checkbox: '复选框',
  'Checkbox group': '多选组',
  'Radio group': '单选组',
  Select: '下拉选择',
  'Tag list': '标签列表',
  'File picker': '文件上传',
  Text: '文本',
  'Text view': '文本',
  'HTML view': 'HTML',
  Image: '图片',
  'Image view': '图片',
  Table: '表格',
  'Expression': '计算值',
  Spacer: '间隔',
  Separator: '分隔线',
  Group: '分组',
  'Dynamic list': '动态列表',
  iFrame: '内嵌网页',
  'iFrame view': '内嵌网页',
  'Document preview': '文档预览',
  Button: '按钮',
  // properties panel: header and groups
  Form: '表单',
  'Binds to a form variable': '对应表单变量(流程变量名)',
  General: '常规',
  Condition: '条件',
  Layout: '布局',
  Appearance: '外观',
  Serialization: '序列化',
  Constraints: '约束',
  Validation: '校验',
  'Options source': '选项来源',
  'Static options': '静态选项',
  'Dynamic options': '动态选项',
  'Options expression': '选项表达式',
  'Custom properties': '自定义属性',
  'Security attributes': '安全属性',
  // properties panel: entries
  'Field label': '字段标签',
  Label: '标签',
  'Field description': '字段说明',
  Key: '键(变量名)',
  'Default value': '默认值',
  Required: '必填',
  Disabled: '禁用',
  'Read only': '只读',
  'Hide if': '隐藏条件',
  Columns: '列宽',
  Auto: '自动',
  'Minimum length': '最小长度',
  'Maximum length': '最大长度',
  Minimum: '最小值',
  Maximum: '最大值',
  'Validation pattern': '校验格式',
  'Custom regular expression': '自定义正则表达式',
  'Custom error message': '自定义错误提示',
  Email: '电子邮箱',
  Phone: '电话',
  Custom: '自定义',
  'Decimal digits': '小数位数',
  Increment: '步长',
  Prefix: '前缀',
  Suffix: '后缀',
  Subtype: '子类型',
  Date: '日期',
  Time: '时间',
  'Date label': '日期标签',
  'Time label': '时间标签',
  'Time format': '时间格式',
  'Time interval': '时间间隔',
  'Disallow past dates': '不允许过去的日期',
  'Input values key': '选项变量',
  Value: '值',
  Path: '路径',
  'Show outline': '显示边框',
  'Vertical alignment': '垂直对齐',
  Top: '顶部',
  Center: '居中',
  Bottom: '底部',
  Searchable: '可搜索',
  'Output as string': '输出为字符串',
  'Supported file formats': '允许的文件格式',
  'Upload multiple files': '允许多个文件',
  'Alternative text': '替代文本',
  'Image source': '图片地址',
  Content: '内容',
  'Data source': '数据来源',
  Height: '高度',
  'Target value': '目标值',
  'Compute on': '计算时机',
  'Value changes': '值改变时',
  'Form submission': '提交时',
  Checked: '已勾选',
  'Not checked': '未勾选',
  'Create new list item': '新增一项',
  Create: '新增',
  'Delete item': '删除',
  '<empty>': '(空)',
  'Toggle section': '展开/收起',
  'Toggle list item': '展开/收起',
  'Open documentation': '查看文档',
  'Open pop-up editor': '在弹出窗口中编辑',
  'Section contains an error': '此部分有错误',
  'Section contains edits': '此部分已修改',
  'Select a form field to edit its properties.': '选择一个字段以编辑其属性。',
  'No element selected': '未选择组件',
};

const SCOPES = '.fjs-palette-container, .fjs-properties-container, .fjs-editor-properties-container';
/** what an admin types: never translated */
const USER_TEXT = 'input, textarea, [contenteditable], .cm-editor, .bio-properties-panel-feel-editor-container';

function inScope(el: Element | null): boolean {
  return Boolean(el && el.closest(SCOPES) && !el.closest(USER_TEXT));
}

function translateText(node: Node): void {
  if (!inScope(node.parentElement)) return;
  const text = node.nodeValue ?? '';
  const trimmed = text.trim();
  const zh = trimmed ? ZH[trimmed] : undefined;
  if (zh) node.nodeValue = text.replace(trimmed, zh);
}

function translateAttributes(el: Element): void {
  if (!inScope(el) && !(el.matches('input') && el.closest(SCOPES))) return;
  for (const name of ['title', 'placeholder', 'aria-label']) {
    const value = el.getAttribute(name);
    const zh = value ? ZH[value] : undefined;
    if (zh) el.setAttribute(name, zh);
  }
}

function translateTree(node: Node): void {
  if (node.nodeType === Node.TEXT_NODE) return translateText(node);
  if (node.nodeType !== Node.ELEMENT_NODE) return;
  translateAttributes(node as Element);
  for (let child = node.firstChild; child; child = child.nextSibling) translateTree(child);
}

/** translates the editor inside `root` now and whenever it renders */
export function translateEditor(root: Element): MutationObserver {
  translateTree(root);
  const observer = new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'childList') r.addedNodes.forEach(translateTree);
      else if (r.type === 'characterData') translateText(r.target);
      else translateAttributes(r.target as Element);
    }
  });
  observer.observe(root, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['title', 'placeholder', 'aria-label'] });
  return observer;
}
