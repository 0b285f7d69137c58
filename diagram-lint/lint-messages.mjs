// Chinese for the lint messages of bpmnlint and camunda-compat (English in those packages), shared
// by the deploy gate's answers and the modeler's canvas. A message no pattern knows stays as it is.
const TYPES = {
  'zeebe:TaskDefinition': '任务定义(zeebe:TaskDefinition)',
  'zeebe:FormDefinition': '表单定义(zeebe:FormDefinition)',
  'zeebe:CalledElement': '被调用流程(zeebe:CalledElement)',
  'zeebe:Subscription': '消息订阅(zeebe:Subscription)',
  'zeebe:LoopCharacteristics': '多实例(zeebe:LoopCharacteristics)',
};
const t = (type) => `<${TYPES[type] ?? type}>`;

const PATTERNS = [
  [/^Element of type <([^>]+)> must have one extension element of type <([^>]+)>$/, (m) => `类型为 <${m[1]}> 的元素必须有一个扩展元素 ${t(m[2])}`],
  [/^Element of type <([^>]+)> must have property <([^>]+)> if it has property <([^>]+)>$/, (m) => `类型为 <${m[1]}> 的元素有属性 <${m[3]}> 时必须有属性 <${m[2]}>`],
  [/^Element of type <([^>]+)> must have property <([^>]+)>$/, (m) => `类型为 <${m[1]}> 的元素必须有属性 <${m[2]}>`],
  [/^Element of type <([^>]+)> with no event definition not allowed$/, (m) => `不允许没有事件定义的 <${m[1]}>`],
  [/^Element of type <([^>]+)> with event definition of type <([^>]+)> not allowed$/, (m) => `不允许 <${m[1]}> 带 <${m[2]}> 事件定义`],
  [/^Element of type <([^>]+)> (?:.* )?only allowed by Camunda ([\d.]+)(?: or newer)?$/, (m) => `<${m[1]}> 需要 Camunda ${m[2]} 或更高版本`],
  [/^Element of type <([^>]+)> not allowed$/, (m) => `Camunda 8.8 不支持类型为 <${m[1]}> 的元素`],
  [/^Extension element of type <([^>]+)> not allowed$/, (m) => `不允许扩展元素 ${t(m[1])}`],
  [/^Extension element of type <([^>]+)> only allowed by Camunda ([\d.]+)(?: or newer)?$/, (m) => `扩展元素 ${t(m[1])} 需要 Camunda ${m[2]} 或更高版本`],
  [/^Property <([^>]+)> must have expression value$/, (m) => `属性 <${m[1]}> 须为表达式(以 = 开头)`],
  [/^Property <([^>]+)> is not a valid FEEL expression$/, (m) => `属性 <${m[1]}> 不是有效的 FEEL 表达式`],
  [/^Property <([^>]+)> must have value of <([^>]+)>$/, (m) => `属性 <${m[1]}> 的值须为 <${m[2]}>`],
  [/^Property <([^>]+)> not allowed$/, (m) => `不允许属性 <${m[1]}>`],
  [/^Property <([^>]+)> (?:of type <[^>]+> )?only allowed by Camunda ([\d.]+)(?: or newer)?$/, (m) => `属性 <${m[1]}> 需要 Camunda ${m[2]} 或更高版本`],
  [/^Property value of <([^>]*)> not allowed$/, (m) => `不允许的属性值 <${m[1]}>`],
  [/^Element is missing label\/name$/, () => '元素缺少名称'],
  [/^Element is missing end event$/, () => '缺少结束事件'],
  [/^Element is missing start event$/, () => '缺少开始事件'],
  [/^Element is not connected$/, () => '元素没有连线'],
  [/^Element is not left by sequence flow$/i, () => '元素没有流出的顺序流'],
  [/^Element is missing incoming connections$|^Element is not reached by sequence flow$/i, () => '元素没有流入的顺序流'],
  [/^Element has disallowed type <([^>]+)>$/, (m) => `不允许的元素类型 <${m[1]}>`],
  [/^Duplicate outgoing sequence flows$/, () => '重复的流出顺序流'],
  [/^Sequence flow is missing condition$/, () => '顺序流缺少条件'],
  [/^Element is an implicit end$/, () => '元素是隐式结束(请连到结束事件)'],
  [/^Element is an implicit start$/, () => '元素是隐式开始(请从开始事件连入)'],
  [/^Gateway forks and joins$/, () => '网关同时分支与合并'],
  [/^Gateway is superfluous. It only has one source and target.$/, () => '网关多余:只有一个来源和一个目标'],
  [/^Incoming flows do not join$/, () => '流入的顺序流没有合并'],
  [/^Element is missing label\/name$/, () => '元素缺少名称'],
];

export function lintMessageZh(message) {
  if (typeof message !== 'string') return message;
  for (const [re, fn] of PATTERNS) {
    const m = re.exec(message);
    if (m) return fn(m);
  }
  return message;
}
