/**
 * The decision tables the office changes without a developer (issue 16: the unit assessment's
 * scoring, 第二十七条): the deployed decisions and their versions, a table's columns, 检查 (the
 * deploy gate only), 部署 (the gate, then the engine: a changed table becomes the next version), 试算
 * (the engine evaluates the latest deployed version with the inputs an admin types), and each
 * admin's draft. A table is edited as its whole `.dmn` resource; the decision id is the file name
 * and stays: a table whose edit lost its decision id is refused (it would deploy as another decision).
 */
import type { DecisionDefinition, EnginePort, Variables } from '../../engine/port.js';
import type { AuditRepository } from '../data/audit-repository.js';
import type { DecisionDraftsRepository } from '../data/drafts-repository.js';
import type { StaffRecord } from '../data/staff-repository.js';
import { DeployRejected, type DeployGate, type DeployProblem, type DmnDecisionOutline } from '../deploy/deploy-gate.js';
import { HttpError } from '../http-error.js';

export const DECISION_ID = /^[A-Za-z_][\w.-]{0,190}$/;
const MAX_XML = 2 * 1024 * 1024;
const MAX_VARIABLES = 100;

export interface DecisionSummary {
  decisionId: string;
  name: string;
  version: number;
  /** how many versions there are */
  versions: number;
  resourceName: string;
  deployedAt: Date;
  deployedBy: string | null;
}

export interface DecisionVersion {
  decisionKey: string;
  version: number;
  name: string;
  resourceName: string;
  deployedAt: Date;
  deployedBy: string | null;
}

export interface DecisionServiceDeps {
  engine: EnginePort;
  gate: DeployGate;
  audit: AuditRepository;
  drafts: DecisionDraftsRepository;
}

/** the id from a path or a body: a DMN id (an XML name without a colon), else 400 */
export function decisionIdOf(raw: unknown): string {
  const id = String(raw ?? '');
  if (!DECISION_ID.test(id)) throw new HttpError(400, 'INVALID_INPUT', '决策编号不正确', [{ field: 'decisionId', message: '决策编号以字母或下划线开头,只含字母、数字、点、横线或下划线' }]);
  return id;
}

/** the edited resource's text, else 400 naming the field */
function xmlOf(raw: unknown): string {
  if (typeof raw !== 'string' || !raw.trimStart().startsWith('<')) throw new HttpError(400, 'INVALID_INPUT', '内容有误', [{ field: 'xml', message: '须为 DMN XML 文本' }]);
  if (Buffer.byteLength(raw) > MAX_XML) throw new HttpError(400, 'INVALID_INPUT', '内容有误', [{ field: 'xml', message: '决策表超过 2 MB' }]);
  return raw;
}

const versionOf = (d: DecisionDefinition): DecisionVersion => ({
  decisionKey: d.decisionKey,
  version: d.version,
  name: d.name,
  resourceName: d.resourceName,
  deployedAt: d.deployedAt,
  deployedBy: d.deployedBy ?? null,
});

export function createDecisionService(deps: DecisionServiceDeps) {
  const { engine, gate, audit, drafts } = deps;

  /** the versions of a decision, newest first; 404 when it was never deployed */
  async function versions(decisionId: string): Promise<DecisionDefinition[]> {
    const defs = (await engine.listDecisionDefinitions({ decisionId })).sort((a, b) => b.version - a.version);
    if (!defs.length) throw new HttpError(404, 'NOT_FOUND', `未找到决策 ${decisionId}`);
    return defs;
  }

  /** the resource a change is deployed as: the latest version's file name */
  const resourceNameOf = async (decisionId: string) => (await versions(decisionId))[0].resourceName;

  /** the gate's problems of the edited resource, and that it still holds the decision edited */
  async function examine(decisionId: string, xml: string) {
    const resourceName = await resourceNameOf(decisionId);
    const preview = await gate.preview([{ name: resourceName, content: xml }]);
    const problems: DeployProblem[] = [...preview.problems];
    const outline = await gate.outline(xml);
    if (!outline.decisions.some((d) => d.decisionId === decisionId) && !problems.some((p) => p.rule === 'xml')) {
      problems.push({ resourceName, rule: 'dmn/decision-id', message: `文件中没有编号为「${decisionId}」的决策:决策编号与文件名一致,不能修改(改了编号就成了另一个决策)` });
    }
    return { resourceName, problems, decisions: problems.length ? [] : preview.decisions };
  }

  return {
    /** every deployed decision at its latest version, by id */
    async list(): Promise<DecisionSummary[]> {
      const latest = new Map<string, DecisionSummary>();
      for (const d of await engine.listDecisionDefinitions()) {
        const seen = latest.get(d.decisionId);
        if (!seen || d.version > seen.version) {
          latest.set(d.decisionId, { decisionId: d.decisionId, name: d.name, version: d.version, versions: (seen?.versions ?? 0) + 1, resourceName: d.resourceName, deployedAt: d.deployedAt, deployedBy: d.deployedBy ?? null });
        } else seen.versions += 1;
      }
      return [...latest.values()].sort((a, b) => a.decisionId.localeCompare(b.decisionId));
    },

    async versions(decisionId: string): Promise<DecisionVersion[]> {
      return (await versions(decisionId)).map(versionOf);
    },

    /** a version (the latest when none is given) with its resource's XML */
    async version(decisionId: string, version?: number): Promise<DecisionVersion & { xml: string; latestVersion: number }> {
      const defs = await versions(decisionId);
      const def = version === undefined ? defs[0] : defs.find((d) => d.version === version);
      if (!def) throw new HttpError(404, 'NOT_FOUND', `未找到决策 ${decisionId} 的第 ${version} 版`);
      const xml = await engine.getDecisionDefinitionXml(def.decisionKey);
      if (xml === undefined) throw new HttpError(404, 'NOT_FOUND', `未找到决策 ${decisionId} 第 ${def.version} 版的文件`);
      return { ...versionOf(def), xml, latestVersion: defs[0].version };
    },

    /** the latest version's columns: what 试算 asks for and shows */
    async outline(decisionId: string): Promise<DmnDecisionOutline & { version: number }> {
      const v = await this.version(decisionId);
      const found = (await gate.outline(v.xml)).decisions.find((d) => d.decisionId === decisionId);
      return { ...(found ?? { decisionId, name: v.name, inputs: [], outputs: [] }), version: v.version };
    },

    /** 检查: the deploy gate's problems of an edited table (nothing is deployed), and the version it would follow */
    async check(decisionId: string, rawXml: unknown) {
      const { problems, decisions } = await examine(decisionId, xmlOf(rawXml));
      return { problems, decisions };
    },

    /** 部署: the gate, then the engine; a changed table becomes the next version, an unchanged one stays */
    async deploy(staff: StaffRecord, decisionId: string, rawXml: unknown) {
      const xml = xmlOf(rawXml);
      const { resourceName, problems } = await examine(decisionId, xml);
      if (problems.length) throw new DeployRejected(problems);
      const result = await gate.deploy([{ name: resourceName, content: xml }], { deployedBy: staff.username });
      const decisions = result.decisions.map((d) => ({ decisionId: d.decisionId, name: d.name, version: d.version, duplicate: d.duplicate }));
      // (the audit detail holds no `name` fields: the audit log refuses what could be personal data)
      await audit.append({ actor: staff.id, action: 'decision.deployed', detail: { resourceName, decisions: decisions.map((d) => ({ decisionId: d.decisionId, version: d.version, duplicate: d.duplicate })) } });
      await drafts.remove(staff.id, decisionId);
      const mine = decisions.find((d) => d.decisionId === decisionId);
      return { decisionId, version: mine?.version ?? null, duplicate: mine?.duplicate ?? false, decisions };
    },

    /** 试算: the latest deployed version evaluated with these inputs (a number, text, true/false or null each) */
    async evaluate(decisionId: string, rawVariables: unknown) {
      if (typeof rawVariables !== 'object' || rawVariables === null || Array.isArray(rawVariables)) {
        throw new HttpError(400, 'INVALID_INPUT', '请求须为 { "variables": { "输入名": 值 } }', [{ field: 'variables', message: '须为对象' }]);
      }
      const entries = Object.entries(rawVariables as Record<string, unknown>);
      const problems: { field: string; message: string }[] = [];
      if (entries.length > MAX_VARIABLES) problems.push({ field: 'variables', message: `最多 ${MAX_VARIABLES} 个输入` });
      for (const [k, v] of entries.slice(0, MAX_VARIABLES)) {
        if (!/^[A-Za-z_$\u4e00-\u9fa5][\w$.\u4e00-\u9fa5]{0,99}$/.test(k)) problems.push({ field: `variables.${k.slice(0, 100)}`, message: '输入名不正确' });
        else if (!(v === null || typeof v === 'boolean' || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))) problems.push({ field: `variables.${k}`, message: '须为数字、文本、true/false 或 null' });
        else if (typeof v === 'string' && v.length > 1000) problems.push({ field: `variables.${k}`, message: '文本最长 1000 字' });
      }
      if (problems.length) throw new HttpError(400, 'INVALID_INPUT', '试算的输入有误', problems);
      await versions(decisionId);
      const variables: Variables = Object.fromEntries(entries);
      return engine.evaluateDecision(decisionId, variables);
    },

    drafts: {
      async get(staff: StaffRecord, decisionId: string) {
        const d = await drafts.get(staff.id, decisionId);
        if (!d) throw new HttpError(404, 'NOT_FOUND', '没有该决策表的草稿');
        return { decisionId, baseVersion: d.baseVersion, savedAt: d.savedAt, xml: d.xml };
      },
      async save(staff: StaffRecord, decisionId: string, body: { xml?: unknown; baseVersion?: unknown }) {
        const problems: { field: string; message: string }[] = [];
        let xml = '';
        try {
          xml = xmlOf(body.xml);
        } catch (err) {
          if (!(err instanceof HttpError)) throw err;
          problems.push(...(err.details as { field: string; message: string }[]));
        }
        const baseVersion = body.baseVersion ?? null;
        if (baseVersion !== null && !(Number.isInteger(baseVersion) && (baseVersion as number) > 0)) problems.push({ field: 'baseVersion', message: '须为版本号或 null' });
        if (problems.length) throw new HttpError(400, 'INVALID_INPUT', '草稿未保存:内容有误', problems);
        await versions(decisionId);
        const saved = await drafts.save({ staffId: staff.id, decisionId, baseVersion: baseVersion as number | null, xml });
        return { decisionId, baseVersion: saved.baseVersion, savedAt: saved.savedAt };
      },
      async remove(staff: StaffRecord, decisionId: string) {
        if (!(await drafts.remove(staff.id, decisionId))) throw new HttpError(404, 'NOT_FOUND', '没有该决策表的草稿');
      },
      listForStaff: (staff: StaffRecord) => drafts.listForStaff(staff.id),
    },
  };
}

export type DecisionService = ReturnType<typeof createDecisionService>;
