/**
 * The inspector's pages for auditors and process admins: the filtered instance list (a bad filter
 * shows the page again with 400 and the problem beside its field), an instance drawn from what
 * ctx.inspector.get says (tokens, path, timers, timeline) without the petitioner's name or phone, the
 * incidents with a retry form for process admins only (audited, as the API's retry), and the
 * version diff listing what the deploy gate's diff finds.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { QueryTypes } from 'sequelize';
import { fixture } from '../../../engine/test/harness.js';
import { completeTask, createTestApp, PETITIONER, submitPetition, type Person, type TestApp } from '../app-harness.js';

const html = { accept: 'text/html' };
const enc = encodeURIComponent;

/** the text of the element with that id (its inner HTML, tags stripped) */
function textById(page: string, id: string): string {
  const m = new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</`).exec(page);
  return m ? m[1].replace(/<[^>]+>/g, '').trim() : '';
}

/** the JSON the page hands to the viewer script */
function viewerData(page: string): any {
  const m = /<script type="application\/json" id="viewer-data">([\s\S]*?)<\/script>/.exec(page);
  if (!m) throw new Error('no viewer data on the page');
  return JSON.parse(m[1]);
}

/** the data-element-id values of the list items inside the section with that id */
function listed(page: string, sectionId: string): string[] {
  const m = new RegExp(`<section[^>]*id="${sectionId}"[\\s\\S]*?</section>`).exec(page);
  return m ? [...m[0].matchAll(/<li data-element-id="([^"]+)"/g)].map((x) => x[1]) : [];
}

describe('the inspector pages (auditors and process admins)', () => {
  let h: TestApp;
  let auditor: Person;
  let modeler: Person;
  let code: string;
  let handlingKey: string;

  beforeAll(async () => {
    h = await createTestApp();
    auditor = await h.signIn('auditor');
    modeler = await h.signIn('modeler');
    const citizen = await h.visitor();
    code = (await submitPetition(h, citizen, { title: '路灯不亮' })).body.trackingCode;
    const intake = await h.signIn('intake');
    await completeTask(h, intake, 'Task_ScreenPetition', { inScope: true, isMajor: false }, code);
    await completeTask(h, intake, 'Task_DispatchPetition', { unitId: 'u-longnan', jointMode: 'single' }, code);
    const handler = await h.signIn('handler-longnan');
    await completeTask(h, handler, 'Task_SignOrReturn', { returnRequested: false }, code);
    // the petitioner's name and phone written into a variable: the page must mask them
    await completeTask(h, handler, 'Task_ContactPetitioner', { contactedAt: '2026-03-02T06:00:00.000Z', contactMethod: 'phone', contactSummary: `已联系诉求人${PETITIONER.petitionerName} ${PETITIONER.petitionerPhone}` }, code);
    const [handling] = (await auditor.get('/api/inspector/instances?processId=unit-handling').expect(200)).body;
    handlingKey = handling.processInstanceKey;
  });
  afterAll(() => h.close());

  it('given the five pages, when an auditor, a process admin, a unit handler and an anonymous visitor open them, then the readers get 200, the handler 403 and the visitor the sign-in page', async () => {
    const pages = ['/inspector', `/inspector/instances/${enc(handlingKey)}`, '/inspector/incidents', '/inspector/incidents?state=resolved', '/processes/unit-handling/diff?from=1&to=1'];
    const handler = await h.signIn('handler-longnan');
    const anonymous = await h.visitor();
    const got: string[] = [];
    for (const path of pages) {
      for (const [who, p] of [['auditor', auditor], ['modeler', modeler], ['handler-longnan', handler], ['anonymous', anonymous]] as const) {
        const res = await p.get(path).set(html);
        got.push(`${who} ${path} ${res.status}${res.status === 303 ? ` ${res.headers.location}` : ''}`);
      }
    }
    expect(got).toEqual(
      pages.flatMap((path) => [`auditor ${path} 200`, `modeler ${path} 200`, `handler-longnan ${path} 403`, `anonymous ${path} 303 /login?next=${enc(path)}`]),
    );
  });

  it('given instances, when the auditor filters the list, then it shows exactly those; a bad filter shows the form again with 400 and each problem beside its field', async () => {
    const all = (await auditor.get('/api/inspector/instances').expect(200)).body as { processInstanceKey: string; processId: string }[];
    const page = (await auditor.get('/inspector?processId=unit-handling&state=active&unitId=u-longnan&category=complaint').set(html).expect(200)).text;
    const keys = [...page.matchAll(/<tr data-instance-key="([^"]+)"/g)].map((m) => m[1]);
    expect(keys).toEqual(all.filter((i) => i.processId === 'unit-handling').map((i) => i.processInstanceKey));
    expect(page).toContain(code);
    expect(page).toContain('龙南镇');
    expect(page).toMatch(/<option value="unit-handling" selected>/);
    const everything = (await auditor.get('/inspector').set(html).expect(200)).text;
    expect([...everything.matchAll(/<tr data-instance-key="([^"]+)"/g)].map((m) => m[1]).sort()).toEqual(all.map((i) => i.processInstanceKey).sort());

    const bad = await auditor.get('/inspector?state=sleeping&version=x&from=yesterday&unitId=u-nowhere&overdue=purple').set(html);
    expect(bad.status).toBe(400);
    expect(textById(bad.text, 'error-state')).toBe('状态须为 进行中、已完成、事故、已取消 之一');
    expect(textById(bad.text, 'error-version')).toBe('版本须为正整数');
    expect(textById(bad.text, 'error-from')).toBe('须为日期,格式 YYYY-MM-DD');
    expect(textById(bad.text, 'error-unitId')).toBe('未找到该单位');
    expect(textById(bad.text, 'error-overdue')).toBe('逾期等级须为 蓝、黄、红 之一');
    expect(textById(bad.text, 'error-category')).toBe('');
    // what was typed stays in the form; no instance is listed
    expect(bad.text).toContain('value="x"');
    expect(bad.text).not.toContain('data-instance-key=');
    const backwards = await auditor.get('/inspector?from=2026-03-05&to=2026-03-01').set(html);
    expect(backwards.status).toBe(400);
    expect(textById(backwards.text, 'error-to')).toBe('截止日期不能早于起始日期');
  });

  it('given a unit-handling instance waiting at 办理并起草答复, when the auditor opens its page, then the diagram data and lists are what the inspector says, and the petitioner’s name and phone appear nowhere', async () => {
    const detail = (await auditor.get(`/api/inspector/instances/${enc(handlingKey)}`).expect(200)).body;
    const res = await auditor.get(`/inspector/instances/${enc(handlingKey)}`).set(html).expect(200);
    const page = res.text;
    const data = viewerData(page);
    expect(data.mode).toBe('instance');
    expect(data.tokens).toEqual(detail.tokens);
    expect(data.tokens).toEqual(expect.arrayContaining([{ elementId: 'Task_DraftReply', count: 1 }]));
    expect(data.path).toEqual([...new Set(detail.path as string[])]);
    expect(data.path).toEqual(expect.arrayContaining(['Task_SignOrReturn', 'Task_ContactPetitioner']));
    expect(data.xml).toBe(await h.t.engine.getProcessDefinitionXml(detail.processDefinitionKey));
    // the flows the engine recorded as taken, and only those
    const taken = detail.timeline.filter((e: any) => e.kind === 'element' && e.event.event === 'taken').map((e: any) => e.event.elementId);
    expect(taken.length).toBeGreaterThan(0);
    expect(data.flows).toEqual([...new Set(taken)]);
    expect(data.timers.map((t: { elementId: string }) => t.elementId)).toEqual(detail.timers.map((t: { elementId: string }) => t.elementId));
    // hashed once the assets are built (server/http/assets.ts)
    expect(page).toMatch(/<script type="module" src="\/assets\/viewer(-[A-Z2-7]{8})?\.js">/);
    expect(page).toMatch(/\/assets\/viewer(-[A-Z2-7]{8})?\.css/);

    // the lists say it in words: where the tokens are, each timer with its due time
    expect(listed(page, 'tokens')).toEqual(expect.arrayContaining(detail.tokens.map((t: { elementId: string }) => t.elementId)));
    expect(page).toMatch(/<li data-element-id="Task_DraftReply"><strong>办理并起草答复<\/strong>/);
    expect(page).toContain('Timer_BlueWarning');
    // the timeline: every element event of the engine, and who did what with the outcome
    expect(page.match(/data-kind="element"/g)?.length).toBe(detail.timeline.filter((e: any) => e.kind === 'element').length);
    expect(page.match(/data-kind="task-action"/g)?.length).toBe(2);
    expect(page).toMatch(/<strong class="tl-actor">[^<]+<\/strong> 完成「[^」]+」/);
    // in Chinese: a task's outcome names each variable the contract knows, beside its key; each element its type
    expect(page).toContain('沟通方式 <span class="code">contactMethod</span> = phone');
    expect(page).toMatch(/<li class="tl-element" data-kind="element" data-element-id="Task_DraftReply" data-event="activated">\s*<span class="tl-time muted">[^<]+<\/span>\s*<span class="tl-what">进入<\/span> <span class="tl-type">用户任务<\/span> 办理并起草答复/);
    expect(page).toMatch(/<span class="tl-type">开始事件<\/span>/);
    expect(page).not.toMatch(/tl-type">[^<]*[A-Za-z]/);
    // the facts
    expect(textById(page, 'instance-state')).toBe('进行中');
    expect(page).toContain(code);
    expect(page).toContain('第 1 版');
    expect(page).not.toContain('id="version-diff-link"');

    // personal data: masked in the variables, never in clear
    expect(page).toContain('已联系诉求人*** 139****2222');
    for (const personal of [PETITIONER.petitionerName, PETITIONER.petitionerPhone]) expect(page).not.toContain(personal);
    expect(page).not.toMatch(new RegExp([...PETITIONER.petitionerPhone].join('\\D{0,3}')));

    const missing = await auditor.get('/inspector/instances/no-such-instance').set(html);
    expect(missing.status).toBe(404);
    expect(missing.text).toContain('未找到该流程实例');
  });

  it('given an incident, when the auditor and the process admin look at it, then only the process admin gets a retry form, and submitting it retries the incident, writes the audit entry and returns to the instance', async () => {
    // an instance that cannot open its task: the assignee expression needs a variable it lacks
    await h.t.engine.deploy([fixture('user-task.bpmn')]);
    const ref = await h.t.engine.start('user-task', {});
    const [incident] = await h.t.engine.listIncidents({ processInstanceKey: ref.processInstanceKey });
    expect(incident).toMatchObject({ elementId: 'Task_ReviewPetition', state: 'active' });
    const action = `/inspector/incidents/${enc(incident.incidentKey)}/retry`;

    const seenByAuditor = (await auditor.get('/inspector/incidents').set(html).expect(200)).text;
    expect(seenByAuditor).toContain(`data-incident-key="${incident.incidentKey}"`);
    expect(seenByAuditor).toContain(`href="/inspector/instances/${enc(ref.processInstanceKey)}"`);
    expect(seenByAuditor).not.toContain(action);
    const instanceByAuditor = (await auditor.get(`/inspector/instances/${enc(ref.processInstanceKey)}`).set(html).expect(200)).text;
    expect(textById(instanceByAuditor, 'instance-state')).toBe('事故');
    expect(viewerData(instanceByAuditor).incidents).toEqual([{ elementId: 'Task_ReviewPetition', message: incident.errorMessage }]);
    expect(instanceByAuditor).not.toContain(action);
    // readOnlyGuard: an auditor's post is refused, even with the token
    const refused = await auditor.agent.post(action).set(html).type('form').send({ _csrf: auditor.csrf, back: 'instance' });
    expect(refused.status).toBe(403);
    expect((await h.t.engine.listIncidents({ state: 'active' })).map((i) => i.incidentKey)).toContain(incident.incidentKey);

    const seenByAdmin = (await modeler.get(`/inspector/instances/${enc(ref.processInstanceKey)}`).set(html).expect(200)).text;
    expect(seenByAdmin).toContain(`action="${action}"`);
    expect((await modeler.get('/inspector/incidents').set(html).expect(200)).text).toContain(`action="${action}"`);
    // without the CSRF field the form is refused
    expect((await modeler.agent.post(action).set(html).type('form').send({ back: 'instance' })).status).toBe(403);

    await h.t.engine.setVariables(ref.processInstanceKey, { reviewer: 'li.ming' });
    const done = await modeler.agent.post(action).set(html).type('form').send({ _csrf: modeler.csrf, back: 'instance' });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe(`/inspector/instances/${enc(ref.processInstanceKey)}?retried=1`);
    expect(await h.t.engine.listUserTasks({ processInstanceKey: ref.processInstanceKey, state: 'created' })).toHaveLength(1);
    const audit = (await h.t.db.sequelize.query("SELECT actor, detail FROM audit_log WHERE action = 'incident.retried'", { type: QueryTypes.SELECT })) as { actor: string; detail: string | object }[];
    expect(audit).toHaveLength(1);
    const detail = typeof audit[0].detail === 'string' ? JSON.parse(audit[0].detail) : audit[0].detail;
    expect(detail).toEqual({ incidentKey: incident.incidentKey, processInstanceKey: ref.processInstanceKey, elementId: 'Task_ReviewPetition' });
    const after = (await modeler.get(done.headers.location).set(html).expect(200)).text;
    expect(after).toContain('已重试该事故');
    expect(after).not.toContain(`action="${action}"`);
    expect((await modeler.get('/inspector/incidents?state=resolved').set(html).expect(200)).text).toContain(`data-incident-key="${incident.incidentKey}"`);
    // again: nothing left to retry
    expect((await modeler.agent.post(action).set(html).type('form').send({ _csrf: modeler.csrf, back: 'incidents' })).status).toBe(404);
    expect((await modeler.agent.post(action).set(html).type('form').send({ _csrf: modeler.csrf, back: 'https://elsewhere.example' })).status).toBe(400);
    expect((await auditor.get('/inspector/incidents?state=sleeping').set(html)).status).toBe(400);
  });

  it('given a second version of a process deployed through the API, when the diff page is opened, then it lists and marks exactly what the gate’s diff finds; bad versions answer 400 and unknown ones 404', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { projectRoot } = await import('../../app.js');
    const v1 = readFileSync(join(projectRoot, 'processes', 'evaluation.bpmn'), 'utf8');
    // one end event renamed (removed + added, its flow changed), one task renamed (changed)
    const v2 = v1.replace(/\bEnd_Rated(_di)?\b/g, 'End_RatedClosed$1').replace(/(id="Task_NotifyRatingLink"[^>]*name=")[^"]*"/, '$1发送评价链接(新版)"');
    expect(v2).not.toBe(v1);
    const deployed = await modeler.post('/api/deployments', { resources: [{ name: 'evaluation.bpmn', content: v2 }] });
    expect(deployed.status).toBe(201);
    const diff = await h.app.locals.gate.diff('evaluation', 1, 2);
    expect(diff.added).toContain('End_RatedClosed');
    expect(diff.removed).toContain('End_Rated');
    expect(diff.changed).toContain('Task_NotifyRatingLink');

    const page = (await auditor.get('/processes/evaluation/diff?from=1&to=2').set(html).expect(200)).text;
    expect(listed(page, 'diff-added')).toEqual(diff.added);
    expect(listed(page, 'diff-removed')).toEqual(diff.removed);
    expect(listed(page, 'diff-changed')).toEqual(diff.changed);
    expect(page).toContain('发送评价链接(新版)');
    const data = viewerData(page);
    expect(data).toMatchObject({ mode: 'diff', added: diff.added, removed: diff.removed, changed: diff.changed, from: { version: 1 }, to: { version: 2 } });
    expect(data.from.xml).toContain('id="End_Rated"');
    expect(data.to.xml).toContain('id="End_RatedClosed"');
    // without versions: the latest against the one before
    expect(viewerData((await auditor.get('/processes/evaluation/diff').set(html).expect(200)).text)).toMatchObject({ from: { version: 1 }, to: { version: 2 } });

    const bad = await auditor.get('/processes/evaluation/diff?from=abc&to=0').set(html);
    expect(bad.status).toBe(400);
    expect(textById(bad.text, 'error-from')).toBe('原版本须为正整数版本号');
    expect(textById(bad.text, 'error-to')).toBe('新版本须为正整数版本号');
    const unknownVersion = await auditor.get('/processes/evaluation/diff?from=1&to=9').set(html);
    expect(unknownVersion.status).toBe(404);
    expect(unknownVersion.text).toContain('未找到流程 evaluation 的第 9 版');
    expect((await auditor.get('/processes/no-such-process/diff?from=1&to=2').set(html)).status).toBe(404);

    // the instance page of an instance on version 2 links to the diff against version 1
    const started = await h.t.engine.start('evaluation', {});
    const instancePage = (await auditor.get(`/inspector/instances/${enc(started.processInstanceKey)}`).set(html).expect(200)).text;
    const link = /href="([^"]+)" id="version-diff-link"/.exec(instancePage)?.[1].replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
    expect(link).toBe('/processes/evaluation/diff?from=1&to=2');
  });
});
