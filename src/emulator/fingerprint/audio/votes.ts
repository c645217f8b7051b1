/**
 * Offset voting, the alignment test of landmark fingerprinting: every key the query shares
 * with a stored item votes for the time offset (item time - query time) at which they would
 * line up. A copy piles its votes on one offset; chance coincidences scatter. Votes are
 * packed as item * 2^OFFSET_BITS + (offset + bias) in a Float64Array and sorted, which
 * counts millions of votes without a Map per item.
 */

const OFFSET_BITS = 25;
const OFFSET_BIAS = 2 ** (OFFSET_BITS - 1);
const OFFSET_SPAN = 2 ** OFFSET_BITS;

export interface OffsetPeak {
  item: number;
  /** Item time - query time, in time steps. */
  offset: number;
  /** Votes at offset-1..offset+1 (time quantisation moves a copy's votes by one step). */
  votes: number;
  /** The most votes at any other offset (more than two steps away): chance's level for this item. */
  runnerUp: number;
}

export class VoteCollector {
  private votes = new Float64Array(4096);
  private length = 0;

  add(item: number, offset: number): void {
    if (this.length === this.votes.length) {
      const grown = new Float64Array(this.votes.length * 2);
      grown.set(this.votes);
      this.votes = grown;
    }
    this.votes[this.length++] = item * OFFSET_SPAN + offset + OFFSET_BIAS;
  }

  get size(): number {
    return this.length;
  }

  /** Per item, the offset with the most votes (with its two neighbours); most votes first. */
  bestOffsets(minVotes: number): OffsetPeak[] {
    const sorted = this.votes.subarray(0, this.length).sort();
    const best = new Map<number, OffsetPeak>();
    // Runs of equal codes are (item, offset) counts; a window of three consecutive offsets
    // of one item is scanned with the run before and after.
    const runs: { item: number; offset: number; count: number }[] = [];
    for (let i = 0; i < sorted.length; ) {
      let j = i + 1;
      while (j < sorted.length && sorted[j] === sorted[i]) j++;
      const item = Math.floor(sorted[i] / OFFSET_SPAN);
      runs.push({ item, offset: sorted[i] - item * OFFSET_SPAN - OFFSET_BIAS, count: j - i });
      i = j;
    }
    const windows = runs.map((run, r) => {
      let votes = run.count;
      const before = runs[r - 1];
      const after = runs[r + 1];
      if (before && before.item === run.item && before.offset === run.offset - 1) votes += before.count;
      if (after && after.item === run.item && after.offset === run.offset + 1) votes += after.count;
      return votes;
    });
    for (let r = 0; r < runs.length; r++) {
      const votes = windows[r];
      if (votes < minVotes) continue;
      const run = runs[r];
      const current = best.get(run.item);
      if (!current || votes > current.votes) best.set(run.item, { item: run.item, offset: run.offset, votes, runnerUp: 0 });
    }
    for (let r = 0; r < runs.length; r++) {
      const peak = best.get(runs[r].item);
      if (peak && Math.abs(runs[r].offset - peak.offset) > 2 && windows[r] > peak.runnerUp) peak.runnerUp = windows[r];
    }
    return [...best.values()].sort((a, b) => b.votes - a.votes);
  }
}
