// `protocol`: privileged schemes and their handlers. Chromium driven by Playwright cannot load a
// scheme it was not built to know, so each handled standard scheme is served from a loopback HTTP
// server, `<scheme>://<host>/<path>` ↔ `http://<host>.localhost:<port>/<path>` (Chromium resolves
// `*.localhost` to loopback and treats it as a secure context). Every URL the app sees — getURL(),
// senderFrame.url, navigation events, webRequest details — is mapped back to the scheme form.
import { createServer, type Server } from 'node:http';
import { app } from './app.ts';

export interface CustomScheme {
  scheme: string;
  privileges?: { standard?: boolean; secure?: boolean; supportFetchAPI?: boolean; corsEnabled?: boolean; bypassCSP?: boolean; allowServiceWorkers?: boolean; stream?: boolean; codeCache?: boolean };
}

type Handler = (request: Request) => Response | Promise<Response>;

const privileged = new Map<string, CustomScheme>();
let registeredOnce = false;
/** scheme → port of its loopback server */
const served = new Map<string, { port: number; server: Server }>();

export const protocol = {
  /**
   * docs/api/protocol.md#protocolregisterschemesasprivilegedcustomschemes: "This method can only be
   * used before the ready event of the app module gets emitted and can be called only once."
   */
  registerSchemesAsPrivileged(schemes: CustomScheme[]): void {
    if (app.isReady()) throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready');
    if (registeredOnce) throw new Error('protocol.registerSchemesAsPrivileged can be called only once (docs/api/protocol.md)');
    registeredOnce = true;
    for (const scheme of schemes) privileged.set(scheme.scheme, scheme);
  },

  /** docs/api/protocol.md#protocolhandlescheme-handler: after ready; a scheme has one handler. */
  handle(scheme: string, handler: Handler): void {
    if (!app.isReady()) throw new Error('protocol.handle can only be used after app is ready (docs/api/protocol.md: "All methods unless specified can only be used after the ready event")');
    if (served.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`);
    if (!privileged.get(scheme)?.privileges?.standard) {
      throw new Error(`Emulation: protocol.handle('${scheme}') needs the scheme registered as standard before ready (only standard schemes have the origins the emulation maps to loopback)`);
    }
    const server = createServer(async (incoming, outgoing) => {
      try {
        const host = (incoming.headers.host ?? '').replace(/\.localhost(:\d+)?$/, '');
        const url = `${scheme}://${host}${incoming.url ?? '/'}`;
        const chunks: Buffer[] = [];
        for await (const chunk of incoming) chunks.push(chunk as Buffer);
        const headers = new Headers();
        for (const [name, value] of Object.entries(incoming.headers)) if (typeof value === 'string' && name !== 'host') headers.set(name, value);
        const method = incoming.method ?? 'GET';
        const body = method === 'GET' || method === 'HEAD' ? null : Buffer.concat(chunks);
        const response = await handler(new Request(url, { method, headers, body }));
        const responseHeaders: Record<string, string> = {};
        response.headers.forEach((value, name) => (responseHeaders[name] = value));
        outgoing.writeHead(response.status, responseHeaders);
        outgoing.end(Buffer.from(await response.arrayBuffer()));
      } catch (error) {
        // Electron answers a throwing handler with a network error; the closest here is a 500.
        outgoing.writeHead(500).end(error instanceof Error ? error.message : 'handler failed');
      }
    });
    server.listen(0, '127.0.0.1');
    server.unref();
    const address = () => {
      const value = server.address();
      return typeof value === 'object' && value ? value.port : 0;
    };
    // listen(0) on loopback binds synchronously enough for address() after the 'listening' tick;
    // until then requests are queued by toLoopbackUrl's callers awaiting `schemeReady`.
    served.set(scheme, { port: 0, server });
    server.once('listening', () => served.set(scheme, { port: address(), server }));
  },

  unhandle(scheme: string): void {
    served.get(scheme)?.server.close();
    served.delete(scheme);
  },

  isProtocolHandled(scheme: string): boolean {
    return served.has(scheme);
  },
};

/** Waits until every handled scheme's server listens (a loadURL right after handle()). */
export async function schemesListening(): Promise<void> {
  for (const [scheme, entry] of served) {
    if (entry.port === 0) await new Promise<void>((done) => entry.server.once('listening', () => done()));
    if (served.get(scheme)?.port === 0) await new Promise((done) => setImmediate(done));
  }
}

/** `understudy://console/x` → `http://console.localhost:PORT/x` (unchanged when not a served scheme). */
export function toLoopbackUrl(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(.*)$/i.exec(url);
  if (!match) return url;
  const entry = served.get(match[1]!.toLowerCase());
  if (!entry) return url;
  return `http://${match[2]}.localhost:${entry.port}${match[3] || '/'}`;
}

/** The reverse of toLoopbackUrl, for every URL handed back to the app. */
export function toSchemeUrl(url: string): string {
  const match = /^http:\/\/([^/?#:]+)\.localhost:(\d+)(.*)$/i.exec(url);
  if (!match) return url;
  for (const [scheme, entry] of served) {
    if (String(entry.port) === match[2]) return `${scheme}://${match[1]}${match[3] || '/'}`;
  }
  return url;
}

export function privilegedScheme(scheme: string): CustomScheme | undefined {
  return privileged.get(scheme);
}
