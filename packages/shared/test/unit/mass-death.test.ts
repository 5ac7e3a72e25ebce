import { describe, expect, it } from 'vitest';
import { massDeathHeld, type RoundDeath } from '@smart-reap/shared';

const round = (dead: number, alive: number, host = 'h1'): RoundDeath[] => [
  ...Array.from({ length: dead }, (_, i) => ({ taskId: `${host}-d${i}`, host, dead: true })),
  ...Array.from({ length: alive }, (_, i) => ({ taskId: `${host}-a${i}`, host, dead: false })),
];

describe('mass-death breaker', () => {
  it('holds 6 of 6 deaths', () => {
    const r = massDeathHeld(round(6, 0));
    expect(r.held.size).toBe(6);
    expect(r.scopes[0]).toContain('6 of 6');
  });
  it('acts on 2 of 6 at once', () => {
    expect(massDeathHeld(round(2, 4)).held.size).toBe(0);
  });
  it('needs at least 5 tasks: 4 of 4 dead are acted on', () => {
    expect(massDeathHeld(round(4, 0)).held.size).toBe(0);
  });
  it('exactly half is not more than half', () => {
    expect(massDeathHeld(round(3, 3)).held.size).toBe(0);
    expect(massDeathHeld(round(3, 2)).held.size).toBe(3);
  });
  it('trips per host inside a healthy round', () => {
    const r = massDeathHeld([...round(5, 0, 'bad'), ...round(0, 20, 'good')]);
    expect([...r.held].every((id) => id.startsWith('bad'))).toBe(true);
    expect(r.held.size).toBe(5);
    expect(r.scopes).toEqual(['host bad: 5 of 5 dead']);
  });
});
