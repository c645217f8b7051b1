/**
 * Where two texts share passages, and how much of them they share.
 *
 * Anchors are positions (i in the input, j in the stored item) with equal shingle hashes.
 * Anchors are chained greedily in input order into segments: the next anchor of a segment lies
 * at most MAX_GAP shingles further on both sides, and the two sides advance by nearly the same
 * amount (at most MAX_DRIFT tokens apart). A word substituted, dropped or added inside a copied
 * passage thus stays inside its segment; an inserted or removed sentence (more tokens than
 * MAX_DRIFT) ends one segment and starts the next, which is where the copy really breaks.
 *
 * A segment's ends are then pushed outwards by a gapped extension over tokens (see extend):
 * a shingle that runs into an edit or into the end of the copy does not match, but its tokens
 * may.
 *
 * Similarity is containment: the share of tokens covered by matching shingles, on the side
 * where that share is larger. An excerpt of a stored text, or a stored text quoted whole inside
 * a longer input, scores near 1; a copy with 5% of its words edited near 0.95; texts that share
 * a stray phrase near 0.
 */
import type { MatchSegment } from "../contract.js";

/**
 * A segment may skip this many shingles between anchors: six shingle lengths, so a cluster of
 * three or four edits within a dozen words (common enough at 5% of words edited) stays inside.
 */
export const MAX_GAP = 30;
/** Tokens inserted or dropped between two anchors that still count as the same passage. */
export const MAX_DRIFT = 3;
/** Anchors a segment needs (fewer when a text has fewer shingles): a lone shared phrase is not a copy. */
export const MIN_ANCHORS = 3;
/** A shingle that occurs more often than this in the input is boilerplate, not evidence. */
const MAX_REPEATS = 16;

export interface AlignableText {
  k: number;
  tokens: ArrayLike<number>;
  tokenStarts: ArrayLike<number>;
  tokenEnds: ArrayLike<number>;
  shingles: ArrayLike<number>;
}

export interface AlignableQuery extends AlignableText {
  /** Shingle hash -> its positions in the query. */
  positions: Map<number, number[]>;
}

export interface Alignment {
  similarity: number;
  /** Longest first (by input characters). */
  segments: MatchSegment[];
}

interface Chain {
  firstI: number;
  firstJ: number;
  lastI: number;
  lastJ: number;
  anchors: number[]; // flattened (i, j) pairs
}

/** A segment in tokens: [fromI, toI) in the query, [fromJ, toJ) in the item. */
interface TokenSpan {
  fromI: number;
  toI: number;
  fromJ: number;
  toJ: number;
}

export function positionsOf(shingles: ArrayLike<number>): Map<number, number[]> {
  const positions = new Map<number, number[]>();
  for (let i = 0; i < shingles.length; i++) {
    const list = positions.get(shingles[i]);
    if (list) list.push(i);
    else positions.set(shingles[i], [i]);
  }
  return positions;
}

function anchorsOf(query: AlignableQuery, item: AlignableText): number[] {
  const pairs: number[] = [];
  for (let j = 0; j < item.shingles.length; j++) {
    const at = query.positions.get(item.shingles[j]);
    if (!at || at.length > MAX_REPEATS) continue;
    for (const i of at) pairs.push(i, j);
  }
  // Input order (then item order), the order the chaining walks.
  const order = Array.from({ length: pairs.length / 2 }, (_, n) => n);
  order.sort((a, b) => pairs[2 * a] - pairs[2 * b] || pairs[2 * a + 1] - pairs[2 * b + 1]);
  const sorted: number[] = [];
  for (const n of order) sorted.push(pairs[2 * n], pairs[2 * n + 1]);
  return sorted;
}

function chain(anchors: number[]): Chain[] {
  const chains: Chain[] = [];
  let active: Chain[] = [];
  for (let n = 0; n < anchors.length; n += 2) {
    const i = anchors[n];
    const j = anchors[n + 1];
    active = active.filter((c) => i - c.lastI <= MAX_GAP);
    let best: Chain | undefined;
    let bestCost = Infinity;
    for (const c of active) {
      const di = i - c.lastI;
      const dj = j - c.lastJ;
      if (di <= 0 || dj <= 0 || dj > MAX_GAP) continue;
      const drift = Math.abs(di - dj);
      if (drift > MAX_DRIFT) continue;
      const cost = drift * (MAX_GAP + 1) + di;
      if (cost < bestCost) {
        bestCost = cost;
        best = c;
      }
    }
    if (best) {
      best.lastI = i;
      best.lastJ = j;
      best.anchors.push(i, j);
    } else {
      const fresh: Chain = { firstI: i, firstJ: j, lastI: i, lastJ: j, anchors: [i, j] };
      chains.push(fresh);
      active.push(fresh);
    }
  }
  return chains;
}

/** Score a segment's end may fall below its best before the extension gives up (X-drop). */
const EXTEND_DROP = 5;

/**
 * Gapped X-drop extension (as in BLAST): aligns the tokens beyond (i, j) in direction `step`,
 * scoring +1 per equal token and -1 per substituted, added or dropped one, within MAX_DRIFT
 * diagonals; stops once every path scores EXTEND_DROP below the best seen. Returns how many
 * tokens of each side the best-scoring extension takes. Dense edits are stepped over; an
 * inserted sentence or the copy's end makes the score fall and ends the segment there.
 */
function extend(query: AlignableText, item: AlignableText, i: number, j: number, step: 1 | -1): [number, number] {
  const roomI = step === 1 ? query.tokens.length - i : i + 1;
  const roomJ = step === 1 ? item.tokens.length - j : j + 1;
  const width = 2 * MAX_DRIFT + 1;
  // row[d]: best score for t query tokens and t + d - MAX_DRIFT item tokens.
  let row = new Float64Array(width).fill(-Infinity);
  row[MAX_DRIFT] = 0;
  for (let d = MAX_DRIFT + 1; d < width && d - MAX_DRIFT <= roomJ; d++) row[d] = row[d - 1] - 1;
  let best = 0;
  let bestT = 0;
  let bestU = 0;
  for (let t = 1; t <= roomI; t++) {
    const next = new Float64Array(width).fill(-Infinity);
    let rowBest = -Infinity;
    for (let d = 0; d < width; d++) {
      const u = t + d - MAX_DRIFT;
      if (u < 0 || u > roomJ) continue;
      // (t-1, u) sits on diagonal d+1 of the previous row: query token t has no partner.
      let score = d + 1 < width ? row[d + 1] - 1 : -Infinity;
      if (u >= 1) {
        const same = query.tokens[i + (t - 1) * step] === item.tokens[j + (u - 1) * step];
        const diagonal = row[d] + (same ? 1 : -1); // from (t-1, u-1)
        score = Math.max(score, diagonal);
        if (d > 0) score = Math.max(score, next[d - 1] - 1); // from (t, u-1): item token u has no partner
        if (same && diagonal > best) {
          best = diagonal;
          bestT = t;
          bestU = u;
        }
      }
      next[d] = score;
      rowBest = Math.max(rowBest, score);
    }
    row = next;
    if (rowBest < best - EXTEND_DROP) break;
  }
  return [bestT, bestU];
}

function widen(c: Chain, k: number, query: AlignableText, item: AlignableText): TokenSpan {
  const [backI, backJ] = extend(query, item, c.firstI - 1, c.firstJ - 1, -1);
  const [onI, onJ] = extend(query, item, c.lastI + k, c.lastJ + k, 1);
  return { fromI: c.firstI - backI, toI: c.lastI + k + onI, fromJ: c.firstJ - backJ, toJ: c.lastJ + k + onJ };
}

/** Spans that overlap on both sides after widening are one passage. */
function mergeSpans(spans: TokenSpan[]): TokenSpan[] {
  const sorted = [...spans].sort((a, b) => a.fromI - b.fromI);
  const out: TokenSpan[] = [];
  for (const span of sorted) {
    const last = out.find((o) => span.fromI <= o.toI && span.toI >= o.fromI && span.fromJ <= o.toJ && span.toJ >= o.fromJ);
    if (last) {
      last.fromI = Math.min(last.fromI, span.fromI);
      last.toI = Math.max(last.toI, span.toI);
      last.fromJ = Math.min(last.fromJ, span.fromJ);
      last.toJ = Math.max(last.toJ, span.toJ);
    } else out.push({ ...span });
  }
  return out;
}

function coverage(covered: Uint8Array): number {
  if (covered.length === 0) return 0;
  let count = 0;
  for (let t = 0; t < covered.length; t++) count += covered[t];
  return count / covered.length;
}

export function align(query: AlignableQuery, item: AlignableText): Alignment {
  if (query.k !== item.k || query.shingles.length === 0 || item.shingles.length === 0) return { similarity: 0, segments: [] };
  const minAnchors = Math.min(MIN_ANCHORS, query.shingles.length, item.shingles.length);
  const chains = chain(anchorsOf(query, item)).filter((c) => c.anchors.length / 2 >= minAnchors);
  if (chains.length === 0) return { similarity: 0, segments: [] };

  const k = query.k;
  const queryCovered = new Uint8Array(query.tokenStarts.length);
  const itemCovered = new Uint8Array(item.tokenStarts.length);
  const widened: TokenSpan[] = [];
  for (const c of chains) {
    for (let n = 0; n < c.anchors.length; n += 2) {
      queryCovered.fill(1, c.anchors[n], c.anchors[n] + k);
      itemCovered.fill(1, c.anchors[n + 1], c.anchors[n + 1] + k);
    }
    // What the extension added counts as shared too; edits inside the chain do not.
    const span = widen(c, k, query, item);
    queryCovered.fill(1, span.fromI, c.firstI);
    queryCovered.fill(1, c.lastI + k, span.toI);
    itemCovered.fill(1, span.fromJ, c.firstJ);
    itemCovered.fill(1, c.lastJ + k, span.toJ);
    widened.push(span);
  }
  const spans = mergeSpans(widened);
  const segments = spans.map((span) => ({
    inputStart: query.tokenStarts[span.fromI],
    inputEnd: query.tokenEnds[span.toI - 1],
    matchStart: item.tokenStarts[span.fromJ],
    matchEnd: item.tokenEnds[span.toJ - 1],
  }));
  segments.sort((a, b) => b.inputEnd - b.inputStart - (a.inputEnd - a.inputStart) || a.inputStart - b.inputStart);
  return { similarity: Math.max(coverage(queryCovered), coverage(itemCovered)), segments };
}
