/**
 * One seeded random source for the load scripts and the fuzz suite, so a seed replays a run
 * exactly. The generator is pure-rand's Mersenne Twister (pure-rand is the generator
 * library under fast-check): unlike its xor-shift family, it seeds well from small integers.
 */
import { unsafeUniformIntDistribution, mersenne, type RandomGenerator } from "pure-rand";

export class Random {
  private readonly generator: RandomGenerator;

  constructor(readonly seed: number) {
    this.generator = mersenne(seed);
  }

  /** 0 <= x < 1 */
  next(): number {
    return unsafeUniformIntDistribution(0, 0xffffffff, this.generator) / 4294967296;
  }

  /** min <= n <= max */
  int(min: number, max: number): number {
    return unsafeUniformIntDistribution(min, max, this.generator);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}
