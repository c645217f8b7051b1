/**
 * RFC 3986 percent-encoding as both Alibaba signing algorithms use it: unreserved
 * characters `A-Z a-z 0-9 - _ . ~` stay, every other UTF-8 byte becomes `%XY` in upper
 * case; a space is `%20` (never `+`) and `*` is `%2A`.
 *
 * encodeURIComponent already does this except for `! ' ( ) *`, which it leaves alone.
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(toWellFormed(value)).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

// encodeURIComponent throws on lone surrogates; a client cannot have signed such a
// value as UTF-8 anyway, so replace them with U+FFFD rather than crash the request.
function toWellFormed(value: string): string {
  return value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}
