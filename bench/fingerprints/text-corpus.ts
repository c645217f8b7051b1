/**
 * Generated prose for the text bench and tests: English and Chinese, natural-looking enough
 * that unrelated texts share the odd common phrase (as real texts do), never a passage.
 * A document is a list of sentences, each a list of words (English) or characters (Chinese),
 * so transforms can edit words and know exactly where every sentence lands.
 */
import type { Rng } from "./model.js";
import { between, pick } from "./rng.js";

export type Language = "en" | "zh";

export interface Doc {
  language: Language;
  /** Sentences of words (en) or characters (zh); punctuation is added by render(). */
  sentences: string[][];
}

const NOUNS = (
  "river mountain village teacher garden window letter morning winter harbor station market kitchen doctor soldier " +
  "painter forest island bridge library castle valley student farmer lantern journey engine mirror ocean prairie " +
  "captain sister brother neighbor merchant sailor hunter orchard meadow chapel tower cottage factory canal desert " +
  "storm thunder shadow candle blanket basket ribbon carpet feather pebble meadow coast harbor mill wagon saddle " +
  "kettle violin piano novel poem chapter theory machine signal border empire council treaty harvest festival " +
  "evening silence whisper promise secret memory history question answer problem solution method reason voice " +
  "stranger child widow king queen prince bishop clerk miner weaver baker tailor judge nurse pilot engineer " +
  "city country province road street avenue square fountain statue museum theater hospital school office"
).split(" ");
const VERBS = (
  "carried watched followed opened closed painted built crossed answered remembered forgot described discovered " +
  "noticed visited repaired measured ordered offered refused accepted explained covered filled gathered lifted " +
  "pulled pushed reached raised studied tested trusted wanted warned washed welcomed wrote read sold bought " +
  "found lost kept left brought taught caught held heard saw met sent spent told thought understood drew chose"
).split(" ");
const ADJECTIVES = (
  "old young quiet bright dark narrow wide heavy gentle sudden distant ancient modern simple curious careful " +
  "patient silent golden silver wooden broken hidden empty crowded lonely proud strange familiar northern " +
  "southern eastern western early late cold warm dry wet green blue red grey pale deep shallow steep smooth rough"
).split(" ");
const ADVERBS = "slowly quickly quietly carefully suddenly finally often rarely always never gladly barely openly".split(" ");
const PREPOSITIONS = "near behind beyond across under over beside through along toward against without".split(" ");
const CONNECTIVES = "however meanwhile later afterwards still perhaps indeed instead moreover".split(" ");
const NAMES = "Anna Boris Clara David Elena Felix Greta Henry Irene Jonas Karla Lukas Marta Nils Olga Peter Rosa Simon Tomas Vera".split(" ");

function nounPhrase(rng: Rng): string[] {
  const out = [pick(rng, ["the", "the", "a", "her", "his", "their", "that"])];
  if (rng() < 0.6) out.push(pick(rng, ADJECTIVES));
  out.push(pick(rng, NOUNS));
  return out;
}

function englishSentence(rng: Rng): string[] {
  const words: string[] = [];
  if (rng() < 0.2) words.push(pick(rng, CONNECTIVES));
  words.push(...(rng() < 0.3 ? [pick(rng, NAMES)] : nounPhrase(rng)));
  if (rng() < 0.3) words.push(pick(rng, ADVERBS));
  words.push(pick(rng, VERBS), ...nounPhrase(rng));
  const extra = between(rng, 0, 3);
  for (let n = 0; n < extra; n++) {
    if (rng() < 0.6) words.push(pick(rng, PREPOSITIONS), ...nounPhrase(rng));
    else words.push(pick(rng, ["and", "while", "because", "until"]), ...nounPhrase(rng), pick(rng, VERBS), ...nounPhrase(rng));
  }
  return words;
}

// About 500 common characters; Chinese sentences are clauses of them.
const HANZI = Array.from(
  "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经" +
    "十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞",
);
const CHINESE_END = ["。", "。", "。", "！", "？"];

function chineseSentence(rng: Rng): string[] {
  return Array.from({ length: between(rng, 8, 24) }, () => pick(rng, HANZI));
}

export function generateDoc(rng: Rng, language: Language, sentences: number): Doc {
  const make = language === "en" ? englishSentence : chineseSentence;
  return { language, sentences: Array.from({ length: sentences }, () => make(rng)) };
}

export function newSentence(rng: Rng, language: Language): string[] {
  return language === "en" ? englishSentence(rng) : chineseSentence(rng);
}

export const randomWord = (rng: Rng, language: Language): string =>
  language === "en" ? pick(rng, [...NOUNS, ...VERBS, ...ADJECTIVES]) : pick(rng, HANZI);

/** Renders one sentence; the end mark depends on the sentence's words, so renders are stable. */
export function renderSentence(words: string[], language: Language): string {
  if (language === "en") {
    const text = words.join(" ");
    const mark = words.length % 7 === 0 ? "?" : ".";
    return text.charAt(0).toUpperCase() + text.slice(1) + mark;
  }
  // A comma every few characters, as clauses.
  let text = "";
  words.forEach((char, n) => {
    text += char;
    if (n > 0 && n < words.length - 2 && n % 7 === 6) text += "，";
  });
  return text + CHINESE_END[words.length % CHINESE_END.length];
}

export interface Rendered {
  text: string;
  /** [start, end) of each sentence in text. */
  spans: [number, number][];
}

export function render(doc: Doc): Rendered {
  const separator = doc.language === "en" ? " " : "";
  let text = "";
  const spans: [number, number][] = [];
  doc.sentences.forEach((words, n) => {
    if (n > 0) text += n % 5 === 0 ? "\n\n" : separator;
    const sentence = renderSentence(words, doc.language);
    spans.push([text.length, text.length + sentence.length]);
    text += sentence;
  });
  return { text, spans };
}
