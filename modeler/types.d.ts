// The bpmn.io packages that ship no typings: typed where used, through small local interfaces.
declare module 'bpmn-js-properties-panel';
declare module '@bpmn-io/properties-panel';
declare module 'camunda-bpmn-js-behaviors/lib/camunda-cloud';
declare module 'bpmn-js-element-templates';
declare module 'bpmn-js-bpmnlint';
declare module 'bpmn-js-token-simulation';
declare module 'zeebe-bpmn-moddle/resources/zeebe.json';
declare module '@bpmn-io/element-template-chooser';
declare module 'bpmn-js-create-append-anything';
/** the `.bpmnlintrc` compiled at bundle time (modeler/build.mjs) */
declare module 'virtual:bpmnlint-config' {
  const bundle: { config: { rules: Record<string, unknown> }; resolver: import('../diagram-lint/lint-rules.d.mts').LintResolver };
  export default bundle;
}
/** dmn-js 17's modeler (no typings): the little the decision editor uses */
declare module 'dmn-js/lib/Modeler' {
  interface DmnView {
    type: 'drd' | 'decisionTable' | 'literalExpression' | 'boxedExpression';
    element: { id: string; name?: string };
  }
  interface DmnViewer {
    get(name: string): any;
  }
  export default class DmnModeler {
    constructor(options: Record<string, unknown>);
    importXML(xml: string): Promise<{ warnings: unknown[] }>;
    saveXML(options?: { format?: boolean }): Promise<{ xml?: string }>;
    getViews(): DmnView[];
    getActiveView(): DmnView | undefined;
    getActiveViewer(): DmnViewer | undefined;
    open(view: DmnView): Promise<{ warnings: unknown[] }>;
    on(event: string, callback: (...args: any[]) => void): void;
  }
}
