// bpmn-js-token-simulation writes its few words straight into the DOM (no translate service):
// its toggle, buttons and log are relabelled in Chinese whenever they change.
import { observeTranslation } from '../../shared/dom-translation.js';

const WORDS: Record<string, string> = {
  'Token Simulation': '令牌模拟',
  'Toggle Simulation Log': '模拟日志',
  'Reset Simulation': '重置模拟',
  'Play/Pause Simulation': '开始/暂停',
  'Set Sequence Flow': '选择走向',
  'Trigger Event': '触发事件',
  'Set Animation Speed': '动画速度',
  'Simulation Log': '模拟日志',
  'Toggle Scopes': '作用域',
  'Simulation started': '模拟已开始',
  'Simulation finished': '模拟已结束',
  'Process started': '流程已开始',
  'Process finished': '流程已结束',
};

/** the simulation's notices: "<element> started", "<scope> finished", … */
const NOTICES: [RegExp, string][] = [
  [/^(.+) started$/, '$1 已开始'],
  [/^(.+) finished$/, '$1 已结束'],
  [/^(.+) canceled$/, '$1 已取消'],
  [/^(.+) interrupted$/, '$1 已中断'],
];
const zh = (text: string) => WORDS[text] ?? NOTICES.reduce((t, [re, to]) => (re.test(t) ? t.replace(re, to) : t), text);

const inSimulation = (el: Element | null) => Boolean(el?.closest('[class^="bts-"], [class*=" bts-"]'));

function SimulationZh(this: unknown, canvas: { getContainer(): HTMLElement }, eventBus: { on(e: string, fn: () => void): void }) {
  eventBus.on('diagram.init', () => observeTranslation(canvas.getContainer(), { translate: zh, textAllowed: inSimulation, attributesAllowed: inSimulation }));
}
SimulationZh.$inject = ['canvas', 'eventBus'];

export default { __init__: ['simulationZh'], simulationZh: ['type', SimulationZh] };
