import { readFileSync } from 'node:fs';
import os from 'node:os';

/** What a benchmark ran on, for the record next to its numbers. */
export function machine(): { cpu: string; cores: number; memoryGiB: number; node: string; date: string } {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    cpu = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu;
  } catch {
    // Not Linux: the os module's name will do.
  }
  return { cpu, cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, date: new Date().toISOString().slice(0, 10) };
}
