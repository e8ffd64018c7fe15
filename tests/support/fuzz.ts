// Building blocks for input fuzzing: a seeded generator (same seed, same run) and labelled pools of
// hostile values. Labels name each case in failure messages, so a failing input can be found again.

export interface Labelled<T = unknown> {
  label: string;
  value: T;
}

/** mulberry32: tiny, fast and good enough to pick test cases; deterministic for a given seed. */
export class Rng {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(below: number): number {
    return Math.floor(this.next() * below);
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(items.length)]!;
  }
  /** `count` distinct items (fewer if the list is shorter), in random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const pool = [...items];
    const out: T[] = [];
    while (out.length < count && pool.length > 0) out.push(pool.splice(this.int(pool.length), 1)[0]!);
    return out;
  }
}

export const MEGABYTE = 1024 * 1024;
/** 1 MiB of ASCII, and 1 MiB (in UTF-16 units) of astral characters, which are two units each. */
export const HUGE_ASCII = 'A'.repeat(MEGABYTE);
export const HUGE_EMOJI = '🔑'.repeat(MEGABYTE / 2);

/** Strings that trip careless code: encodings, direction overrides, terminators, markup, traversal. */
export const STRANGE_TEXT: readonly Labelled<string>[] = [
  { label: 'lone high surrogate', value: 'a\uD800b' },
  { label: 'lone low surrogate', value: '\uDC00z' },
  { label: 'reversed surrogate pair', value: '\uDE00\uD83D' },
  { label: 'RTL override', value: 'invoice\u202Egnp.exe' },
  { label: 'RTL text', value: 'مرحبا بالعالم' },
  { label: 'emoji ZWJ sequence', value: '👩🏽‍💻🔑🇺🇳' },
  { label: 'NUL byte', value: 'ada\u0000lovelace' },
  { label: 'zero-width and BOM', value: '\uFEFF\u200B\u200D' },
  { label: 'combining marks', value: 'Z\u0351\u0363\u0364\u0336a\u0337l\u0353g\u0335o' },
  { label: 'fullwidth letters', value: 'ｕｓｅｒ＿ａｄａ' },
  { label: 'CRLF injection', value: 'x\r\nSet-Cookie: a=b' },
  { label: 'markup', value: '<img src=x onerror=alert(1)>' },
  { label: 'template and SQL', value: "${7*7}' OR 1=1 --" },
  { label: 'path traversal', value: '../../../etc/passwd' },
  { label: 'percent encoding', value: '%2e%2e%2f%00' },
  { label: 'only whitespace', value: ' \t\n ' },
  { label: 'noncharacters', value: '\uFFFE\uFFFF' },
  { label: 'private use and astral', value: '\uE000𝔘𝔫𝔡' },
];

/** Values of every JavaScript type that survives Electron's structured clone (and some that JSON cannot carry). */
export const ANY_TYPE: readonly Labelled[] = [
  { label: 'null', value: null },
  { label: 'undefined', value: undefined },
  { label: 'true', value: true },
  { label: 'false', value: false },
  { label: '0', value: 0 },
  { label: '-1', value: -1 },
  { label: '1.5', value: 1.5 },
  { label: 'NaN', value: Number.NaN },
  { label: 'Infinity', value: Number.POSITIVE_INFINITY },
  { label: '-Infinity', value: Number.NEGATIVE_INFINITY },
  { label: '2^53', value: 2 ** 53 },
  { label: 'bigint', value: 10n },
  { label: 'empty string', value: '' },
  { label: 'numeric string', value: '10' },
  { label: 'string "true"', value: 'true' },
  { label: 'empty array', value: [] },
  { label: 'array of strings', value: ['user_abc', 'x'] },
  { label: "sparse array", value: [, , 1] },
  { label: 'empty object', value: {} },
  { label: 'object', value: { a: 1 } },
  { label: 'Date', value: new Date(0) },
  { label: 'Map', value: new Map([['a', 1]]) },
  { label: 'Set', value: new Set([1]) },
  { label: 'Uint8Array', value: new Uint8Array([1, 2, 3]) },
  { label: 'ArrayBuffer', value: new ArrayBuffer(8) },
  { label: 'RegExp', value: /user_.*/ },
  { label: 'Error', value: new Error('boom') },
];

export type JsType = 'string' | 'number' | 'boolean' | 'array' | 'object' | 'undefined';

/** The coarse type a schema would check first (Map, Date… count as objects that are not plain). */
export function jsType(value: unknown): JsType | 'other' {
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) return 'object';
  return 'other';
}

/** Values of any type but `type`: wrong whatever the schema's limits are. */
export function wrongTypes(type: JsType, options: { optional?: boolean } = {}): Labelled[] {
  return ANY_TYPE.filter(({ value }) => jsType(value) !== type && !(options.optional && value === undefined));
}

/** `{ key: { key: … } }`, `depth` levels. Built in a loop: nothing here recurses. */
export function deepObject(depth: number, key = 'a'): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: true };
  for (let i = 0; i < depth; i++) value = { [key]: value };
  return value;
}

export function deepArray(depth: number): unknown[] {
  let value: unknown[] = [];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/**
 * Prototype-pollution payloads as JSON.parse makes them: `__proto__`, `constructor` and `prototype`
 * become OWN keys (an object literal would set the prototype instead).
 */
export function pollutingKeys(base: Record<string, unknown>): Labelled<Record<string, unknown>>[] {
  const withKey = (json: string) => ({ ...base, ...(JSON.parse(json) as Record<string, unknown>) });
  // Spreading copies own keys, `__proto__` included, as data properties via CreateDataProperty.
  return [
    { label: '__proto__ own key', value: withKey('{"__proto__":{"polluted":"yes","isAdmin":true}}') },
    { label: 'constructor.prototype own keys', value: withKey('{"constructor":{"prototype":{"polluted":"yes"}}}') },
    { label: 'prototype own key', value: withKey('{"prototype":{"polluted":"yes"}}') },
    { label: '__proto__ alone', value: JSON.parse('{"__proto__":{"polluted":"yes"}}') as Record<string, unknown> },
  ];
}

/** Whether anything was added to the built-in prototypes (a polluted `{}` would show it). */
export function prototypeSnapshot(): string {
  const names = (object: object) => Object.getOwnPropertyNames(object).sort().join(',');
  return [names(Object.prototype), names(Array.prototype), names(Function.prototype), names(String.prototype)].join('|');
}
