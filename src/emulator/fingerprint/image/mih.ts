/**
 * Multi-index hashing (Norouzi, Punjani, Fleet 2012) for 64-bit hashes: each hash is cut into
 * CHUNKS substrings, each substring keys its own hash table. Two hashes within Hamming
 * distance r agree within floor(r / CHUNKS) bits on at least one substring (pigeonhole), so a
 * search probes, per substring, the buckets within that small radius, and checks the full
 * distance only for the entries it finds: no scan over every item.
 */
import { hamming, type Hash64 } from "./phash.js";

const CHUNKS = 5;
/** Bit ranges [from, to) of the 64-bit hash (bit 0 = highest of the high word). */
const RANGES: [number, number][] = Array.from({ length: CHUNKS }, (_, c) => [Math.round((c * 64) / CHUNKS), Math.round(((c + 1) * 64) / CHUNKS)]);

function bitsOf(hash: Hash64, from: number, to: number): number {
  let value = 0;
  for (let bit = from; bit < to; bit++) {
    const word = bit < 32 ? hash[0] : hash[1];
    value = (value << 1) | ((word >>> (31 - (bit % 32))) & 1);
  }
  return value;
}

/** Every value within `radius` flipped bits of `value` (width bits). */
function neighbours(value: number, width: number, radius: number): number[] {
  const out = [value];
  const flip = (current: number, start: number, left: number) => {
    for (let bit = start; bit < width; bit++) {
      const next = current ^ (1 << bit);
      out.push(next);
      if (left > 1) flip(next, bit + 1, left - 1);
    }
  };
  if (radius > 0) flip(value, 0, radius);
  return out;
}

export interface Found<T> {
  entry: T;
  distance: number;
}

export class MultiIndexHash<T> {
  private readonly tables: Map<number, number[]>[] = RANGES.map(() => new Map());
  private readonly entries: ({ hash: Hash64; value: T } | undefined)[] = [];
  private readonly free: number[] = [];

  insert(hash: Hash64, value: T): number {
    const id = this.free.pop() ?? this.entries.length;
    this.entries[id] = { hash, value };
    RANGES.forEach(([from, to], c) => {
      const key = bitsOf(hash, from, to);
      const bucket = this.tables[c].get(key);
      if (bucket) bucket.push(id);
      else this.tables[c].set(key, [id]);
    });
    return id;
  }

  delete(id: number): void {
    const entry = this.entries[id];
    if (!entry) return;
    RANGES.forEach(([from, to], c) => {
      const key = bitsOf(entry.hash, from, to);
      const rest = (this.tables[c].get(key) ?? []).filter((other) => other !== id);
      if (rest.length > 0) this.tables[c].set(key, rest);
      else this.tables[c].delete(key);
    });
    this.entries[id] = undefined;
    this.free.push(id);
  }

  /** Every entry within `radius` bits of `hash`. */
  within(hash: Hash64, radius: number): Found<T>[] {
    const perChunk = Math.floor(radius / CHUNKS);
    const seen = new Set<number>();
    const found: Found<T>[] = [];
    RANGES.forEach(([from, to], c) => {
      for (const key of neighbours(bitsOf(hash, from, to), to - from, perChunk)) {
        for (const id of this.tables[c].get(key) ?? []) {
          if (seen.has(id)) continue;
          seen.add(id);
          const entry = this.entries[id]!;
          const distance = hamming(hash, entry.hash);
          if (distance <= radius) found.push({ entry: entry.value, distance });
        }
      }
    });
    return found;
  }
}
