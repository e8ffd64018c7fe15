// Looks for secrets where they must not be: a secret and its obvious encodings (needles) in any
// number of labelled texts or byte buffers (haystacks). Reports where each needle was found.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface Needle {
  /** e.g. `secret key (base64)`. */
  label: string;
  value: string;
}

export interface Haystack {
  /** e.g. `file ledger.json`, `ipc output users:search #3`. */
  where: string;
  content: string | Buffer;
}

export interface Leak {
  where: string;
  needle: string;
}

/**
 * The parts of base64 that encode `text` whatever its offset inside a larger encoded string: for
 * each of the three alignments, the characters that depend on `text` alone.
 */
function base64Cores(text: string, alphabet: 'base64' | 'base64url'): string[] {
  const cores: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const bytes = Buffer.concat([Buffer.alloc(offset), Buffer.from(text)]);
    const encoded = bytes.toString(alphabet);
    // Character i holds bits 6i…6i+5: keep those lying wholly inside the text's bytes.
    const start = Math.ceil((offset * 8) / 6);
    const end = Math.floor((bytes.length * 8) / 6);
    cores.push(encoded.slice(start, end));
  }
  return cores.filter((core) => core.length >= 12);
}

/** A secret key and what a careless encoder would turn it into. `sk_…` prefixes are dropped too. */
export function keyNeedles(name: string, key: string): Needle[] {
  const body = key.replace(/^sk_(test|live)_/, '');
  const forms: Needle[] = [
    { label: `${name} (raw)`, value: key },
    { label: `${name} (without prefix)`, value: body },
    { label: `${name} (last 16 characters)`, value: key.slice(-16) },
    { label: `${name} (URL-encoded)`, value: encodeURIComponent(key) },
    { label: `${name} (hex)`, value: Buffer.from(key).toString('hex') },
    { label: `${name} (hex, without prefix)`, value: Buffer.from(body).toString('hex') },
    { label: `${name} (upper-case hex)`, value: Buffer.from(key).toString('hex').toUpperCase() },
  ];
  for (const alphabet of ['base64', 'base64url'] as const) {
    base64Cores(key, alphabet).forEach((core, index) => forms.push({ label: `${name} (${alphabet}, alignment ${index})`, value: core }));
  }
  return forms;
}

/** A ticket (JWT) and its URL: the whole of each, the signature alone, and the URL-encoded URL. */
export function ticketNeedles(name: string, ticket: string, url: string): Needle[] {
  const signature = ticket.split('.')[2] ?? ticket;
  return [
    { label: `${name} ticket`, value: ticket },
    { label: `${name} ticket signature`, value: signature },
    { label: `${name} URL`, value: url },
    { label: `${name} URL (URL-encoded)`, value: encodeURIComponent(url) },
  ];
}

export function findLeaks(haystacks: readonly Haystack[], needles: readonly Needle[]): Leak[] {
  const leaks: Leak[] = [];
  for (const haystack of haystacks) {
    const bytes = typeof haystack.content === 'string' ? Buffer.from(haystack.content) : haystack.content;
    for (const needle of needles) {
      if (needle.value.length > 0 && bytes.includes(Buffer.from(needle.value))) leaks.push({ where: haystack.where, needle: needle.label });
    }
  }
  return leaks;
}

/** Every file under `dir`, recursively, as bytes. */
export function filesUnder(dir: string): Haystack[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const path = join(entry.parentPath, entry.name);
      return { where: `file ${relative(dir, path)}`, content: readFileSync(path) };
    });
}
