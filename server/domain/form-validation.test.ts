import { describe, it, expect } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FormSchemaError, formFieldPaths, validateFormSubmission, type FieldError, type FormSchema, type FormValidation } from './form-validation.js';

const formsDir = fileURLToPath(new URL('../../forms/', import.meta.url));
const formFiles = readdirSync(formsDir).filter((f) => f.endsWith('.form')).sort();
const form = (id: string): FormSchema => JSON.parse(readFileSync(join(formsDir, `${id}.form`), 'utf8')) as FormSchema;

const values = (r: FormValidation) => {
  if (!r.ok) throw new Error(`expected success, got ${JSON.stringify(r.errors)}`);
  return r.values;
};
const errors = (r: FormValidation): FieldError[] => {
  if (r.ok) throw new Error(`expected errors, got values ${JSON.stringify(r.values)}`);
  return r.errors;
};
const errorFields = (r: FormValidation) => errors(r).map((e) => e.field);
const messageFor = (r: FormValidation, field: string) => errors(r).find((e) => e.field === field)?.message;

/** a synthetic form around some components */
const schema = (...components: unknown[]): FormSchema => ({ id: 'test', type: 'default', components });

// ---------------------------------------------------------------------------------- draft-reply

const draftReply = form('draft-reply');
const reply = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  handledAt: '2025-05-06T01:30Z',
  handlingUnit: '  武都区住房和城乡建设局 ',
  result: '已责成物业公司于 5 月 8 日前修复小区路灯。',
  legalBasis: '《物业管理条例》第三十五条',
  contactRecord: '5 月 6 日电话联系诉求人,诉求人表示满意。',
  publishable: true,
  replyText: '您好,您反映的路灯问题已处理完毕。',
  ...over,
});

describe('draft-reply: a valid submission', () => {
  it('passes and comes back nested under reply, with only the form’s keys, texts trimmed and the time in ISO UTC', () => {
    const v = values(validateFormSubmission(draftReply, { reply: reply() }, { category: 'consultation' }));
    expect(v).toEqual({
      reply: {
        handledAt: '2025-05-06T01:30:00.000Z',
        handlingUnit: '武都区住房和城乡建设局',
        result: '已责成物业公司于 5 月 8 日前修复小区路灯。',
        legalBasis: '《物业管理条例》第三十五条',
        contactRecord: '5 月 6 日电话联系诉求人,诉求人表示满意。',
        publishable: true,
        replyText: '您好,您反映的路灯问题已处理完毕。',
      },
    });
  });

  it('does not hand back the submitted objects themselves', () => {
    const submitted = { reply: reply({ investigation: 'investigated', investigationDocument: ['attachment:a1'] }) };
    const v = values(validateFormSubmission(draftReply, submitted, { category: 'complaint' })) as { reply: Record<string, unknown> };
    expect(v.reply).not.toBe(submitted.reply);
    expect(v.reply.investigationDocument).toEqual(['attachment:a1']);
    expect(v.reply.investigationDocument).not.toBe(submitted.reply.investigationDocument as unknown);
  });

  it('lists its value paths', () => {
    expect(formFieldPaths(draftReply)).toEqual([
      'reply.handledAt', 'reply.handlingUnit', 'reply.result', 'reply.legalBasis', 'reply.contactRecord', 'reply.investigation',
      'reply.investigationDocument', 'reply.noInvestigationReason', 'reply.noInvestigationBasis', 'reply.publishable', 'reply.replyText',
    ]);
  });
});

describe('draft-reply: required fields', () => {
  const always: [string, string][] = [
    ['handledAt', '请选择「办理日期」'],
    ['handlingUnit', '请填写「办理单位」'],
    ['result', '请填写「办理结果」'],
    ['legalBasis', '请填写「法律法规政策依据」'],
    ['contactRecord', '请填写「回复诉求人情况」'],
    ['replyText', '请填写「答复诉求人的正文」'],
  ];
  it.each(always)('reports reply.%s by its path when it is missing', (key, message) => {
    const r = reply();
    delete r[key];
    expect(errors(validateFormSubmission(draftReply, { reply: r }, { category: 'help' }))).toEqual([{ field: `reply.${key}`, message }]);
  });

  it.each(always)('reports reply.%s when null, empty or (a text) only blanks', (key, message) => {
    for (const empty of key === 'handledAt' ? [null, ''] : [null, '', '   \n\t']) {
      expect(errors(validateFormSubmission(draftReply, { reply: reply({ [key]: empty }) }, { category: 'help' }))).toEqual([{ field: `reply.${key}`, message }]);
    }
  });

  it('reports every missing field at once, in the order of the form', () => {
    const r = validateFormSubmission(draftReply, {}, { category: 'complaint' });
    expect(errorFields(r)).toEqual(['reply.handledAt', 'reply.handlingUnit', 'reply.result', 'reply.legalBasis', 'reply.contactRecord', 'reply.investigation', 'reply.replyText']);
  });

  it('does not require the optional 可以对外发布 box, and gives it back as sent', () => {
    const r = reply();
    delete r.publishable;
    expect(values(validateFormSubmission(draftReply, { reply: r }, { category: 'help' }))).toEqual({ reply: expect.not.objectContaining({ publishable: expect.anything() }) });
    expect(values(validateFormSubmission(draftReply, { reply: reply({ publishable: false }) }, {}))).toMatchObject({ reply: { publishable: false } });
  });
});

describe('draft-reply: the investigation document (第十五条(三))', () => {
  it.each(['complaint', 'report'])('is required for a %s when the unit decided to investigate', (category) => {
    const r = validateFormSubmission(draftReply, { reply: reply({ investigation: 'investigated' }) }, { category });
    expect(errors(r)).toEqual([{ field: 'reply.investigationDocument', message: '请上传「调查受理文书」' }]);
    const ok = validateFormSubmission(draftReply, { reply: reply({ investigation: 'investigated', investigationDocument: ['attachment:doc-1', 'attachment:doc_2'] }) }, { category });
    expect(values(ok)).toMatchObject({ reply: { investigation: 'investigated', investigationDocument: ['attachment:doc-1', 'attachment:doc_2'] } });
  });

  it('takes one reference as a one-file list (the page sends a single file as a string)', () => {
    const r = validateFormSubmission(draftReply, { reply: reply({ investigation: 'investigated', investigationDocument: 'attachment:doc1' }) }, { category: 'complaint' });
    expect(values(r)).toMatchObject({ reply: { investigationDocument: ['attachment:doc1'] } });
  });

  it('is not required, and is dropped, when the unit decided not to investigate: then the reason and basis are required', () => {
    const submitted = { reply: reply({ investigation: 'not-investigated', investigationDocument: ['attachment:x'] }) };
    const r = validateFormSubmission(draftReply, submitted, { category: 'report' });
    expect(errors(r)).toEqual([
      { field: 'reply.noInvestigationReason', message: '请填写「不予调查处理的理由」' },
      { field: 'reply.noInvestigationBasis', message: '请填写「不予调查处理的法律依据」' },
    ]);
    const ok = values(validateFormSubmission(draftReply, { reply: { ...submitted.reply, noInvestigationReason: '已超过时效', noInvestigationBasis: '《行政处罚法》第三十六条' } }, { category: 'report' }));
    expect(ok).toMatchObject({ reply: { investigation: 'not-investigated', noInvestigationReason: '已超过时效' } });
    expect((ok.reply as Record<string, unknown>).investigationDocument).toBeUndefined();
  });

  it.each(['consultation', 'help', 'suggestion', 'other', undefined])('is not asked for category %s, even when the submission claims "investigated"', (category) => {
    const r = validateFormSubmission(draftReply, { reply: reply({ investigation: 'investigated', investigationDocument: 'files::forged' }) }, { category });
    const v = values(r) as { reply: Record<string, unknown> };
    expect(v.reply.investigation).toBeUndefined();
    expect(v.reply.investigationDocument).toBeUndefined();
  });

  it('does not let the submission choose the category that decides the condition', () => {
    const r = validateFormSubmission(draftReply, { category: 'consultation', reply: reply({ category: 'consultation' }) }, { category: 'complaint' });
    expect(errorFields(r)).toEqual(['reply.investigation']);
  });

  it('refuses a form-js file key the page did not replace, or anything but attachment references', () => {
    for (const bad of ['files::Field_investigationDocument', 'attachment:', 'attachment:../../etc/passwd', 'https://x/y.pdf', 42, { id: 'a' }, ['attachment:a', 7], ['attachment:a', 'attachment:a']]) {
      const r = validateFormSubmission(draftReply, { reply: reply({ investigation: 'investigated', investigationDocument: bad }) }, { category: 'complaint' });
      expect([bad, errors(r)[0].field]).toEqual([bad, 'reply.investigationDocument']);
      expect(errors(r)[0].message).toMatch(/^「调查受理文书」(须上传文件|有重复的文件)$/);
    }
  });
});

// ---------------------------------------------------------------------------------- security

describe('keys that are not input fields of the form', () => {
  it('are dropped, at the top level and inside the group: unitGroup cannot be set from the form', () => {
    const submitted = { unitGroup: 'unit-999', petitionId: 'p-1', reply: { ...reply(), unitGroup: 'unit-999', approvedBy: 'x' }, __proto__: { admin: true } };
    const v = values(validateFormSubmission(draftReply, JSON.parse(JSON.stringify(submitted)), { category: 'help' }));
    expect(Object.keys(v)).toEqual(['reply']);
    expect(Object.keys(v.reply as object).sort()).toEqual(['contactRecord', 'handledAt', 'handlingUnit', 'legalBasis', 'publishable', 'replyText', 'result']);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('include the option list and the other context variables the form only reads', () => {
    const r = validateFormSubmission(form('dispatch-petition'), { unitId: 'u1', jointMode: 'single', unitOptions: [{ label: 'x', value: 'evil' }] }, { unitOptions: [{ label: '武都区', value: 'u1' }] });
    expect(values(r)).toEqual({ unitId: 'u1', jointMode: 'single' });
  });

  it('a prototype-looking key in a forged submission is neither read nor returned', () => {
    const forged = JSON.parse('{"__proto__": {"inScope": true}, "constructor": {"prototype": {"x": 1}}}');
    const r = validateFormSubmission(form('screen-petition'), forged, {});
    expect(errors(r)).toEqual([{ field: 'inScope', message: '请选择「是否属于平台受理范围(第七条)」' }]);
  });
});

describe('option values', () => {
  const screen = form('screen-petition');
  it('accepts the boolean values of a yes/no radio and refuses the strings "true" / "false" or 1', () => {
    expect(values(validateFormSubmission(screen, { inScope: true }, {}))).toEqual({ inScope: true });
    for (const bad of ['true', 'false', 1, 0, ['true']]) {
      expect(errors(validateFormSubmission(screen, { inScope: bad }, {}))).toEqual([{ field: 'inScope', message: '「是否属于平台受理范围(第七条)」的选项无效' }]);
    }
  });

  it('refuses a value outside the list, and compares exactly (the number 110 is not the option "110")', () => {
    const base = { inScope: false, outOfScopeItem: '二', rejectionNote: '请拨打 110。' };
    expect(values(validateFormSubmission(screen, { ...base, emergencyNumber: '110' }, {}))).toEqual({ ...base, emergencyNumber: '110' });
    expect(messageFor(validateFormSubmission(screen, { ...base, emergencyNumber: 110 }, {}), 'emergencyNumber')).toBe('「应拨打的紧急服务专线」的选项无效');
    expect(messageFor(validateFormSubmission(screen, { ...base, outOfScopeItem: '十二' }, {}), 'outOfScopeItem')).toBe('「不予受理的依据(第八条)」的选项无效');
    expect(errorFields(validateFormSubmission(form('dispatch-petition'), { unitId: 'u1', jointMode: 'solo' }, { unitOptions: [{ label: 'a', value: 'u1' }] }))).toEqual(['jointMode']);
  });
});

describe('dispatch-petition: units from context.unitOptions', () => {
  const dispatch = form('dispatch-petition');
  const unitOptions = [{ label: '武都区人民政府', value: 'u-wudu' }, { label: '市住建局', value: 'u-zhujian' }, { label: '市生态环境局', value: 'u-env' }];

  it('accepts a listed unit and refuses one that is not listed', () => {
    expect(values(validateFormSubmission(dispatch, { unitId: 'u-wudu', jointMode: 'single' }, { unitOptions }))).toEqual({ unitId: 'u-wudu', jointMode: 'single' });
    expect(errors(validateFormSubmission(dispatch, { unitId: 'u-other', jointMode: 'single' }, { unitOptions }))).toEqual([
      { field: 'unitId', message: '「承办单位(共同办理时为牵头单位)」的选项无效' },
    ]);
  });

  it('refuses every unit when the app passed no unitOptions', () => {
    expect(errors(validateFormSubmission(dispatch, { unitId: 'u-wudu', jointMode: 'single' }, {}))).toEqual([
      { field: 'unitId', message: '「承办单位(共同办理时为牵头单位)」没有可选的选项' },
    ]);
  });

  it('asks for co-units only for joint handling, each listed and none twice', () => {
    expect(errors(validateFormSubmission(dispatch, { unitId: 'u-wudu', jointMode: 'joint', coordinationNote: '' }, { unitOptions }))).toEqual([
      { field: 'coUnitIds', message: '请选择「协办单位」' },
    ]);
    const joint = { unitId: 'u-wudu', jointMode: 'joint', coUnitIds: ['u-zhujian', 'u-env'], coordinationNote: '住建牵头' };
    expect(values(validateFormSubmission(dispatch, joint, { unitOptions }))).toEqual(joint);
    expect(messageFor(validateFormSubmission(dispatch, { ...joint, coUnitIds: ['u-env', 'u-env'] }, { unitOptions }), 'coUnitIds')).toBe('「协办单位」有重复的选项');
    expect(messageFor(validateFormSubmission(dispatch, { ...joint, coUnitIds: ['u-x'] }, { unitOptions }), 'coUnitIds')).toBe('「协办单位」的选项无效');
    expect(messageFor(validateFormSubmission(dispatch, { ...joint, coUnitIds: 'u-env' }, { unitOptions }), 'coUnitIds')).toBe('「协办单位」须为选项列表');
  });

  it('drops co-units and the coordination note submitted for a single unit', () => {
    const r = validateFormSubmission(dispatch, { unitId: 'u-wudu', jointMode: 'single', coUnitIds: ['u-env'], coordinationNote: 'x' }, { unitOptions });
    expect(values(r)).toEqual({ unitId: 'u-wudu', jointMode: 'single' });
  });
});

describe('hidden fields', () => {
  it('are dropped even if submitted, and not validated (screen-petition in scope)', () => {
    const r = validateFormSubmission(form('screen-petition'), { inScope: true, outOfScopeItem: 'not-an-item', emergencyNumber: 999, rejectionNote: 7, isMajor: true }, {});
    expect(values(r)).toEqual({ inScope: true, isMajor: true });
  });

  it('follow a chain of conditions (out of scope, item 二 → the emergency number)', () => {
    const screen = form('screen-petition');
    expect(errorFields(validateFormSubmission(screen, { inScope: false }, {}))).toEqual(['outOfScopeItem', 'rejectionNote']);
    expect(errorFields(validateFormSubmission(screen, { inScope: false, outOfScopeItem: '二' }, {}))).toEqual(['emergencyNumber', 'rejectionNote']);
    expect(values(validateFormSubmission(screen, { inScope: false, outOfScopeItem: '一', emergencyNumber: '110', rejectionNote: '不属本市管辖', isMajor: true }, {}))).toEqual({
      inScope: false, outOfScopeItem: '一', rejectionNote: '不属本市管辖',
    });
  });

  it('are settled iteratively: a field hidden by a hidden field’s stale value stays hidden', () => {
    // B shows when A = "show", but A itself is hidden unless x; a forged A must not bring B (required) in
    const s = schema(
      { type: 'checkbox', id: 'x', key: 'x', label: '开关' },
      { type: 'textfield', id: 'a', key: 'a', label: '甲', conditional: { hide: '=x != true' } },
      { type: 'textfield', id: 'b', key: 'b', label: '乙', validate: { required: true }, conditional: { hide: '=a != "show"' } },
    );
    expect(values(validateFormSubmission(s, { x: false, a: 'show' }))).toEqual({ x: false });
    expect(errors(validateFormSubmission(s, { x: true, a: 'show' }))).toEqual([{ field: 'b', message: '请填写「乙」' }]);
  });

  it('that never settle (each hides the other) count as shown: validated and kept, the same answer every time', () => {
    const s = schema(
      { type: 'textfield', id: 'a', key: 'a', label: '甲', validate: { required: true }, conditional: { hide: '=b != null' } },
      { type: 'textfield', id: 'b', key: 'b', label: '乙', validate: { required: true }, conditional: { hide: '=a != null' } },
    );
    expect(values(validateFormSubmission(s, { a: 'x', b: 'y' }))).toEqual({ a: 'x', b: 'y' });
    // with only a filled in the conditions do settle: b is hidden because a has a value
    expect(values(validateFormSubmission(s, { a: 'x' }))).toEqual({ a: 'x' });
  });

  it('include the children of a hidden group', () => {
    const s = schema(
      { type: 'radio', id: 'm', key: 'mode', label: '方式', values: [{ label: '甲', value: 'a' }, { label: '乙', value: 'b' }] },
      { type: 'group', id: 'g', path: 'detail', label: '详情', conditional: { hide: '=mode != "b"' }, components: [
        { type: 'textfield', id: 'n', key: 'note', label: '说明', validate: { required: true } },
      ] },
    );
    expect(values(validateFormSubmission(s, { mode: 'a', detail: { note: 'x' } }))).toEqual({ mode: 'a' });
    expect(errors(validateFormSubmission(s, { mode: 'b' }))).toEqual([{ field: 'detail.note', message: '请填写「说明」' }]);
    expect(values(validateFormSubmission(s, { mode: 'b', detail: { note: ' 要 ' } }))).toEqual({ mode: 'b', detail: { note: '要' } });
  });

  it('a condition that cannot be evaluated leaves the field shown, so it is validated', () => {
    const s = schema({ type: 'textfield', id: 't', key: 't', label: '文本', validate: { required: true }, conditional: { hide: '=foo(' } });
    expect(errors(validateFormSubmission(s, {}))).toEqual([{ field: 't', message: '请填写「文本」' }]);
  });

  it('a plain boolean hide is ignored, as the form-js viewer does (only FEEL hides)', () => {
    const s = schema({ type: 'textfield', id: 't', key: 't', label: '文本', validate: { required: true }, conditional: { hide: true } });
    expect(errorFields(validateFormSubmission(s, {}))).toEqual(['t']);
  });
});

// ------------------------------------------------------------------------------ review-extension

describe('review-extension: the days (1–30) and the read-only rule', () => {
  const ext = form('review-extension');
  const context = { extensionReason: '需要第三方鉴定', extensionDays: 10 };

  it('approval: takes the submitted days within 1–30, whole days only', () => {
    expect(values(validateFormSubmission(ext, { extensionApproved: true, extensionDays: 30 }, context))).toEqual({ extensionReason: '需要第三方鉴定', extensionApproved: true, extensionDays: 30 });
    expect(values(validateFormSubmission(ext, { extensionApproved: true, extensionDays: 1 }, context))).toMatchObject({ extensionDays: 1 });
    const cases: [unknown, string][] = [
      [0, '「延期天数」不能小于 1'],
      [31, '「延期天数」不能大于 30'],
      [-3, '「延期天数」不能小于 1'],
      [2.5, '「延期天数」须为整数'],
      ['5', '「延期天数」须为数字'],
      [true, '「延期天数」须为数字'],
      [null, '请填写「延期天数」'],
    ];
    for (const [days, message] of cases) {
      expect([days, errors(validateFormSubmission(ext, { extensionApproved: true, extensionDays: days }, context))]).toEqual([days, [{ field: 'extensionDays', message }]]);
    }
  });

  it('refusal: the days are read-only, so the submitted days are ignored and the requested ones returned; the reason is required', () => {
    expect(errors(validateFormSubmission(ext, { extensionApproved: false, extensionDays: 99 }, context))).toEqual([
      { field: 'extensionReviewReason', message: '请填写「不同意延期的理由」' },
    ]);
    expect(values(validateFormSubmission(ext, { extensionApproved: false, extensionDays: 99, extensionReviewReason: '理由不充分' }, context))).toEqual({
      extensionReason: '需要第三方鉴定', extensionApproved: false, extensionDays: 10, extensionReviewReason: '理由不充分',
    });
  });

  it('the unit’s reason is always read-only: a submitted reason never replaces it', () => {
    const v = values(validateFormSubmission(ext, { extensionApproved: true, extensionDays: 5, extensionReason: '伪造的理由' }, context));
    expect(v.extensionReason).toBe('需要第三方鉴定');
  });

  it('read-only days are taken as form-js imports them (digits become a number) and still checked', () => {
    const v = values(validateFormSubmission(ext, { extensionApproved: false, extensionReviewReason: '不同意' }, { ...context, extensionDays: '7' }));
    expect(v.extensionDays).toBe(7);
    // form-js validates read-only fields too: a request without days cannot be refused through this form
    expect(errors(validateFormSubmission(ext, { extensionApproved: false, extensionReviewReason: '不同意' }, { extensionReason: 'x' }))).toEqual([
      { field: 'extensionDays', message: '请填写「延期天数」' },
    ]);
  });

  it('a read-only test that cannot be evaluated keeps the value from the process', () => {
    const s = schema({ type: 'number', id: 'n', key: 'n', label: '天数', readonly: '=foo(' });
    expect(values(validateFormSubmission(s, { n: 99 }, { n: 3 }))).toEqual({ n: 3 });
  });
});

// ---------------------------------------------------------------------------------- types and text

describe('wrong types', () => {
  it('are refused field by field, with the label in the message', () => {
    const r = validateFormSubmission(draftReply, {
      reply: reply({ handledAt: 1714958400000, handlingUnit: 42, result: ['a'], legalBasis: { x: 1 }, publishable: 'yes' }),
    }, { category: 'help' });
    expect(errors(r)).toEqual([
      { field: 'reply.handledAt', message: '「办理日期」须为有效的日期时间(ISO-8601 UTC,如 2025-05-01T08:30Z)' },
      { field: 'reply.handlingUnit', message: '「办理单位」须为文本' },
      { field: 'reply.result', message: '「办理结果」须为文本' },
      { field: 'reply.legalBasis', message: '「法律法规政策依据」须为文本' },
      { field: 'reply.publishable', message: '「可以对外发布」须为勾选或不勾选(true/false)' },
    ]);
  });

  it('a utc_normalized time must be UTC: an offset, a local time or an impossible date is refused', () => {
    const contact = form('contact-petitioner');
    const base = { contactMethod: 'phone', contactSummary: '已沟通' };
    expect(values(validateFormSubmission(contact, { ...base, contactedAt: '2025-05-06T01:30:15.250Z' }))).toMatchObject({ contactedAt: '2025-05-06T01:30:15.250Z' });
    for (const bad of ['2025-05-06T09:30+08:00', '2025-05-06T09:30', '2025-05-06', '2025-02-30T01:00Z', '2025-05-06T24:00Z', 'yesterday']) {
      expect([bad, errorFields(validateFormSubmission(contact, { ...base, contactedAt: bad }))]).toEqual([bad, ['contactedAt']]);
    }
    expect(messageFor(validateFormSubmission(contact, { ...base, contactMethod: 'letter', contactedAt: '2025-05-06T01:30Z' }), 'contactMethod')).toBe('「沟通方式」的选项无效');
  });

  it('date and time subtypes and the other serialising formats', () => {
    const s = schema(
      { type: 'datetime', id: 'd', key: 'd', subtype: 'date', dateLabel: '日期' },
      { type: 'datetime', id: 't', key: 't', subtype: 'time', timeLabel: '时间', timeSerializingFormat: 'utc_offset' },
      { type: 'datetime', id: 'dt', key: 'dt', subtype: 'datetime', dateLabel: '日期时间', timeSerializingFormat: 'no_timezone' },
    );
    const good = { d: '2024-02-29', t: '09:30+08:00', dt: '2025-05-06T09:30' };
    expect(values(validateFormSubmission(s, good))).toEqual(good);
    expect(errors(validateFormSubmission(s, { d: '2025-02-29', t: '09:30Z', dt: '2025-05-06T09:30Z' }))).toEqual([
      { field: 'd', message: '「日期」须为有效的日期(如 2025-05-01)' },
      { field: 't', message: '「时间」须为有效的时间(带时区偏移,如 08:30+08:00)' },
      { field: 'dt', message: '「日期时间」须为有效的日期时间(如 08:30)' },
    ]);
  });

  it('a number sent as digits is accepted only where form-js sends digits (serializeToString)', () => {
    const s = schema({ type: 'number', id: 'n', key: 'amount', label: '金额', serializeToString: true, decimalDigits: 2, validate: { min: 0.01 } });
    expect(values(validateFormSubmission(s, { amount: '12.50' }))).toEqual({ amount: '12.50' });
    expect(values(validateFormSubmission(s, { amount: 3 }))).toEqual({ amount: '3' });
    expect(messageFor(validateFormSubmission(s, { amount: '12.505' }), 'amount')).toBe('「金额」最多保留 2 位小数');
    expect(messageFor(validateFormSubmission(s, { amount: '0x10' }), 'amount')).toBe('「金额」须为数字');
    expect(messageFor(validateFormSubmission(s, { amount: '0.001' }), 'amount')).toBe('「金额」最多保留 2 位小数');
    expect(messageFor(validateFormSubmission(s, { amount: '0' }), 'amount')).toBe('「金额」不能小于 0.01');
  });

  it('a number must fall on its increment', () => {
    const s = schema({ type: 'number', id: 'n', key: 'n', label: '份数', increment: 0.5 });
    expect(values(validateFormSubmission(s, { n: 1.5 }))).toEqual({ n: 1.5 });
    expect(messageFor(validateFormSubmission(s, { n: 1.2 }), 'n')).toBe('「份数」须为 0.5 的整数倍,最接近的有效值为 1 和 1.5');
  });
});

describe('text fields', () => {
  const judge = form('judge-attribution');
  it('accept a script as plain text (escaping it is the page’s job)', () => {
    const text = '<script>alert("x")</script><img src=x onerror=alert(1)> {{ 1 + 1 }} =1+1';
    expect(values(validateFormSubmission(judge, { attributable: true, attributionReason: text }))).toEqual({ attributable: true, attributionReason: text });
  });

  it('keep line breaks and tabs (CRLF becomes LF) but refuse other control characters', () => {
    expect(values(validateFormSubmission(judge, { attributable: false, attributionReason: '第一,\r\n\t第二。' }))).toEqual({ attributable: false, attributionReason: '第一,\n\t第二。' });
    for (const bad of ['a\u0000b', 'a\u0007', '\u001b[31m红', 'x\u007f', 'x\u0085', 'a\rb', 'bad \ud800 half']) {
      const r = validateFormSubmission(judge, { attributable: false, attributionReason: bad });
      expect([bad, errors(r)]).toEqual([bad, [{ field: 'attributionReason', message: expect.stringMatching(/^「认定理由」含有(不允许的控制字符|无效的字符)$/) }]]);
    }
  });

  it('cap a text at 10,000 characters even without maxLength', () => {
    expect(values(validateFormSubmission(judge, { attributable: true, attributionReason: '字'.repeat(10_000) }))).toMatchObject({ attributable: true });
    expect(errors(validateFormSubmission(judge, { attributable: true, attributionReason: '字'.repeat(10_001) }))).toEqual([
      { field: 'attributionReason', message: '「认定理由」不能超过 10000 个字符' },
    ]);
  });

  it('apply minLength, maxLength, pattern (with its message) and the email / phone types', () => {
    const s = schema(
      { type: 'textfield', id: 'a', key: 'code', label: '编号', validate: { minLength: 3, maxLength: '=5', pattern: '^[A-Z]+$', patternErrorMessage: '编号只能是大写字母' } },
      { type: 'textfield', id: 'b', key: 'mail', label: '邮箱', validate: { validationType: 'email' } },
      { type: 'textfield', id: 'c', key: 'tel', label: '电话', validate: { validationType: 'phone' } },
      { type: 'textfield', id: 'd', key: 'plain', label: '无提示', validate: { pattern: '^\\d+$' } },
    );
    expect(values(validateFormSubmission(s, { code: 'ABCD', mail: 'a.b@example.cn', tel: '+8613800000000', plain: '' }))).toEqual({ code: 'ABCD', mail: 'a.b@example.cn', tel: '+8613800000000', plain: '' });
    expect(errors(validateFormSubmission(s, { code: 'AB', mail: 'a@', tel: '13800000000', plain: 'x1' }))).toEqual([
      { field: 'code', message: '「编号」至少需要 3 个字符' },
      { field: 'mail', message: '「邮箱」须为有效的电子邮箱地址' },
      { field: 'tel', message: '「电话」须为有效的国际格式电话号码(如 +8613800000000)' },
      { field: 'plain', message: '「无提示」的格式不正确' },
    ]);
    expect(messageFor(validateFormSubmission(s, { code: 'ABCDEF' }), 'code')).toBe('「编号」不能超过 5 个字符');
    expect(messageFor(validateFormSubmission(s, { code: 'abc' }), 'code')).toBe('编号只能是大写字母');
  });
});

// ------------------------------------------------------------------------------ whole submissions

describe('the submission as a whole', () => {
  it.each([null, undefined, [], 'reply', 42, true])('a non-object (%p) gives one error for the whole form', (bad) => {
    expect(errors(validateFormSubmission(draftReply, bad, {}))).toEqual([{ field: '', message: '提交的表单数据须为一个对象(JSON object)' }]);
  });

  it('names the label as the form shows it (templates filled in from the data)', () => {
    const review = form('review-return');
    expect(errors(validateFormSubmission(review, { returnApproved: true }, {}))).toEqual([{ field: 'returnReviewReason', message: '请填写「职责界定」' }]);
    expect(errors(validateFormSubmission(review, { returnApproved: false }, {}))).toEqual([{ field: 'returnReviewReason', message: '请填写「不同意退回的理由」' }]);
  });

  it('refuses schemas it cannot validate faithfully, loudly', () => {
    expect(() => validateFormSubmission(schema({ type: 'dynamiclist', id: 'l', path: 'items', components: [] }), {})).toThrow(FormSchemaError);
    expect(() => validateFormSubmission(schema({ type: 'signature', id: 's', key: 's' }), {})).toThrow(/unknown component type/);
    expect(() => formFieldPaths(schema({ type: 'textfield', id: 'a', key: 'x' }, { type: 'group', id: 'g', path: 'x', components: [{ type: 'textfield', id: 'b', key: 'y' }] }))).toThrow(/used twice/);
    expect(() => formFieldPaths(schema({ type: 'textfield', id: 'a', key: '__proto__.polluted' }))).toThrow(FormSchemaError);
  });

  it('ignores expression fields and disabled fields: their submitted values never come back', () => {
    const s = schema(
      { type: 'expression', id: 'e', key: 'total', expression: '=1 + 1' },
      { type: 'textfield', id: 'd', key: 'locked', label: '锁定', disabled: true, validate: { required: true } },
      { type: 'textfield', id: 't', key: 'free', label: '自由' },
    );
    expect(values(validateFormSubmission(s, { total: 99, locked: 'x', free: 'y' }))).toEqual({ free: 'y' });
    expect(formFieldPaths(s)).toEqual(['locked', 'free']);
  });
});

describe.each(formFiles)('%s with an empty submission', (file) => {
  it('gives only required-field errors, and no crash', () => {
    const s = JSON.parse(readFileSync(join(formsDir, file), 'utf8')) as FormSchema;
    const required = new Set(formFieldPaths(s));
    for (const context of [{}, { category: 'complaint', unitOptions: [{ label: '单位', value: 'u1' }] }]) {
      const r = validateFormSubmission(s, {}, context);
      const list = r.ok ? [] : r.errors;
      for (const e of list) {
        expect([e.field, required.has(e.field)]).toEqual([e.field, true]);
        expect([e.field, e.message]).toEqual([e.field, expect.stringMatching(/^请(填写|选择|上传|勾选)「[^」]+」$/)]);
      }
      expect(new Set(list.map((e) => e.field)).size).toBe(list.length);
      if (r.ok) expect(r.values).toEqual(expect.any(Object));
    }
  });
});
