/**
 * The little XML OSS speaks: writing result documents and reading the two request
 * bodies the stand-in accepts (CompleteMultipartUpload, Delete). No general parser:
 * those bodies are flat lists of known elements.
 */

export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]!);
}

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|amp|apos|quot|#\d+|#x[0-9a-f]+);/gi, (_, e: string) => {
    const named: Record<string, string> = { lt: "<", gt: ">", amp: "&", apos: "'", quot: '"' };
    if (named[e.toLowerCase()] !== undefined) return named[e.toLowerCase()]!;
    return String.fromCodePoint(e[1]?.toLowerCase() === "x" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });
}

/** A value of an XML tree: text, a nested element, or a list of repeated elements. */
export type XmlValue = string | number | boolean | undefined | null | XmlNode | XmlNode[] | string[];
export interface XmlNode {
  [name: string]: XmlValue;
}

/** Serialises `{Root: {...}}`; arrays repeat their element, undefined/null children are left out. */
export function toXml(root: string, node: XmlValue): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${element(root, node)}\n`;
}

function element(name: string, value: XmlValue): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.map((v) => element(name, v)).join("");
  if (typeof value === "object") {
    return `<${name}>${Object.entries(value).map(([k, v]) => element(k, v)).join("")}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** The text of every `<tag>` inside `xml`, in order (flat elements only). */
export function textsOf(xml: string, tag: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g");
  for (let m = re.exec(xml); m; m = re.exec(xml)) out.push(unescapeXml(m[1]!.trim()));
  return out;
}

/** The inner text of every `<tag>...</tag>` block, for lists of compound elements (Part, Object). */
export function blocksOf(xml: string, tag: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g");
  for (let m = re.exec(xml); m; m = re.exec(xml)) out.push(m[1]!);
  return out;
}
