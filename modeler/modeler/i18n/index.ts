// The modeler in Chinese: replaces diagram-js's `translate` service (palette, context pad, popup
// menus, properties panel, lint overlays all go through it). `{name}` placeholders are filled in.
import { lintMessageZh } from '../../../diagram-lint/lint-messages.mjs';
import { typeLabelZh, ZH } from './zh.js';

function translate(template: string, replacements?: Record<string, string>): string {
  // lint messages come through here too (bpmn-js-bpmnlint translates each issue's message)
  const text = ZH[template] ?? typeLabelZh(template) ?? lintMessageZh(template);
  return text.replace(/{([^}]+)}/g, (_, key: string) => replacements?.[key] ?? `{${key}}`);
}

/**
 * Words the panel's libraries show without our `translate` (bpmn-js-element-templates' hard-coded
 * "Toggle section" and "Select a template"; @bpmn-io/properties-panel's list groups, which fall back
 * to their English when the provider passes no `translate`: "List contains 2 items", "Create"):
 * put into Chinese where they appear in the properties panel.
 */
export function translateTitles(root: HTMLElement): void {
  const zh = (text: string) => {
    const count = /^List contains (\d+) items?$/.exec(text);
    return count ? `共 ${count[1]} 项` : ZH[text];
  };
  const all = () => {
    for (const el of root.querySelectorAll('[title]')) {
      const t = zh(el.getAttribute('title') ?? '');
      if (t) el.setAttribute('title', t);
    }
    for (const el of root.querySelectorAll('.bio-properties-panel-add-entry-label')) {
      const t = zh(el.textContent ?? '');
      if (t) el.textContent = t;
    }
  };
  new MutationObserver(all).observe(root, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['title'] });
  all();
}

export default { translate: ['value', translate] };
