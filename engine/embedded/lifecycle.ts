/**
 * The engine's life: open() starts the timer scheduler and the job loop (nothing runs before it),
 * close() stops them and waits for what is in flight; idle() runs everything due now (tests, scripts).
 */
import type { Core } from './core.js';
import type { JobRow } from './store/store.js';

export async function open(core: Core) {
  if (core.opened) return;
  core.opened = true;
  if (!core.background) return;
  // a clock that jumps (tests, simulations) makes timers and backed-off jobs due at once
  core.unsubscribeClock = core.clock.onJump?.(() => {
    scheduleTimers(core, 0);
    scheduleJobs(core, 0);
  });
  scheduleTimers(core, 0);
  scheduleJobs(core, 0);
}

export async function close(core: Core) {
  core.closed = true;
  if (core.timerHandle) clearTimeout(core.timerHandle);
  if (core.jobHandle) clearTimeout(core.jobHandle);
  core.unsubscribeClock?.();
  await Promise.allSettled([...core.inFlight]);
}

function track<T>(core: Core, p: Promise<T>): Promise<T> {
  core.inFlight.add(p);
  p.finally(() => core.inFlight.delete(p)).catch(() => undefined);
  return p;
}

export function scheduleTimers(core: Core, delay: number) {
  // nothing runs before open(): the app attaches its task projection first
  if (!core.background || !core.opened || core.closed || core.jobsOnly) return;
  if (core.timerHandle) clearTimeout(core.timerHandle);
  core.timerHandle = setTimeout(() => {
    core.timerHandle = undefined;
    void track(core, timerTick(core));
  }, delay);
  core.timerHandle.unref?.();
}

async function timerTick(core: Core) {
  try {
    while (!core.closed && (await core.fireDueTimers()) > 0);
    await core.expireMessages();
    const next = await core.store.one<{ due: number | null }>('SELECT MIN(due_at) AS due FROM engine_timers', []);
    const due = next?.due === null || next?.due === undefined ? undefined : Number(next.due);
    // a fake clock tells us when it jumps; a real one is re-checked at least every 30 s
    // a timer left behind by a failure is tried again after a second, not in a busy loop
    const wait = due === undefined ? 30_000 : Math.min(Math.max(due - core.now(), core.timersLeft ? 1_000 : 0), 30_000);
    scheduleTimers(core, wait);
  } catch (err) {
    core.log.error({ err }, 'timer loop failed');
    scheduleTimers(core, 5_000);
  }
}

export function scheduleJobs(core: Core, delay: number) {
  if (!core.background || !core.opened || core.closed) return;
  // one poll at a time: two at once would race for the same first rows, and the one that lost them
  // would take its short haul for the end of the backlog and leave the rest to the next poll
  if (core.jobTicking) {
    if (delay === 0) core.jobTickAgain = true;
    return;
  }
  if (core.jobHandle) clearTimeout(core.jobHandle);
  core.jobHandle = setTimeout(() => {
    core.jobHandle = undefined;
    void track(core, jobTick(core));
  }, delay);
  core.jobHandle.unref?.();
}

export function dispatch(core: Core, job: JobRow & { instance_variables: string | null }) {
  core.jobsInFlight++;
  void track(core, core.runJob(job))
    .catch((err) => core.log.error({ err, jobKey: job.id }, 'job handling failed'))
    .finally(() => {
      core.jobsInFlight--;
      // look for waiting jobs only when some were left waiting for room
      if (core.backlog) scheduleJobs(core, 0);
    });
}

/**
 * One poll: take what is due (new, backed-off, or locked by a worker that vanished) up to the free
 * room, then poll again after pollInterval whatever happened — a crashed worker's jobs and due
 * retries are only ever found by a later poll.
 */
async function jobTick(core: Core) {
  const delay = core.pollInterval;
  core.jobTicking = true;
  try {
    const free = core.maxJobsInFlight - core.jobsInFlight - core.jobsReserved;
    if (free > 0) {
      const jobs = await core.lockDueJobs(free);
      core.backlog = jobs.length === free;
      for (const job of jobs) dispatch(core, job);
    }
  } catch (err) {
    core.log.error({ err }, 'job loop failed');
  } finally {
    core.jobTicking = false;
  }
  // a finishing job reschedules at once while there is a backlog (dispatch), also while this poll ran
  if (core.jobTickAgain) {
    core.jobTickAgain = false;
    scheduleJobs(core, 0);
  } else if (!core.jobHandle) scheduleJobs(core, delay);
}

export async function idle(core: Core) {
  for (let round = 0; round < 100_000; round++) {
    const timers = await core.fireDueTimers();
    const jobs = await core.lockDueJobs(50);
    // as in the background loop: a job whose result could not be saved stays locked until its timeout
    for (const job of jobs) await core.runJob(job).catch((err) => core.log.error({ err, jobKey: job.id }, 'job handling failed'));
    const expired = await core.expireMessages();
    if (timers + jobs.length + expired === 0) return;
  }
  throw new Error('idle(): still busy after 100000 rounds (a loop in the diagram?)');
}
