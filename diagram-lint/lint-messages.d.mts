// Types of lint-messages.mjs (plain JavaScript shared by the deploy gate's lint worker and the modeler's canvas).
export function lintMessageZh(message: string): string;
