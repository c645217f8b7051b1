/**
 * A library of pictures. Candidates come from multi-index hashing over the pHashes (mih.ts):
 * the query's whole-picture hash against every stored hash (is the query a copy, or a crop,
 * of a stored picture?) and the query's crop hashes against the stored whole-picture hashes
 * (is a stored picture a crop of the query?). Each candidate is then verified (verify.ts) and
 * scored by similarity.ts. No search compares against every item.
 */
import type { Fingerprint, FingerprintMatch, LibraryIndex, SearchOptions } from "../contract.js";
import { MediaDecodeError } from "../contract.js";
import { HASH_REGIONS, type ImageFingerprintData } from "./fingerprint.js";
import { MultiIndexHash } from "./mih.js";
import { similarityOf } from "./similarity.js";
import { GOOD_ENOUGH, bestOverlap, preparePicture, type Box, type PreparedPicture } from "./verify.js";

/**
 * Hamming radius for candidates. Copies measured on the bench corpus: resized, recompressed or
 * brightened within 6 bits, 10% crops within 10 of the nearest stored crop; unrelated pictures
 * 26 apart in the median. Lower thresholds look further.
 */
const RADIUS = 12;
const RADIUS_BELOW_DEFAULT = 16;
/** Candidates verified per search, closest hashes first. */
const MAX_VERIFIED = 64;
/**
 * Starting regions verified per candidate: the whole picture and a crop can both lie a few
 * bits from the query; the pattern search from the wrong one can stall short of the truth.
 */
const STARTS_PER_CANDIDATE = 3;

interface StoredImage {
  key: string;
  picture: PreparedPicture;
  hashIds: { table: "wholes" | "crops"; id: number }[];
}

interface Candidate {
  slot: number;
  distance: number;
  /** Which picture the region is cut from: the stored one (query is a crop of it) or the query. */
  cut: "item" | "query";
  box: Box;
}

function asData(fingerprint: Fingerprint): ImageFingerprintData {
  const data = fingerprint.data as ImageFingerprintData | undefined;
  if (fingerprint.summary?.kind !== "image" || data?.v !== 1 || data.hashes?.length !== HASH_REGIONS.length || data.detail?.length === 0) {
    throw new MediaDecodeError("This fingerprint was not made by the image engine.", "image");
  }
  return data;
}

export class ImageIndex implements LibraryIndex {
  readonly kind = "image" as const;
  private readonly byKey = new Map<string, number>();
  private readonly items: (StoredImage | undefined)[] = [];
  private readonly free: number[] = [];
  private readonly wholes = new MultiIndexHash<number>();
  private readonly crops = new MultiIndexHash<{ slot: number; region: number }>();
  /** Candidates verified by searches so far: shows (and lets tests check) that a search is not a scan. */
  verified = 0;

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
    const slot = this.free.pop() ?? this.items.length;
    const hashIds: StoredImage["hashIds"] = [{ table: "wholes", id: this.wholes.insert(data.hashes[0], slot) }];
    for (let region = 1; region < data.hashes.length; region++) hashIds.push({ table: "crops", id: this.crops.insert(data.hashes[region], { slot, region }) });
    this.items[slot] = { key: primaryKey, picture: preparePicture(data.detail), hashIds };
    this.byKey.set(primaryKey, slot);
  }

  remove(primaryKey: string): boolean {
    const slot = this.byKey.get(primaryKey);
    if (slot === undefined) return false;
    for (const { table, id } of this.items[slot]!.hashIds) this[table].delete(id);
    this.items[slot] = undefined;
    this.free.push(slot);
    this.byKey.delete(primaryKey);
    return true;
  }

  search(fingerprint: Fingerprint, options: SearchOptions): FingerprintMatch[] {
    const data = asData(fingerprint);
    const limit = options.limit ?? 50;
    if (limit <= 0 || this.byKey.size === 0) return [];
    const radius = options.threshold >= 0.8 ? RADIUS : RADIUS_BELOW_DEFAULT;

    const bySlot = new Map<number, Candidate[]>();
    const consider = (candidate: Candidate) => {
      const known = bySlot.get(candidate.slot);
      if (known) known.push(candidate);
      else bySlot.set(candidate.slot, [candidate]);
    };
    for (const { entry, distance } of this.wholes.within(data.hashes[0], radius)) consider({ slot: entry, distance, cut: "item", box: [0, 0, 1, 1] });
    for (const { entry, distance } of this.crops.within(data.hashes[0], radius)) consider({ slot: entry.slot, distance, cut: "item", box: HASH_REGIONS[entry.region] });
    for (let region = 1; region < data.hashes.length; region++) {
      for (const { entry, distance } of this.wholes.within(data.hashes[region], radius)) consider({ slot: entry, distance, cut: "query", box: HASH_REGIONS[region] });
    }

    const query = preparePicture(data.detail);
    const matches: FingerprintMatch[] = [];
    const closestFirst = (a: Candidate, b: Candidate) => a.distance - b.distance;
    const candidates = [...bySlot.values()].map((starts) => starts.sort(closestFirst)).sort((a, b) => closestFirst(a[0], b[0]));
    for (const starts of candidates.slice(0, MAX_VERIFIED)) {
      const item = this.items[starts[0].slot]!;
      this.verified++;
      let ncc = -1;
      for (const start of starts.slice(0, STARTS_PER_CANDIDATE)) {
        if (ncc >= GOOD_ENOUGH) break;
        const score = start.cut === "item" ? bestOverlap(item.picture, query, start.box) : bestOverlap(query, item.picture, start.box);
        ncc = Math.max(ncc, score);
      }
      const similarity = similarityOf(ncc);
      if (similarity >= options.threshold) matches.push({ primaryKey: item.key, similarity: Math.round(similarity * 10_000) / 10_000, segments: [] });
    }
    matches.sort((a, b) => b.similarity - a.similarity || a.primaryKey.localeCompare(b.primaryKey));
    return matches.slice(0, limit);
  }
}
