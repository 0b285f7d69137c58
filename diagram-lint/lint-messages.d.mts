// Types of lint-messages.mjs (plain JavaScript shared by the lint worker and the modeler's canvas).
export function lintMessageZh(message: string): string;
