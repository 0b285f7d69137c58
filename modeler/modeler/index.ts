/**
 * The process modeler (process admins): bpmn-js with the Zeebe properties panel, Camunda 8
 * modelling behaviours, element templates of our workers (in the create/append/replace menus and
 * the template chooser), live lint with the deploy gate's rules, token simulation, in Chinese.
 * Save a draft (kept on the server, per admin and process), then deploy through the deploy gate:
 * a preview first (problems, or what changes and how many waiting instances are affected), then the
 * deployment itself.
 *
 * Page data: `<script type="application/json" id="modeler-data">` (server/routes/processes.ts).
 */
import Modeler from 'bpmn-js/lib/Modeler';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, ZeebePropertiesProviderModule } from 'bpmn-js-properties-panel';
import ZeebeBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-cloud';
import { CloudElementTemplatesPropertiesProviderModule } from 'bpmn-js-element-templates';
import ElementTemplateChooserModule from '@bpmn-io/element-template-chooser';
import { CreateAppendAnythingModule, CreateAppendElementTemplatesModule } from 'bpmn-js-create-append-anything';
import LintModule from 'bpmn-js-bpmnlint';
import TokenSimulationModule from 'bpmn-js-token-simulation';
import zeebeModdle from 'zeebe-bpmn-moddle/resources/zeebe.json';
import ChineseModule, { translateTitles } from './i18n/index.js';
import SimulationZhModule from './simulation-zh/index.js';
import { lintConfig } from './lint.js';
import { createJsonApi, errorText } from '../shared/json-api.js';

interface PageData {
  processId: string;
  resourceName: string;
  /** the deployed version the editor started from (null: a process not deployed yet) */
  version: number | null;
  xml: string;
  draft: { xml: string; savedAt: string; baseVersion: number | null } | null;
  jobTypes: string[];
  formIds: string[];
  templates: unknown[];
  csrf: string;
  urls: { draft: string; preview: string; deploy: string; versions: string };
}

interface Problem {
  elementId?: string;
  message: string;
  rule: string;
  category?: string;
}

interface Change {
  processId: string;
  fromVersion: number | null;
  added: string[];
  removed: { elementId: string; waiting: number }[];
  affectedInstances: number;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const data: PageData = JSON.parse($('modeler-data').textContent ?? '{}');
const api = createJsonApi(data.csrf);
const status = $('modeler-status');
const problemList = $('problem-list');
const problemCount = $('problem-count');
const dialog = $('deploy-dialog') as HTMLDialogElement;

const modeler = new Modeler({
  container: '#canvas',
  propertiesPanel: { parent: '#properties' },
  additionalModules: [
    BpmnPropertiesPanelModule,
    BpmnPropertiesProviderModule,
    ZeebePropertiesProviderModule,
    ZeebeBehaviorsModule,
    CloudElementTemplatesPropertiesProviderModule,
    ElementTemplateChooserModule,
    CreateAppendAnythingModule,
    CreateAppendElementTemplatesModule,
    LintModule,
    TokenSimulationModule,
    SimulationZhModule,
    ChineseModule,
  ],
  moddleExtensions: { zeebe: zeebeModdle },
  linting: { bpmnlint: lintConfig(data.jobTypes, data.formIds), active: true },
  elementTemplates: data.templates,
} as any);
translateTitles($('properties'));

const svc = <T = any>(name: string): T => modeler.get(name) as T;
let dirty = false;
let canvasIssues: Problem[] = [];
let serverProblems: Problem[] = [];

function say(text: string, kind: 'info' | 'ok' | 'error' = 'info') {
  status.textContent = text;
  status.className = `modeler-status ${kind}`;
}

function time(iso: string) {
  return new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
}

function nameOf(elementId?: string): string {
  if (!elementId) return '';
  const el = svc('elementRegistry').get(elementId);
  const name = el?.businessObject?.name;
  return name ? `${name}(${elementId})` : elementId;
}

function select(elementId?: string) {
  const el = elementId && svc('elementRegistry').get(elementId);
  if (!el) return;
  svc('selection').select(el);
  svc('canvas').scrollToElement(el);
}

/** the canvas's lint issues and the server's answer, in one list; each entry selects its element */
function renderProblems() {
  const all = [...serverProblems.map((p) => ({ ...p, source: '部署检查' })), ...canvasIssues.map((p) => ({ ...p, source: '画布检查' }))];
  const errors = all.filter((p) => p.category !== 'warn' && p.category !== 'info').length;
  problemCount.textContent = all.length ? `${errors} 个错误${all.length > errors ? `,${all.length - errors} 个提示` : ''}` : '没有问题';
  problemCount.className = errors ? 'badge badge-red' : 'badge badge-ok';
  problemList.replaceChildren(
    ...all.map((p) => {
      const li = document.createElement('li');
      li.className = p.category === 'warn' ? 'warn' : 'error';
      li.dataset.elementId = p.elementId ?? '';
      li.dataset.rule = p.rule;
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'link';
      b.textContent = nameOf(p.elementId) || '整个文件';
      b.addEventListener('click', () => select(p.elementId));
      const msg = document.createElement('span');
      msg.textContent = ` ${p.message}`;
      const rule = document.createElement('small');
      rule.className = 'muted';
      rule.textContent = ` ${p.source} · ${p.rule}`;
      li.append(b, msg, rule);
      return li;
    }),
  );
}

svc('eventBus').on('linting.completed', (e: { issues: Record<string, { id: string; message: string; category: string; rule: string }[]> }) => {
  canvasIssues = Object.values(e.issues)
    .flat()
    .map((i) => ({ elementId: i.id, message: svc('translate')(i.message), rule: i.rule, category: i.category }));
  renderProblems();
});

// a template the modeler refuses is a bug of ours (workers/element-templates.ts): say so, do not hide it
svc('eventBus').on('elementTemplates.errors', (e: { errors: Error[] }) => {
  say(`有 ${e.errors.length} 个元素模板无法使用:${e.errors.map((x) => x.message).join(';')}`, 'error');
});

svc('eventBus').on('commandStack.changed', () => {
  dirty = true;
  // what the server said was about the diagram as it was
  serverProblems = [];
  renderProblems();
  say('有未保存的修改');
});

window.addEventListener('beforeunload', (e) => {
  if (dirty) e.preventDefault();
});

async function currentXml(): Promise<string> {
  const { xml } = await modeler.saveXML({ format: true });
  return xml ?? '';
}

async function open(xml: string, what: string) {
  try {
    const { warnings } = await modeler.importXML(xml);
    svc('canvas').zoom('fit-viewport');
    say(warnings.length ? `${what}(有 ${warnings.length} 处无法识别的内容)` : what);
  } catch (err) {
    say(`无法打开该流程图:${String((err as Error).message ?? err).split('\n')[0]}`, 'error');
  }
}

$('btn-save-draft').addEventListener('click', async () => {
  const r = await api('PUT', data.urls.draft, { xml: await currentXml(), baseVersion: data.version });
  if (r.status !== 200) return say(errorText(r), 'error');
  dirty = false;
  $('btn-discard-draft').hidden = false;
  say(`草稿已保存(${time(r.body.savedAt)})`, 'ok');
});

$('btn-discard-draft').addEventListener('click', async () => {
  if (!window.confirm('放弃草稿并恢复为已部署的版本?')) return;
  const r = await api('DELETE', data.urls.draft);
  if (r.status !== 204) return say(errorText(r), 'error');
  $('btn-discard-draft').hidden = true;
  await open(data.xml, `已放弃草稿,恢复为第 ${data.version} 版`);
  dirty = false;
});

$('btn-fit').addEventListener('click', () => svc('canvas').zoom('fit-viewport', 'auto'));

$('btn-download').addEventListener('click', async () => {
  const url = URL.createObjectURL(new Blob([await currentXml()], { type: 'application/xml' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = data.resourceName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
});

$<HTMLInputElement>('file-open').addEventListener('change', async (e) => {
  const file = (e.target as HTMLInputElement).files?.[0];
  if (!file) return;
  if (file.size > 2 * 1024 * 1024) return say('文件超过 2 MB', 'error');
  await open(await file.text(), `已打开 ${file.name},尚未部署`);
  dirty = true;
});

let pending: { resources: { name: string; content: string }[]; affected: number } | undefined;

function describeChanges(changes: Change[]): HTMLElement[] {
  return changes.map((c) => {
    const div = document.createElement('div');
    div.className = 'change';
    const h = document.createElement('p');
    h.textContent = c.fromVersion === null ? `新流程 ${c.processId}` : `${c.processId}:第 ${c.fromVersion} 版 → 新版本`;
    const ul = document.createElement('ul');
    const item = (text: string, cls = '') => {
      const li = document.createElement('li');
      li.textContent = text;
      if (cls) li.className = cls;
      ul.append(li);
    };
    if (c.added.length) item(`新增 ${c.added.length} 个环节:${c.added.map(nameOf).join('、')}`);
    if (c.removed.length) item(`删除 ${c.removed.length} 个环节:${c.removed.map((r) => `${r.elementId}${r.waiting ? `(${r.waiting} 个实例正在此等待)` : ''}`).join('、')}`);
    if (!c.added.length && !c.removed.length) item('环节未增删(名称、条件、定时、配置等可能有修改)');
    if (c.affectedInstances) item(`受影响的运行中实例:${c.affectedInstances} 个。它们将继续按第 ${c.fromVersion} 版运行,新诉求使用新版本。`, 'affected');
    div.append(h, ul);
    return div;
  });
}

$('btn-deploy').addEventListener('click', async () => {
  const resources = [{ name: data.resourceName, content: await currentXml() }];
  say('正在检查…');
  const r = await api('POST', data.urls.preview, { resources });
  if (r.status !== 200) return say(errorText(r), 'error');
  serverProblems = r.body.problems ?? [];
  renderProblems();
  if (serverProblems.length) return say(`部署检查未通过:${serverProblems.length} 个问题,未部署任何内容`, 'error');
  const changes: Change[] = r.body.changes ?? [];
  const affected = changes.reduce((n, c) => n + c.affectedInstances, 0);
  pending = { resources, affected };
  $('deploy-summary').replaceChildren(...describeChanges(changes));
  $('deploy-confirm').textContent = affected ? `确认部署(影响 ${affected} 个实例)` : '确认部署';
  say('检查通过,请确认部署');
  dialog.showModal();
});

$('deploy-cancel').addEventListener('click', () => {
  dialog.close();
  pending = undefined;
  say('已取消部署');
});

$('deploy-confirm').addEventListener('click', async () => {
  if (!pending) return;
  const { resources, affected } = pending;
  pending = undefined;
  dialog.close();
  say('正在部署…');
  const r = await api('POST', data.urls.deploy, { resources, confirmAffected: affected > 0 });
  if (r.status === 400 && Array.isArray(r.body?.error?.details)) {
    serverProblems = r.body.error.details;
    renderProblems();
    return say(errorText(r), 'error');
  }
  // someone deployed in between: the waiting counts changed, preview again
  if (r.status === 409) return say(`${errorText(r)}。请再次点击“部署”查看最新影响`, 'error');
  if (r.status !== 201) return say(errorText(r), 'error');
  const mine = (r.body.processes ?? []).find((p: { processId: string }) => p.processId === data.processId) ?? r.body.processes?.[0];
  await api('DELETE', data.urls.draft);
  dirty = false;
  $('btn-discard-draft').hidden = true;
  data.xml = resources[0].content;
  if (mine?.duplicate) return say(`与第 ${mine.version} 版相同,未产生新版本`, 'ok');
  data.version = mine?.version ?? data.version;
  $('modeler-version').textContent = `第 ${data.version} 版`;
  say(`已部署为第 ${mine?.version} 版。运行中的实例继续按原版本运行,新诉求使用新版本。`, 'ok');
});

void (async () => {
  const draft = data.draft;
  await open(draft?.xml ?? data.xml, draft ? `正在编辑草稿(保存于 ${time(draft.savedAt)},基于第 ${draft.baseVersion ?? '—'} 版)` : data.version ? `第 ${data.version} 版` : '新流程');
  $('btn-discard-draft').hidden = !draft;
  dirty = false;
  document.body.dataset.modelerReady = 'true';
})();
