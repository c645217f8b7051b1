/**
 * A library of texts, indexed by winnowed shingle hash (an inverted index).
 *
 * A search looks up the query's winnowed hashes, counts hits per stored text, and aligns the
 * query only with the texts that share hashes with it, most hits first: never a scan over
 * every item. Winnowing guarantees a shared hash for any shared passage of 8 tokens or more,
 * so no text that could reach a similarity threshold is missed for lack of a hit.
 *
 * Hashes held by more than STOP_SHARE of the library (and at least STOP_MIN texts) are skipped
 * at search time: boilerplate every text carries says nothing about which one was copied.
 */
import type { Fingerprint, FingerprintMatch, LibraryIndex, SearchOptions } from "../contract.js";
import { MediaDecodeError } from "../contract.js";
import { align, positionsOf, type AlignableQuery, type AlignableText } from "./align.js";
import type { TextFingerprintData } from "./fingerprint.js";

const STOP_SHARE = 0.05;
const STOP_MIN = 50;
/** Texts aligned per search, at least: alignment is exact but costs a pass over the text. */
const MIN_CANDIDATES = 64;

interface StoredText extends AlignableText {
  key: string;
  /** Distinct winnowed hashes, for removal. */
  postings: Uint32Array;
}

function asData(fingerprint: Fingerprint): TextFingerprintData {
  const data = fingerprint.data as TextFingerprintData | undefined;
  if (fingerprint.summary?.kind !== "text" || data?.v !== 1 || !Array.isArray(data.shingles) || !Array.isArray(data.tokens)) {
    throw new MediaDecodeError("This fingerprint was not made by the text engine.", "text");
  }
  return data;
}

export class TextIndex implements LibraryIndex {
  readonly kind = "text" as const;
  private readonly byKey = new Map<string, number>();
  private readonly items: (StoredText | undefined)[] = [];
  private readonly free: number[] = [];
  private readonly postings = new Map<number, number[]>();
  /** Texts aligned by searches so far: shows (and lets tests check) that a search is not a scan. */
  aligned = 0;

  get size(): number {
    return this.byKey.size;
  }

  has(primaryKey: string): boolean {
    return this.byKey.has(primaryKey);
  }

  keys(): IterableIterator<string> {
    return this.byKey.keys();
  }

  add(primaryKey: string, fingerprint: Fingerprint): void {
    const data = asData(fingerprint);
    this.remove(primaryKey);
    const distinct = Uint32Array.from(new Set(data.winnowed.map((i) => data.shingles[i])));
    const item: StoredText = {
      key: primaryKey,
      k: data.k,
      tokens: Uint32Array.from(data.tokens),
      tokenStarts: Int32Array.from(data.tokenStarts),
      tokenEnds: Int32Array.from(data.tokenEnds),
      shingles: Uint32Array.from(data.shingles),
      postings: distinct,
    };
    const slot = this.free.pop() ?? this.items.length;
    this.items[slot] = item;
    this.byKey.set(primaryKey, slot);
    for (const hash of distinct) {
      const list = this.postings.get(hash);
      if (list) list.push(slot);
      else this.postings.set(hash, [slot]);
    }
  }

  remove(primaryKey: string): boolean {
    const slot = this.byKey.get(primaryKey);
    if (slot === undefined) return false;
    const item = this.items[slot]!;
    for (const hash of item.postings) {
      const list = this.postings.get(hash);
      if (!list) continue;
      const rest = list.filter((s) => s !== slot);
      if (rest.length > 0) this.postings.set(hash, rest);
      else this.postings.delete(hash);
    }
    this.items[slot] = undefined;
    this.free.push(slot);
    this.byKey.delete(primaryKey);
    return true;
  }

  search(fingerprint: Fingerprint, options: SearchOptions): FingerprintMatch[] {
    const data = asData(fingerprint);
    const limit = options.limit ?? 50;
    if (limit <= 0 || data.shingles.length === 0 || this.byKey.size === 0) return [];
    const stopAt = Math.max(STOP_MIN, this.byKey.size * STOP_SHARE);

    const hits = new Map<number, number>();
    for (const hash of new Set(data.winnowed.map((i) => data.shingles[i]))) {
      const list = this.postings.get(hash);
      if (!list || list.length > stopAt) continue;
      for (const slot of list) hits.set(slot, (hits.get(slot) ?? 0) + 1);
    }
    const candidates = [...hits].sort((a, b) => b[1] - a[1]).slice(0, Math.max(MIN_CANDIDATES, limit * 4));

    const query: AlignableQuery = { ...data, positions: positionsOf(data.shingles) };
    const matches: FingerprintMatch[] = [];
    for (const [slot] of candidates) {
      const item = this.items[slot]!;
      this.aligned++;
      const { similarity, segments } = align(query, item);
      if (similarity >= options.threshold && segments.length > 0) {
        matches.push({ primaryKey: item.key, similarity: Math.round(similarity * 10_000) / 10_000, segments });
      }
    }
    matches.sort((a, b) => b.similarity - a.similarity || a.primaryKey.localeCompare(b.primaryKey));
    return matches.slice(0, limit);
  }
}
