/**
 * CPU time spent by processes, read from /proc (Linux): on a machine shared with other work, the wall-clock
 * rate of a benchmark says how much of the machine it got; its CPU time says what the work itself costs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

let ticksPerSecond: number | undefined;
const clockTicks = () => (ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100);

export interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime, in clock ticks. */
  ticks: number;
}

/** Fields of one /proc/<pid>/stat line; the command name (field 2) may hold spaces and parentheses. */
export function parseProcStat(line: string): ProcStat {
  const close = line.lastIndexOf(')');
  if (close < 0) throw new Error(`not a /proc/<pid>/stat line: ${line.slice(0, 80)}`);
  const pid = Number.parseInt(line, 10);
  const rest = line.slice(close + 2).split(' ');
  // rest[0] is field 3 (state): ppid is field 4, utime field 14, stime field 15
  return { pid, ppid: Number(rest[1]), ticks: Number(rest[11]) + Number(rest[12]) };
}

function allStats(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      stats.push(parseProcStat(readFileSync(join('/proc', name, 'stat'), 'utf8')));
    } catch {
      // the process ended while the folder was read
    }
  }
  return stats;
}

/** CPU seconds of a PostgreSQL server so far: its postmaster and the backends it runs now (ended ones are not counted). */
export function postgresCpuSeconds(dataDir: string): number | undefined {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync('/proc') || !existsSync(pidFile)) return undefined;
  const postmaster = Number.parseInt(readFileSync(pidFile, 'utf8'), 10);
  const ticks = allStats()
    .filter((s) => s.pid === postmaster || s.ppid === postmaster)
    .reduce((sum, s) => sum + s.ticks, 0);
  return ticks / clockTicks();
}
