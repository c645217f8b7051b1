/**
 * An inverted index from an integer key (a landmark hash, a band of a frame hash) to the
 * places it occurs: (item number, time step). Each place is packed into one double,
 * item * 2^TIME_BITS + time, so a posting list is a flat number[] (unboxed doubles in V8)
 * rather than an array of objects: a 1,000-item audio library holds millions of postings.
 */

export const TIME_BITS = 24;
const TIME_SPAN = 2 ** TIME_BITS;

export function packPlace(item: number, time: number): number {
  return item * TIME_SPAN + time;
}

export function placeItem(place: number): number {
  return Math.floor(place / TIME_SPAN);
}

export function placeTime(place: number): number {
  return place % TIME_SPAN;
}

export class PostingIndex {
  private readonly lists = new Map<number, number[]>();
  private count = 0;

  get postings(): number {
    return this.count;
  }

  add(key: number, item: number, time: number): void {
    const list = this.lists.get(key);
    const place = packPlace(item, time);
    if (list) list.push(place);
    else this.lists.set(key, [place]);
    this.count++;
  }

  get(key: number): readonly number[] | undefined {
    return this.lists.get(key);
  }

  /** Drops every posting of `item` under the given keys (the keys that item was added under). */
  removeItem(item: number, keys: Iterable<number>): void {
    for (const key of new Set(keys)) {
      const list = this.lists.get(key);
      if (!list) continue;
      const kept = list.filter((place) => placeItem(place) !== item);
      this.count -= list.length - kept.length;
      if (kept.length === 0) this.lists.delete(key);
      else this.lists.set(key, kept);
    }
  }
}
