// packages that ship no type definitions
declare module 'bpmn-moddle';
declare module '@bpmn-io/element-templates-validator' {
  /** validates a Camunda 8 element template (what the modeler's element templates accept) */
  export function validateZeebe(template: unknown): { valid: boolean; errors?: unknown[] };
}
