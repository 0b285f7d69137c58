// dmn-moddle ships no type definitions: the little the engine uses of it (dmn.ts)
declare module 'dmn-moddle' {
  interface DmnModdleInstance {
    fromXML(xml: string, type: string): Promise<{ rootElement: any; warnings?: { message: string; element?: { id?: string } }[] }>;
  }
  export function DmnModdle(packages?: unknown, options?: unknown): DmnModdleInstance;
}
