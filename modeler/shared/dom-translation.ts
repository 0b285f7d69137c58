// Chinese for texts a library writes straight into the DOM (form-js, bpmn-js-token-simulation):
// its text nodes and labelling attributes are translated now and whenever it renders. A library
// writes a node again only when its own value changes, so a translation stays; translating an
// already translated text changes nothing, so the observer does not loop.
export const TRANSLATED_ATTRIBUTES = ['placeholder', 'aria-label', 'title'];

export interface DomTranslation {
  /** the text in Chinese, or the text itself */
  translate(text: string): string;
  /** whether the text nodes under this element may be translated (default: all) */
  textAllowed?(parent: Element | null): boolean;
  /** whether this element's attributes may be translated (default: all) */
  attributesAllowed?(el: Element): boolean;
}

export function observeTranslation(root: Element, t: DomTranslation): MutationObserver {
  const text = (node: Node) => {
    if (t.textAllowed && !t.textAllowed(node.parentElement)) return;
    const value = node.nodeValue ?? '';
    const trimmed = value.trim();
    if (!trimmed) return;
    const zh = t.translate(trimmed);
    if (zh !== trimmed) node.nodeValue = value.replace(trimmed, zh);
  };
  const attributes = (el: Element) => {
    if (t.attributesAllowed && !t.attributesAllowed(el)) return;
    for (const name of TRANSLATED_ATTRIBUTES) {
      const value = el.getAttribute(name);
      if (!value) continue;
      const zh = t.translate(value);
      if (zh !== value) el.setAttribute(name, zh);
    }
  };
  const tree = (node: Node): void => {
    if (node.nodeType === Node.TEXT_NODE) return text(node);
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    attributes(node as Element);
    for (let child = node.firstChild; child; child = child.nextSibling) tree(child);
  };
  tree(root);
  const observer = new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'childList') r.addedNodes.forEach(tree);
      else if (r.type === 'characterData') text(r.target);
      else attributes(r.target as Element);
    }
  });
  observer.observe(root, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: TRANSLATED_ATTRIBUTES });
  return observer;
}
