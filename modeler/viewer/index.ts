/**
 * The inspector's diagrams (`viewer.js` with `viewer.css`, under the hashed names of
 * modeler/dist/manifest.json), drawn by bpmn-js's
 * NavigatedViewer. The server renders the data as JSON and the containers (no inline script: CSP):
 *
 *   <script type="application/json" id="viewer-data">{ …see InstanceData / DiffData… }</script>
 *   instance page: <div class="wz-diagram" data-viewer="instance"></div>
 *   diff page:     <div class="wz-diagram" data-viewer="diff-from"></div> and data-viewer="diff-to"
 *
 * What is drawn (markers are classes on the element's SVG group `g.djs-element[data-element-id]`;
 * overlays sit in `.djs-overlays[data-container-id=<element id>]`):
 *   instance  wz-path (completed elements), wz-flow-taken (sequence flows taken), wz-token-here with
 *             the overlay `.wz-token[data-element-id][data-count]` (tokens now), wz-incident with
 *             `.wz-incident-badge` (open incidents), wz-timer with `.wz-timer-badge` "定时n" (pending
 *             timers, numbered as in the page's table)
 *   diff      wz-removed on the old diagram, wz-added on the new one, wz-changed on both, each with
 *             a `.wz-diff-badge` (新 / 删 / 改) so that colour is not the only sign
 * Each container gets data-ready="true" once drawn, or data-error with the reason.
 */
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';

interface InstanceData {
  mode: 'instance';
  xml: string;
  tokens: { elementId: string; count: number }[];
  path: string[];
  /** flows the history says were taken; empty when the engine does not record them */
  flows: string[];
  incidents: { elementId: string; message: string }[];
  timers: { n: number; elementId: string; due: string }[];
}

interface DiffData {
  mode: 'diff';
  from: { version: number; xml: string };
  to: { version: number; xml: string };
  added: string[];
  removed: string[];
  changed: string[];
}

/** the few diagram-js services used, typed here (bpmn-js types them only as `unknown` services) */
interface DiagramElement {
  id: string;
  type: string;
  waypoints?: unknown[];
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  source?: DiagramElement;
  target?: DiagramElement;
}
interface Canvas {
  addMarker(element: string, marker: string): void;
  zoom(level?: number | 'fit-viewport', center?: 'auto' | { x: number; y: number }): number;
  scroll(delta: { dx: number; dy: number }): void;
  resized(): void;
  viewbox(box?: { x: number; y: number; width: number; height: number }): { scale: number; outer: { width: number; height: number }; inner: { width: number; height: number } };
}
interface Overlays {
  add(element: string, type: string, overlay: { position: { top?: number; left?: number; right?: number; bottom?: number }; html: HTMLElement; scale?: { min?: number; max?: number } }): string;
}
interface ElementRegistry {
  get(id: string): DiagramElement | undefined;
  filter(fn: (e: DiagramElement) => boolean): DiagramElement[];
}

function readJson(id: string): unknown {
  const text = document.getElementById(id)?.textContent ?? '';
  return text.trim() ? JSON.parse(text) : undefined;
}

function el(tag: string, className: string, text?: string, attrs: Record<string, string> = {}): HTMLElement {
  const e = document.createElement(tag);
  e.className = className;
  if (text !== undefined) e.textContent = text;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

/** a viewer in the container with zoom buttons; on touch screens the diagram pans with a finger once zoomed in */
async function draw(container: HTMLElement, xml: string) {
  const canvasBox = el('div', 'wz-canvas');
  container.append(canvasBox);
  const viewer = new NavigatedViewer({ container: canvasBox });
  await viewer.importXML(xml);
  const canvas = viewer.get<Canvas>('canvas');
  const overlays = viewer.get<Overlays>('overlays');
  const registry = viewer.get<ElementRegistry>('elementRegistry');
  // as tall as the diagram needs at this width (a wide process leaves no empty band above and below), within 15rem and 60% of the screen
  const heightFor = () => {
    const inner = canvas.viewbox().inner;
    const wanted = inner.width > 0 ? (canvasBox.clientWidth * inner.height) / inner.width + 48 : 0;
    return Math.round(Math.min(window.innerHeight * 0.6, Math.max(240, wanted)));
  };
  canvasBox.style.height = `${heightFor()}px`;
  const fit = () => {
    canvas.resized();
    const level = canvas.zoom('fit-viewport', 'auto');
    container.classList.remove('wz-zoomed');
    return level;
  };
  let fitted = fit();
  const tools = el('div', 'wz-zoom', undefined, { role: 'group', 'aria-label': '缩放' });
  const button = (text: string, label: string, act: () => void) => {
    const b = el('button', 'wz-zoom-button', text, { type: 'button', 'aria-label': label, title: label });
    b.addEventListener('click', act);
    tools.append(b);
  };
  const zoomBy = (factor: number) => {
    const level = canvas.zoom() * factor;
    canvas.zoom(level, 'auto');
    // zoomed in, a finger moves the diagram; at the fitted size it scrolls the page
    container.classList.toggle('wz-zoomed', level > fitted * 1.01);
  };
  button('+', '放大', () => zoomBy(1.25));
  button('−', '缩小', () => zoomBy(0.8));
  button('适应', '显示整个流程图', () => {
    fitted = fit();
  });
  container.prepend(tools);

  let last: { x: number; y: number } | undefined;
  canvasBox.addEventListener('pointerdown', (e) => {
    if (e.pointerType === 'touch' && container.classList.contains('wz-zoomed')) last = { x: e.clientX, y: e.clientY };
  });
  canvasBox.addEventListener('pointermove', (e) => {
    if (!last || e.pointerType !== 'touch') return;
    canvas.scroll({ dx: e.clientX - last.x, dy: e.clientY - last.y });
    last = { x: e.clientX, y: e.clientY };
  });
  for (const type of ['pointerup', 'pointercancel']) canvasBox.addEventListener(type, () => (last = undefined));

  const has = (id: string) => Boolean(registry.get(id));
  const mark = (id: string, marker: string) => {
    if (has(id)) canvas.addMarker(id, marker);
  };
  const badge = (id: string, type: string, html: HTMLElement, position: { top?: number; left?: number; right?: number; bottom?: number }) => {
    // badges shrink with the diagram only down to a readable size
    if (has(id)) overlays.add(id, type, { position, html, scale: { min: 0.6 } });
  };
  /** on a narrow screen a whole process is too small to read: show this element at a readable size instead */
  const focus = (id: string | undefined) => {
    const e = id ? registry.get(id) : undefined;
    const outer = canvas.viewbox().outer;
    if (!e || e.x === undefined || e.y === undefined || outer.width >= 640 || fitted >= 0.6) return;
    canvasBox.style.height = `${Math.round(window.innerHeight * 0.6)}px`;
    canvas.resized();
    const scale = 0.8;
    const [w, h] = [outer.width / scale, canvasBox.clientHeight / scale];
    canvas.viewbox({ x: e.x + (e.width ?? 0) / 2 - w / 2, y: e.y + (e.height ?? 0) / 2 - h / 2, width: w, height: h });
    container.classList.add('wz-zoomed');
    container.append(el('p', 'wz-hint', '已放大到当前环节:用手指拖动查看,点「适应」显示整个流程图。'));
  };
  return { mark, badge, registry, has, focus };
}

async function drawInstance(container: HTMLElement, data: InstanceData) {
  const d = await draw(container, data.xml);
  const visited = new Set([...data.path, ...data.tokens.map((t) => t.elementId), ...data.incidents.map((i) => i.elementId)]);
  for (const id of new Set(data.path)) d.mark(id, 'wz-path');
  // flows: as the history recorded them; an engine that records none → the flows between two visited elements
  const flows = data.flows.length
    ? data.flows
    : d.registry.filter((e) => e.type === 'bpmn:SequenceFlow' && Boolean(e.source && e.target && data.path.includes(e.source.id) && visited.has(e.target.id))).map((e) => e.id);
  for (const id of flows) d.mark(id, 'wz-flow-taken');
  for (const t of data.tokens) {
    d.mark(t.elementId, 'wz-token-here');
    d.badge(t.elementId, 'wz-token', el('span', 'wz-token', String(t.count), { 'data-element-id': t.elementId, 'data-count': String(t.count), title: `当前令牌:${t.count}` }), { top: -12, right: 12 });
  }
  const incidentsAt = new Map<string, string[]>();
  for (const i of data.incidents) incidentsAt.set(i.elementId, [...(incidentsAt.get(i.elementId) ?? []), i.message]);
  for (const [id, messages] of incidentsAt) {
    d.mark(id, 'wz-incident');
    d.badge(id, 'wz-incident', el('span', 'wz-incident-badge', '!', { 'data-element-id': id, title: `事故:${messages.join(';')}` }), { top: -12, left: -12 });
  }
  for (const t of data.timers) {
    d.mark(t.elementId, 'wz-timer');
    // above the timer: its label is below it
    d.badge(t.elementId, 'wz-timer', el('span', 'wz-timer-badge', `定时${t.n}`, { 'data-element-id': t.elementId, title: `定时器 ${t.n} 到期:${t.due}` }), { top: -21, left: -4 });
  }
  // where to look first: an incident, else a user task holding a token (where people act), else another task, else the rest
  const rank = (id: string) => {
    const type = d.registry.get(id)?.type ?? '';
    return type === 'bpmn:UserTask' ? 0 : /Task$/.test(type) ? 1 : type === 'bpmn:SubProcess' ? 3 : 2;
  };
  const tokenAt = data.tokens.map((t) => t.elementId).filter(d.has).sort((a, b) => rank(a) - rank(b))[0];
  d.focus(data.incidents.map((i) => i.elementId).find(d.has) ?? tokenAt);
}

async function drawDiff(container: HTMLElement, xml: string, marks: { ids: string[]; marker: string; label: string; title: string }[]) {
  const d = await draw(container, xml);
  for (const { ids, marker, label, title } of marks) {
    for (const id of ids) {
      d.mark(id, marker);
      // flows carry no badge (it would sit on a line's bend); their colour and the lists say it
      const e = d.registry.get(id);
      if (e && !e.waypoints) d.badge(id, 'wz-diff', el('span', `wz-diff-badge ${marker}-badge`, label, { 'data-element-id': id, title }), { top: -12, left: -12 });
    }
  }
}

async function run(container: HTMLElement, job: () => Promise<void>) {
  try {
    await job();
    container.dataset.ready = 'true';
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    container.dataset.error = message;
    // a diagram saved without its drawing (BPMN DI) has nothing to show: say so in words
    const text = /no diagram to display/i.test(message) ? '该版本的流程文件没有图形信息(BPMN DI),无法绘制流程图;请参阅下方列表。' : `流程图无法显示:${message}`;
    container.append(el('p', 'errors wz-viewer-error', text));
  }
}

function start() {
  const data = readJson('viewer-data') as InstanceData | DiffData | undefined;
  if (!data) return;
  const find = (name: string) => document.querySelector<HTMLElement>(`[data-viewer="${name}"]`);
  if (data.mode === 'instance') {
    const c = find('instance');
    if (c) void run(c, () => drawInstance(c, data));
  } else {
    const from = find('diff-from');
    const to = find('diff-to');
    if (from)
      void run(from, () =>
        drawDiff(from, data.from.xml, [
          { ids: data.removed, marker: 'wz-removed', label: '删', title: '在新版本中删除' },
          { ids: data.changed, marker: 'wz-changed', label: '改', title: '在新版本中修改' },
        ]),
      );
    if (to)
      void run(to, () =>
        drawDiff(to, data.to.xml, [
          { ids: data.added, marker: 'wz-added', label: '新', title: '新版本新增' },
          { ids: data.changed, marker: 'wz-changed', label: '改', title: '较原版本修改' },
        ]),
      );
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
