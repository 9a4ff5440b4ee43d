import type { InputBatch } from '../../core/inputs/input-batch';
import { Problem } from '../problems';

/**
 * ORT runs one inference at a time per isolate anyway (one wasm thread); queueing them makes that
 * explicit and keeps overlapping requests from interleaving inside onnxruntime-web's async run.
 * Waiting runs queue by tenant and the tenants take turns (round-robin), so one tenant queueing
 * many runs delays another's by about one of its runs per turn (decision 0043).
 */

/** One request's runs: the tenant whose turns they take, and when they may no longer start. */
export interface RunLane {
  readonly tenant: string;
  /** Date.now() from which the lane's queued runs are dropped and new ones refused. */
  readonly deadline: number;
  /** Set once a run was dropped: workerd's clock may stand still while the isolate computes. */
  expired: boolean;
}

export function runLane(tenant: string, deadlineMs: number): RunLane {
  return { tenant, deadline: Date.now() + deadlineMs, expired: false };
}

// Backbone routines (core/) are handed the batch they embed, not the request: the edge finds the
// request's lane through the batch.
const batchLanes = new WeakMap<InputBatch, RunLane>();

/** A lane for the request that owns `batch`, so its backbone runs take the same turns as its heads. */
export function laneFor(batch: InputBatch, tenant: string, deadlineMs: number): RunLane {
  const lane = runLane(tenant, deadlineMs);
  batchLanes.set(batch, lane);
  return lane;
}

export function laneOf(batch: InputBatch): RunLane {
  const lane = batchLanes.get(batch);
  if (!lane) throw new Error('an ORT run for a batch that no request claimed (laneFor)');
  return lane;
}

/**
 * Most a granted run may take to begin. A grant is taken up by the waiting request itself; one
 * that workerd cancelled meanwhile (its client gone) never takes it up and would hold the lock for
 * the isolate's life, so past this the next arrival or waiter passes the lock on. Begun runs are
 * not bounded here: ORT-web cannot be interrupted (decision 0043).
 */
export const GRANT_LEASE_MS = 2_000;

/** Who holds the lock: set when granted, `started` once its run began. */
interface Hold {
  tenant: string;
  since: number;
  started: boolean;
}

interface Waiter {
  lane: RunLane;
  grant: (hold: Hold) => void;
}

/** Waiting runs by tenant. A Map iterates in insertion order: the first tenant other than the one
 * just served is served next, and goes to the back if it has more. */
const waiting = new Map<string, Waiter[]>();
let holder: Hold | undefined;

function hold(tenant: string): Hold {
  holder = { tenant, since: Date.now(), started: false };
  return holder;
}

function enqueue(waiter: Waiter): void {
  const queue = waiting.get(waiter.lane.tenant);
  if (queue) queue.push(waiter);
  else waiting.set(waiter.lane.tenant, [waiter]);
}

function dequeue(waiter: Waiter): void {
  const queue = waiting.get(waiter.lane.tenant)!;
  queue.splice(queue.indexOf(waiter), 1);
  if (queue.length === 0) waiting.delete(waiter.lane.tenant);
}

function passOn(): void {
  const served = holder?.tenant;
  holder = undefined;
  let next: [string, Waiter[]] | undefined;
  for (const entry of waiting) {
    next ??= entry;
    if (entry[0] !== served) {
      next = entry;
      break;
    }
  }
  if (!next) return;
  const [tenant, queue] = next;
  const waiter = queue.shift()!;
  waiting.delete(tenant);
  if (queue.length > 0) waiting.set(tenant, queue);
  waiter.grant(hold(tenant));
}

function reclaimStalled(): void {
  if (holder && !holder.started && Date.now() - holder.since > GRANT_LEASE_MS) passOn();
}

function deadlinePassed(lane: RunLane): Problem {
  lane.expired = true;
  return new Problem('run_deadline_exceeded', 'this request waited too long for its turn at the model runtime; the isolate is busy, retry', {}, { 'retry-after': '1' });
}

function queued(waiter: Waiter): boolean {
  return waiting.get(waiter.lane.tenant)?.includes(waiter) ?? false;
}

/**
 * Resolves when the lock is the waiter's; rejects at the lane's deadline if still queued. Until
 * the waiting request has taken its grant it keeps a timer of its own pending: workerd cancels, as
 * hung, a request with nothing of its own pending even when another request has resolved what it
 * awaits (seen here as one 500 in ~30 deadline-dropped requests when the timer stopped at the
 * deadline of an already granted run). The timer also looks for stalled grants.
 */
function turn(lane: RunLane): Promise<Hold> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const granted = new Promise<Hold>((resolve, reject) => {
    const waiter: Waiter = { lane, grant: resolve };
    const tick = () => {
      if (!queued(waiter)) {
        timer = setTimeout(tick, 1);
        return;
      }
      const left = lane.deadline - Date.now();
      if (left <= 0) {
        dequeue(waiter);
        reject(deadlinePassed(lane));
        return;
      }
      reclaimStalled();
      timer = setTimeout(tick, Math.min(left, GRANT_LEASE_MS));
    };
    enqueue(waiter);
    timer = setTimeout(tick, Math.min(Math.max(0, lane.deadline - Date.now()), GRANT_LEASE_MS));
  });
  // Cleared here, in the waiting request, which owns the timer (grants run in whichever request
  // passes the lock on).
  return granted.finally(() => timer !== undefined && clearTimeout(timer));
}

/** Lets the event loop deliver what arrived meanwhile (new requests, their I/O), so their runs
 * queue before the lock is next passed on; otherwise runs chained as microtasks would keep the
 * isolate to the tenants already queued. */
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export async function withRunLock<T>(lane: RunLane, fn: () => Promise<T>): Promise<T> {
  reclaimStalled();
  if (lane.expired || Date.now() >= lane.deadline) throw deadlinePassed(lane);
  const mine = holder ? await turn(lane) : hold(lane.tenant);
  try {
    await yieldToEvents();
    // Passed on meanwhile as stalled (this request's timers were late): queue again.
    if (holder !== mine) return await withRunLock(lane, fn);
    mine.started = true;
    return await fn();
  } finally {
    if (holder === mine) passOn();
  }
}
