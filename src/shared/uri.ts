/**
 * Percent-decoding that never throws: a link, a pasted address or a request path can carry a
 * malformed escape (`%E0%A4%A`, `%zz`, a lone `%`). Every well-formed run of escapes is decoded;
 * what cannot be decoded is kept as it was written.
 */
export function decodeUriComponentSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        // A run that is not whole UTF-8 (a sequence cut short): decode what is, escape by escape.
        return run.replace(/%[0-9A-Fa-f]{2}/g, (escape) => {
          const byte = parseInt(escape.slice(1), 16);
          return byte < 0x80 ? String.fromCharCode(byte) : escape;
        });
      }
    });
  }
}
