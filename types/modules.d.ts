// packages that ship no type definitions
declare module 'bpmn-moddle';
