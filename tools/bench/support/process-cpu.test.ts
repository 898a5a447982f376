import { describe, expect, it } from 'vitest';
import { parseProcStat } from './process-cpu';

describe('parseProcStat', () => {
  it('reads pid, parent and user + system ticks, whatever the command name holds', () => {
    const line = '4242 (postgres: ktlab db 127.0.0.1(5) INSERT) S 4200 4200 4200 0 -1 4194560 1500 0 0 0 731 269 0 0 20 0 1 0 123 456 78 0';
    expect(parseProcStat(line)).toEqual({ pid: 4242, ppid: 4200, ticks: 1000 });
  });

  it('refuses a line that is not a stat line', () => {
    expect(() => parseProcStat('garbage')).toThrow('not a /proc/<pid>/stat line');
  });
});
