/** Counts probes and the gaps between two probes of one task while measuring is on. */
export class ProbeGaps {
  readonly gaps: number[] = [];
  probes = 0;
  measuring = false;
  private readonly last = new Map<string, number>();

  record(taskId: string, now: number = Date.now()): void {
    if (this.measuring) {
      this.probes++;
      const prev = this.last.get(taskId);
      if (prev !== undefined) this.gaps.push(now - prev);
    }
    this.last.set(taskId, now);
  }
}
