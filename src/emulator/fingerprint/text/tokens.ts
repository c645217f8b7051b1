/**
 * Text normalization and tokenization, keeping every token's place in the original text.
 *
 * Normalization makes copies that differ only in form compare equal:
 * - compatibility forms (NFKD): full-width "Ａ１" is "a1", ligatures split, half-width kana widen;
 * - case: lower case;
 * - diacritics: combining marks are dropped ("é" and "e\u0301" both read "e");
 * - punctuation, symbols and whitespace separate tokens and are otherwise ignored.
 *
 * Tokens: a run of letters and digits is one word token; a CJK character (Han, kana, a Hangul
 * syllable) is a token of its own, since those scripts do not put spaces between words; their
 * shingles are then character n-grams.
 *
 * Each token records the UTF-16 range it came from in the original, un-normalized input, so
 * segments found on normalized tokens map back to the caller's characters exactly.
 */

export interface Tokens {
  /** 32-bit hash of each token's normalized text. */
  hashes: number[];
  /** Original UTF-16 offset where each token starts. */
  starts: number[];
  /** Original UTF-16 offset where each token ends (exclusive). */
  ends: number[];
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3005\u30fc\uac00-\ud7a3]/u;
const WORD_CHAR = /[\p{L}\p{N}]/u;
const MARK = /\p{M}/u;

/** FNV-1a over UTF-16 code units, 32 bits. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function tokenize(text: string): Tokens {
  const tokens: Tokens = { hashes: [], starts: [], ends: [] };
  let word = "";
  let wordStart = 0;
  let wordEnd = 0;
  const endWord = () => {
    if (word.length === 0) return;
    tokens.hashes.push(hashString(word));
    tokens.starts.push(wordStart);
    tokens.ends.push(wordEnd);
    word = "";
  };
  const addWordChar = (normalized: string, start: number, end: number) => {
    if (word.length === 0) wordStart = start;
    word += normalized;
    wordEnd = end;
  };

  for (let i = 0; i < text.length; ) {
    const code = text.codePointAt(i)!;
    const width = code > 0xffff ? 2 : 1;
    const start = i;
    i += width;
    // ASCII fast path: no normalization needed beyond case.
    if (code < 0x80) {
      if ((code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39)) addWordChar(String.fromCharCode(code), start, i);
      else if (code >= 0x41 && code <= 0x5a) addWordChar(String.fromCharCode(code + 32), start, i);
      else endWord();
      continue;
    }
    const original = String.fromCodePoint(code);
    if (code >= 0xac00 && code <= 0xd7a3) {
      // A Hangul syllable stays one token (NFKD would split it into jamo).
      endWord();
      tokens.hashes.push(hashString(original));
      tokens.starts.push(start);
      tokens.ends.push(i);
      continue;
    }
    for (const char of original.normalize("NFKD").toLowerCase()) {
      if (MARK.test(char)) continue;
      if (CJK.test(char)) {
        endWord();
        tokens.hashes.push(hashString(char));
        tokens.starts.push(start);
        tokens.ends.push(i);
      } else if (WORD_CHAR.test(char)) {
        addWordChar(char, start, i);
      } else {
        endWord();
      }
    }
  }
  endWord();
  return tokens;
}
