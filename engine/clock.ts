/** Injectable time: the engine, scheduler and workers read time only from here. */
export interface Clock {
  now(): Date;
  /** called whenever time jumps (fake clocks), so a scheduler can re-check what is due */
  onJump?(listener: () => void): () => void;
}

export const systemClock: Clock = { now: () => new Date() };

export interface FakeClock extends Clock {
  set(at: Date | string): void;
  advance(ms: number): void;
  advanceDays(days: number): void;
}

export function createFakeClock(start: Date | string = '2026-03-02T01:00:00.000Z'): FakeClock {
  let current = new Date(start).getTime();
  const listeners = new Set<() => void>();
  const jump = () => listeners.forEach((l) => l());
  return {
    now: () => new Date(current),
    set(at) {
      current = new Date(at).getTime();
      jump();
    },
    advance(ms) {
      current += ms;
      jump();
    },
    advanceDays(days) {
      current += days * 86_400_000;
      jump();
    },
    onJump(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
