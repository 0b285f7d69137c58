// The platform's own lint rules, as bpmnlint rules, shared by the deploy gate (server/deploy/lint-worker.mjs) and
// the modeler's canvas (modeler/modeler/lint.ts bundles this file), so both report the same
// problems with the same words. Plain JavaScript without imports: it runs in Node and the browser.
//
// Each rule is a bpmnlint rule factory: `(config) => ({ check(node, reporter) })`; its config comes
// from the rule's entry `['error', { jobTypes: […] }]` in the lint configuration.

const ext = (el, type) => (el.extensionElements?.values ?? []).filter((v) => v.$type === type);

/** `wenzheng/job-type-registered`: every job type names a registered worker (config: { jobTypes }) */
export function jobTypeRegistered(config) {
  const known = new Set(config?.jobTypes ?? []);
  return {
    check(node, reporter) {
      for (const def of ext(node, 'zeebe:TaskDefinition')) {
        const type = def.type ?? '';
        // an expression picks the type at run time: nothing to check here
        if (type && !type.startsWith('=') && !known.has(type)) {
          reporter.report(node.id, `任务类型「${type}」没有已注册的处理程序(已注册:${[...known].join('、')})`);
        }
      }
    },
  };
}

/** `wenzheng/form-exists`: the form a user task links exists (config: { formIds }) */
export function formExists(config) {
  const known = new Set(config?.formIds ?? []);
  return {
    check(node, reporter) {
      if (node.$type !== 'bpmn:UserTask') return;
      for (const form of ext(node, 'zeebe:FormDefinition')) {
        if (form.formId && !known.has(form.formId)) reporter.report(node.id, `表单「${form.formId}」不存在`);
      }
    },
  };
}

/** `wenzheng/user-task-assigned`: every user task has candidate groups, candidate users or an assignee */
export function userTaskAssigned() {
  return {
    check(node, reporter) {
      if (node.$type !== 'bpmn:UserTask') return;
      const a = ext(node, 'zeebe:AssignmentDefinition')[0];
      if (!a || !(a.candidateGroups || a.assignee || a.candidateUsers)) reporter.report(node.id, `用户任务「${node.name ?? node.id}」没有指定候选组或办理人`);
    },
  };
}

export const RULES = {
  'job-type-registered': jobTypeRegistered,
  'form-exists': formExists,
  'user-task-assigned': userTaskAssigned,
};

/** the rules' entries in a bpmnlint configuration, for the given workers and forms */
export function ownRuleConfig(jobTypes, formIds) {
  return {
    'wenzheng/job-type-registered': ['error', { jobTypes: [...jobTypes] }],
    'wenzheng/form-exists': ['error', { formIds: [...formIds] }],
    'wenzheng/user-task-assigned': 'error',
  };
}

/** a bpmnlint resolver: our rules under `wenzheng`, everything else from `fallback` */
export function withOwnRules(fallback) {
  return {
    resolveRule(pkg, ruleName) {
      if (pkg === 'bpmnlint-plugin-wenzheng' || pkg === 'wenzheng') {
        const rule = RULES[ruleName];
        if (!rule) throw new Error(`unknown rule <wenzheng/${ruleName}>`);
        return rule;
      }
      return fallback.resolveRule(pkg, ruleName);
    },
    resolveConfig(pkg, configName) {
      return fallback.resolveConfig(pkg, configName);
    },
  };
}
