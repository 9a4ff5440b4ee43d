import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GRANT_LEASE_MS, runLane, withRunLock } from '../../functions/serving/run-lock';

/** A run that records when it starts and ends, and never overlaps another (checked). */
function recorder() {
  const order: string[] = [];
  let active = 0;
  const run = (name: string, ms = 10) => async () => {
    expect(active, `${name} overlapped another run`).toBe(0);
    active++;
    order.push(name);
    await new Promise((resolve) => setTimeout(resolve, ms));
    active--;
    return name;
  };
  return { order, run };
}

describe('the run lock', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('gives tenants turns: a tenant with many runs queued delays another by one of them', async () => {
    const { order, run } = recorder();
    const flooder = runLane('flooder', 60_000);
    const runs = [0, 1, 2, 3, 4, 5].map((i) => withRunLock(flooder, run(`f${i}`)));
    const victim = withRunLock(runLane('victim', 60_000), run('v'));
    await vi.runAllTimersAsync();
    await Promise.all([...runs, victim]);
    expect(order).toEqual(['f0', 'v', 'f1', 'f2', 'f3', 'f4', 'f5']);
  });

  it('drops a queued run at its deadline and refuses the lane’s later runs, leaving others unharmed', async () => {
    const { order, run } = recorder();
    const hog = withRunLock(runLane('a', 60_000), run('long', 500));
    const late = runLane('b', 100);
    const dropped = withRunLock(late, run('dropped')).catch((e: unknown) => e);
    const other = withRunLock(runLane('c', 60_000), run('c'));
    await vi.runAllTimersAsync();
    expect(await dropped).toMatchObject({ code: 'run_deadline_exceeded', headers: { 'retry-after': '1' } });
    await expect(withRunLock(late, run('never'))).rejects.toMatchObject({ code: 'run_deadline_exceeded' });
    expect(await Promise.all([hog, other])).toEqual(['long', 'c']);
    expect(order).toEqual(['long', 'c']);
  });

  it('passes over a grant never taken up (a cancelled request), and never runs two at once', async () => {
    const { order, run } = recorder();
    const first = withRunLock(runLane('a', 60_000), run('a', 50));
    const granted = withRunLock(runLane('b', 60_000), run('b'));
    // a runs and passes the lock to b; b's request then stalls before it starts (its timers late).
    await vi.advanceTimersByTimeAsync(50);
    expect(order).toEqual(['a']);
    vi.setSystemTime(Date.now() + GRANT_LEASE_MS + 1);
    // A later arrival finds the grant stale and takes the lock; b, waking, queues again.
    const arrival = withRunLock(runLane('c', 60_000), run('c'));
    await vi.runAllTimersAsync();
    expect(await Promise.all([first, granted, arrival])).toEqual(['a', 'b', 'c']);
    expect(order).toEqual(['a', 'c', 'b']);
  });
});
