/**
 * Text bench models: English and Chinese prose (text-corpus.ts) and three transforms.
 * - "edit 5% + sentence": 5% of the words (characters in Chinese) substituted, dropped or
 *   doubled by a new one, plus one new sentence in the middle third. Truth: two segments,
 *   before and after the inserted sentence.
 * - "excerpt 30%": a run of whole sentences, about 30% of the text. Truth: one segment.
 * - "reformatted": case, full-width forms, punctuation and line breaks changed; same words.
 */
import type { MatchSegment } from "../../src/emulator/fingerprint/contract.js";
import type { BenchCopy, BenchItem, BenchModel, BenchTransform, Rng } from "./model.js";
import { between } from "./rng.js";
import { seededRng } from "./rng.js";
import { generateDoc, newSentence, randomWord, render, type Doc, type Language } from "./text-corpus.js";

const encoder = new TextEncoder();

export function textItem(key: string, doc: Doc): BenchItem {
  const { text } = render(doc);
  return { key, bytes: encoder.encode(text), length: text.length, source: doc };
}

export function textCorpus(language: Language, count: number, seed: number, prefix: string, sentences: [number, number]): BenchItem[] {
  const rng = seededRng(seed);
  return Array.from({ length: count }, (_, n) => textItem(`${prefix}${n}`, generateDoc(rng, language, between(rng, ...sentences))));
}

function editWords(words: string[], rng: Rng, language: Language, share: number): string[] {
  const out: string[] = [];
  for (const word of words) {
    if (rng() >= share) {
      out.push(word);
      continue;
    }
    const edit = rng();
    if (edit < 1 / 3) out.push(randomWord(rng, language));
    else if (edit < 2 / 3) continue;
    else out.push(word, randomWord(rng, language));
  }
  return out.length > 0 ? out : [randomWord(rng, language)];
}

export const editAndInsert: BenchTransform = {
  name: "edit 5% + sentence",
  async apply(item, rng): Promise<BenchCopy> {
    const doc = item.source as Doc;
    const n = doc.sentences.length;
    const at = Math.min(n - 1, Math.max(1, between(rng, Math.floor(n / 3), Math.floor((2 * n) / 3))));
    const edited = doc.sentences.map((words) => editWords(words, rng, doc.language, 0.05));
    const copy: Doc = { language: doc.language, sentences: [...edited.slice(0, at), newSentence(rng, doc.language), ...edited.slice(at)] };
    const original = render(doc).spans;
    const rendered = render(copy);
    const truth: MatchSegment[] = [
      { inputStart: rendered.spans[0][0], inputEnd: rendered.spans[at - 1][1], matchStart: original[0][0], matchEnd: original[at - 1][1] },
      { inputStart: rendered.spans[at + 1][0], inputEnd: rendered.spans[n][1], matchStart: original[at][0], matchEnd: original[n - 1][1] },
    ];
    return { bytes: encoder.encode(rendered.text), truth };
  },
};

export const excerpt: BenchTransform = {
  name: "excerpt 30%",
  async apply(item, rng): Promise<BenchCopy> {
    const doc = item.source as Doc;
    const n = doc.sentences.length;
    const length = Math.min(n, Math.max(3, Math.round(n * 0.3)));
    const first = between(rng, 0, n - length);
    const original = render(doc).spans;
    const rendered = render({ language: doc.language, sentences: doc.sentences.slice(first, first + length) });
    const truth: MatchSegment[] = [{ inputStart: 0, inputEnd: rendered.text.length, matchStart: original[first][0], matchEnd: original[first + length - 1][1] }];
    return { bytes: encoder.encode(rendered.text), truth };
  },
};

const toFullWidth = (char: string) => (char >= "!" && char <= "~" ? String.fromCharCode(char.charCodeAt(0) + 0xfee0) : char);
const HALF_PUNCTUATION: Record<string, string> = { "，": ",", "。": ".", "！": "!", "？": "?" };

export const reformat: BenchTransform = {
  name: "reformatted",
  async apply(item, rng): Promise<BenchCopy> {
    const doc = item.source as Doc;
    const { text, spans } = render(doc);
    let out = "";
    let cursor = 0;
    for (const [start, end] of spans) {
      out += text.slice(cursor, start).replace(/ /g, () => (rng() < 0.5 ? "\n" : "  "));
      let sentence = text.slice(start, end);
      const style = rng();
      if (style < 0.3) sentence = sentence.toUpperCase();
      else if (style < 0.6) sentence = Array.from(sentence, toFullWidth).join("");
      if (doc.language === "zh") sentence = Array.from(sentence, (c) => HALF_PUNCTUATION[c] ?? (rng() < 0.1 ? `${c} ` : c)).join("");
      else sentence = sentence.replace(/\.$/, rng() < 0.5 ? "!" : "...");
      out += sentence;
      cursor = end;
    }
    const truth: MatchSegment[] = [{ inputStart: 0, inputEnd: out.length, matchStart: 0, matchEnd: text.length }];
    return { bytes: encoder.encode(out), truth };
  },
};

const transforms = [editAndInsert, excerpt, reformat];

export const models: BenchModel[] = [
  { name: "text-en", kind: "text", unit: "chars", transforms, corpus: async (count, seed, prefix) => textCorpus("en", count, seed, prefix, [12, 40]) },
  { name: "text-zh", kind: "text", unit: "chars", transforms, corpus: async (count, seed, prefix) => textCorpus("zh", count, seed, prefix, [15, 50]) },
];
