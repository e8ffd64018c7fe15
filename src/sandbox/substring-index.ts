// Substring search over every user's lower-cased haystack. Terms of three characters or more go
// through a trigram index (the users containing the term's rarest trigram, then an exact check);
// shorter terms, which match a large share of users anyway, scan the haystack with native indexOf.
// Characters are folded into 64 classes so the index is three flat typed arrays; a fold collision
// only adds candidates that the exact check then drops.

export interface SubstringIndex {
  /** Positions (ascending) of the users whose haystack contains `term` (already lower-cased). */
  find(term: string): number[];
  /** The haystack of one user. */
  text(index: number): string;
}

const TRIGRAMS = 64 * 64 * 64;
const TRIGRAM_MASK = TRIGRAMS - 1;

/** a–z, 0–9 and common punctuation get their own class; everything else shares a few. */
const CHAR_CLASS = (() => {
  const table = new Uint8Array(65536);
  for (let code = 0; code < table.length; code++) table[code] = 44 + (code % 20); // 44..63
  for (let code = 97; code <= 122; code++) table[code] = code - 96; // a–z: 1..26
  for (let code = 48; code <= 57; code++) table[code] = code - 21; // 0–9: 27..36
  [...'._@+- \''].forEach((char, index) => (table[char.charCodeAt(0)] = 37 + index)); // 37..43
  return table;
})();

/** Visits each user's distinct trigrams once, in user order. */
function walk(haystack: string, userCode: number, fieldCode: number, visit: (trigram: number, user: number) => void): void {
  const lastSeen = new Int32Array(TRIGRAMS).fill(-1);
  const length = haystack.length;
  let user = 0;
  let run = 0;
  let code = 0;
  for (let position = 0; position < length; position++) {
    const char = haystack.charCodeAt(position);
    if (char === userCode || char === fieldCode) {
      if (char === userCode) user++;
      run = 0;
      continue;
    }
    code = ((code << 6) | CHAR_CLASS[char]!) & TRIGRAM_MASK;
    if (++run >= 3 && lastSeen[code] !== user) {
      lastSeen[code] = user;
      visit(code, user);
    }
  }
}

/**
 * `haystack` holds one segment per user, separated by `userSeparator`; fields inside a segment are
 * separated by `fieldSeparator`, and no trigram spans a separator.
 */
export function createSubstringIndex(haystack: string, starts: Int32Array, userSeparator: string, fieldSeparator: string): SubstringIndex {
  const userCount = starts.length - 1;
  const userCode = userSeparator.charCodeAt(0);
  const fieldCode = fieldSeparator.charCodeAt(0);

  // offsets[t] .. offsets[t + 1] delimit trigram t's posting list (user positions, ascending).
  const offsets = new Int32Array(TRIGRAMS + 1);
  walk(haystack, userCode, fieldCode, (code) => offsets[code + 1]!++);
  for (let trigram = 1; trigram <= TRIGRAMS; trigram++) offsets[trigram]! += offsets[trigram - 1]!;
  const postings = new Int32Array(offsets[TRIGRAMS]!);
  const cursor = offsets.slice(0, TRIGRAMS);
  walk(haystack, userCode, fieldCode, (code, user) => (postings[cursor[code]!++] = user));

  const text = (index: number): string => haystack.slice(starts[index], starts[index + 1]! - 1);

  function scan(term: string): number[] {
    const found: number[] = [];
    let from = 0;
    for (;;) {
      const at = haystack.indexOf(term, from);
      if (at < 0) return found;
      let low = 0;
      let high = userCount - 1;
      while (low < high) {
        const middle = (low + high + 1) >> 1;
        if (starts[middle]! <= at) low = middle;
        else high = middle - 1;
      }
      found.push(low);
      from = starts[low + 1]!;
    }
  }

  return {
    text,
    find(term) {
      if (term.length < 3) return scan(term);
      let best = -1;
      let bestSize = Infinity;
      let code = 0;
      for (let position = 0; position < term.length; position++) {
        code = ((code << 6) | CHAR_CLASS[term.charCodeAt(position)]!) & TRIGRAM_MASK;
        if (position < 2) continue;
        const size = offsets[code + 1]! - offsets[code]!;
        if (size < bestSize) {
          bestSize = size;
          best = code;
        }
      }
      const found: number[] = [];
      for (let at = offsets[best]!; at < offsets[best + 1]!; at++) {
        const user = postings[at]!;
        if (text(user).includes(term)) found.push(user);
      }
      return found;
    },
  };
}
