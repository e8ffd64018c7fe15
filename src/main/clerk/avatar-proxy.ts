// Avatars reach the console through main: the console's CSP allows no remote origin, and the
// renderer must not choose what main fetches. Main hands out opaque `/avatars/<key>` paths for the
// image URLs Clerk returned and fetches only those, bounded in size, type and time.
import { createHash } from 'node:crypto';

export const AVATAR_PATH_PREFIX = '/avatars/';

export interface AvatarImage {
  contentType: string;
  body: Uint8Array;
}

export interface AvatarProxyOptions {
  fetch?: typeof fetch;
  /** Plain-http origins allowed besides https (the sandbox's loopback app origin). */
  httpOrigins?: string[];
  maxBytes?: number;
  timeoutMs?: number;
  cacheSize?: number;
}

const IMAGE_TYPES = /^image\/(png|jpeg|gif|webp|avif|svg\+xml)$/;

export class AvatarProxy {
  readonly #urls = new Map<string, string>();
  readonly #cache = new Map<string, Promise<AvatarImage | null>>();
  readonly #fetch: typeof fetch;
  readonly #httpOrigins: Set<string>;
  readonly #maxBytes: number;
  readonly #timeoutMs: number;
  readonly #cacheSize: number;

  constructor(options: AvatarProxyOptions = {}) {
    this.#fetch = options.fetch ?? fetch;
    this.#httpOrigins = new Set(options.httpOrigins ?? []);
    this.#maxBytes = options.maxBytes ?? 512 * 1024;
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#cacheSize = options.cacheSize ?? 500;
  }

  allowHttpOrigins(origins: string[]): void {
    for (const origin of origins) this.#httpOrigins.add(origin);
  }

  /** The console path for an image URL from Clerk, or null when it is not one main will fetch. */
  path(url: string | null): string | null {
    if (!url || !this.#fetchable(url)) return null;
    const key = createHash('sha256').update(url).digest('base64url').slice(0, 32);
    this.#urls.set(key, url);
    return `${AVATAR_PATH_PREFIX}${key}`;
  }

  /** The image for a key handed out by `path`, or null (unknown key, fetch failed, not an image). */
  get(key: string): Promise<AvatarImage | null> {
    const url = this.#urls.get(key);
    if (!url) return Promise.resolve(null);
    let image = this.#cache.get(key);
    if (!image) {
      image = this.#load(url);
      this.#cache.set(key, image);
      if (this.#cache.size > this.#cacheSize) this.#cache.delete(this.#cache.keys().next().value as string);
      void image.then((loaded) => loaded ?? this.#cache.delete(key));
    }
    return image;
  }

  #fetchable(url: string): boolean {
    try {
      const parsed = new URL(url);
      if (parsed.username || parsed.password) return false;
      return parsed.protocol === 'https:' || (parsed.protocol === 'http:' && this.#httpOrigins.has(parsed.origin));
    } catch {
      return false;
    }
  }

  async #load(url: string): Promise<AvatarImage | null> {
    try {
      const response = await this.#fetch(url, { redirect: 'error', signal: AbortSignal.timeout(this.#timeoutMs), credentials: 'omit' });
      const contentType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (!response.ok || !IMAGE_TYPES.test(contentType)) return null;
      const declared = Number(response.headers.get('content-length') ?? 0);
      if (declared > this.#maxBytes) return null;
      const body = new Uint8Array(await response.arrayBuffer());
      return body.byteLength > this.#maxBytes ? null : { contentType, body };
    } catch {
      return null;
    }
  }
}
