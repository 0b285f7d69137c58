// The modeler in Chinese: replaces diagram-js's `translate` service (palette, context pad, popup
// menus, properties panel, lint overlays all go through it). `{name}` placeholders are filled in.
import { lintMessageZh } from '../../../diagram-lint/lint-messages.mjs';
import { ZH } from './zh.js';

function translate(template: string, replacements?: Record<string, string>): string {
  // lint messages come through here too (bpmn-js-bpmnlint translates each issue's message)
  const text = ZH[template] ?? lintMessageZh(template);
  return text.replace(/{([^}]+)}/g, (_, key: string) => replacements?.[key] ?? `{${key}}`);
}

export default { translate: ['value', translate] };
