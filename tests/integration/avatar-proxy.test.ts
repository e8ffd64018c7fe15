import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvatarProxy } from '../../src/main/clerk/avatar-proxy.ts';
import { consoleResponse } from '../../src/main/console/console-server.ts';

let server: Server;
let origin: string;
let hits = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    hits += 1;
    if (request.url === '/a.svg') return response.writeHead(200, { 'Content-Type': 'image/svg+xml' }).end('<svg xmlns="http://www.w3.org/2000/svg"/>');
    if (request.url === '/page.html') return response.writeHead(200, { 'Content-Type': 'text/html' }).end('<script>alert(1)</script>');
    if (request.url === '/huge.png') return response.writeHead(200, { 'Content-Type': 'image/png' }).end(Buffer.alloc(600 * 1024));
    if (request.url === '/redirect.png') return response.writeHead(302, { Location: 'http://127.0.0.1:1/x.png' }).end();
    response.writeHead(404).end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

describe('avatar proxy', () => {
  it('serves images it handed out, from the console origin, once fetched', async () => {
    const avatars = new AvatarProxy({ httpOrigins: [origin] });
    const path = avatars.path(`${origin}/a.svg`);
    expect(path).toMatch(/^\/avatars\/[A-Za-z0-9_-]{32}$/);
    const before = hits;
    const first = await consoleResponse('GET', path!, '/nonexistent', avatars);
    const second = await consoleResponse('GET', path!, '/nonexistent', avatars);
    expect(first.status).toBe(200);
    expect(first.headers['Content-Type']).toBe('image/svg+xml');
    expect(first.headers['Content-Security-Policy']).toContain("default-src 'none'");
    expect(second.body).toEqual(first.body);
    expect(hits - before).toBe(1);
  });

  it('fetches nothing the console names itself, and no plain-http origin it was not told about', async () => {
    const avatars = new AvatarProxy();
    expect(avatars.path(`${origin}/a.svg`)).toBeNull();
    expect(avatars.path('file:///etc/passwd')).toBeNull();
    expect(avatars.path('https://user:pw@img.example/a.png')).toBeNull();
    expect(avatars.path('https://img.clerk.com/abc')).toMatch(/^\/avatars\//);
    const before = hits;
    expect((await consoleResponse('GET', '/avatars/not-a-key-handed-out', '/nonexistent', avatars)).status).toBe(404);
    expect(hits).toBe(before);
  });

  it('refuses non-images, oversized bodies and redirects', async () => {
    const avatars = new AvatarProxy({ httpOrigins: [origin], maxBytes: 512 * 1024 });
    for (const name of ['page.html', 'huge.png', 'redirect.png', 'missing.png']) {
      const path = avatars.path(`${origin}/${name}`)!;
      expect((await consoleResponse('GET', path, '/nonexistent', avatars)).status, name).toBe(404);
    }
  });
});
