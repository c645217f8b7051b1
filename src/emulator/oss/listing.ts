/**
 * One page of a bucket listing (ListObjects and ListObjectsV2 share it): keys after a
 * marker, under a prefix, with keys that share a part up to the delimiter rolled into
 * one common prefix. Keys and prefixes together count against max-keys, as in OSS.
 */
export interface ListQuery {
  prefix: string;
  delimiter: string;
  /** Exclusive lower bound: the marker, start-after or decoded continuation token. */
  after: string;
  maxKeys: number;
}

export interface ListPage {
  keys: string[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last key or prefix of the page: where the next page starts (exclusive). */
  last?: string;
}

/** `sortedKeys` must be in ascending order. */
export function listPage(sortedKeys: readonly string[], q: ListQuery): ListPage {
  const keys: string[] = [];
  const commonPrefixes: string[] = [];
  let last: string | undefined;
  for (const key of sortedKeys) {
    if (key <= q.after || !key.startsWith(q.prefix)) continue;
    let item = key;
    let isPrefix = false;
    if (q.delimiter !== "") {
      const at = key.indexOf(q.delimiter, q.prefix.length);
      if (at >= 0) {
        item = key.slice(0, at + q.delimiter.length);
        isPrefix = true;
        // Already listed on this page, or the marker itself is this prefix (previous page ended on it).
        if (item === last || item === q.after) continue;
      }
    }
    if (keys.length + commonPrefixes.length >= q.maxKeys) return { keys, commonPrefixes, isTruncated: true, ...(last !== undefined ? { last } : {}) };
    (isPrefix ? commonPrefixes : keys).push(item);
    last = item;
  }
  return { keys, commonPrefixes, isTruncated: false, ...(last !== undefined ? { last } : {}) };
}
