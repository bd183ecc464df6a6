import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN_ENV,
  AdminTokenError,
  CSRF_HEADER,
  UNAUTHORIZED_BODY,
  adminBodyErrors,
  createAdminAuth,
  isLoopback,
  loadAdminToken,
  requireLoopbackHost,
  sameSecret,
  warnIfExposed,
} from '../../apps/controller/auth.js';

const TOKEN = 'a3f1c9e07b2d4c5e8f90a1b2c3d4e5f6';

interface Running {
  base: string;
  server: Server;
  mutations: number;
}

/** An app shaped like the controller's: open reads, guarded writes, the CSRF endpoint. */
async function start(options: { token: string | undefined; limit: number }): Promise<Running> {
  const app = express();
  const running = { base: '', server: undefined as unknown as Server, mutations: 0 };
  const auth = createAdminAuth({ token: options.token, rateLimit: { windowMs: 60_000, limit: options.limit }, csrfToken: 'c'.repeat(64) });
  app.get('/status', (_req, res) => void res.json({ ok: true }));
  app.get('/api/csrf', ...auth.guard, auth.csrfHandler);
  app.post('/api/overrides/drain', ...auth.guard, (req, res) => {
    running.mutations += 1;
    res.json({ drained: (req.body as { cloud?: string }).cloud });
  });
  app.use(adminBodyErrors);
  running.server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  running.base = `http://127.0.0.1:${(running.server.address() as AddressInfo).port}`;
  return running;
}

const close = (r: Running) => new Promise<void>((resolve) => r.server.close(() => resolve()));

function drain(r: Running, headers: Record<string, string>, body: unknown = { cloud: 'aws' }) {
  return fetch(`${r.base}/api/overrides/drain`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** The parts of a response a client could learn anything from (volatile headers left out). */
async function observable(res: Response) {
  const headers = Object.fromEntries(
    [...res.headers.entries()].filter(([k]) => !['date', 'ratelimit', 'ratelimit-policy', 'etag', 'keep-alive', 'connection'].includes(k)),
  );
  return { status: res.status, headers, body: await res.text() };
}

describe('admin API authentication', () => {
  let app: Running;
  beforeAll(async () => {
    app = await start({ token: TOKEN, limit: 1000 });
  });
  afterAll(() => close(app));

  it('answers a missing, wrong, shorter, longer or malformed token with the very same 401', async () => {
    const attempts: Record<string, Record<string, string>> = {
      none: {},
      wrong: { authorization: `Bearer ${'b'.repeat(TOKEN.length)}` },
      oneCharOff: { authorization: `Bearer ${TOKEN.slice(0, -1)}0` },
      shorter: { authorization: `Bearer ${TOKEN.slice(0, 8)}` },
      longer: { authorization: `Bearer ${TOKEN}${TOKEN}` },
      prefix: { authorization: `Bearer ${TOKEN}x` },
      basic: { authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}` },
      empty: { authorization: 'Bearer ' },
      lowercase: { authorization: `bearer${TOKEN}` },
    };
    const seen = await Promise.all(Object.values(attempts).map(async (h) => observable(await drain(app, h))));
    const first = seen[0];
    expect(first?.status).toBe(401);
    expect(JSON.parse(first?.body ?? '')).toEqual(UNAUTHORIZED_BODY);
    expect(first?.headers['www-authenticate']).toBe('Bearer realm="failover-admin"');
    for (const s of seen) expect(s).toEqual(first);
    expect(app.mutations).toBe(0);
  });

  it('never lets a mutating request through without the token, whatever else it carries', async () => {
    const res = await drain(app, { [CSRF_HEADER]: 'c'.repeat(64), cookie: `token=${TOKEN}`, 'x-admin-token': TOKEN });
    expect(res.status).toBe(401);
    const csrf = await fetch(`${app.base}/api/csrf`);
    expect(csrf.status).toBe(401);
    expect(app.mutations).toBe(0);
  });

  it('lets the right token through (a CLI request needs no CSRF token)', async () => {
    const res = await drain(app, { authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ drained: 'aws' });
    expect(app.mutations).toBe(1);
    expect((await fetch(`${app.base}/status`)).status).toBe(200);
  });

  it('compares in constant time by construction: digests of equal length whatever the lengths given', () => {
    // timingSafeEqual throws on buffers of different lengths; comparing digests never does.
    expect(sameSecret('x', TOKEN)).toBe(false);
    expect(sameSecret(TOKEN.repeat(100), TOKEN)).toBe(false);
    expect(sameSecret('', TOKEN)).toBe(false);
    expect(sameSecret(TOKEN, TOKEN)).toBe(true);
  });

  it('needs the CSRF token and the same origin for browser requests', async () => {
    const sameOrigin = { authorization: `Bearer ${TOKEN}`, origin: app.base, 'sec-fetch-site': 'same-origin' };
    const missing = await drain(app, sameOrigin);
    expect(missing.status).toBe(403);
    expect(await missing.json()).toMatchObject({ error: 'forbidden', message: expect.stringContaining(CSRF_HEADER) });

    const wrong = await drain(app, { ...sameOrigin, [CSRF_HEADER]: 'd'.repeat(64) });
    expect(wrong.status).toBe(403);

    const got = await fetch(`${app.base}/api/csrf`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(got.status).toBe(200);
    expect(got.headers.get('cache-control')).toBe('no-store');
    const { csrfToken } = (await got.json()) as { csrfToken: string };
    const ok = await drain(app, { ...sameOrigin, [CSRF_HEADER]: csrfToken });
    expect(ok.status).toBe(200);

    const crossSite = await drain(app, {
      ...sameOrigin,
      origin: 'https://evil.example',
      'sec-fetch-site': 'cross-site',
      [CSRF_HEADER]: csrfToken,
    });
    expect(crossSite.status).toBe(403);
    expect(await crossSite.json()).toMatchObject({ error: 'forbidden', message: expect.stringContaining('cross-site') });
    // A cookie alone marks a browser request too.
    expect((await drain(app, { authorization: `Bearer ${TOKEN}`, cookie: 'a=b' })).status).toBe(403);
  });

  it('limits the body size and says so in JSON', async () => {
    const res = await drain(app, { authorization: `Bearer ${TOKEN}` }, { cloud: 'aws', note: 'x'.repeat(20_000) });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: 'payload-too-large' });
    const bad = await fetch(`${app.base}/api/overrides/drain`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: '{"cloud":',
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'bad-json' });
  });
});

describe('admin API rate limit', () => {
  // Failed authentications and authenticated requests are counted apart, per client address.
  const WRONG = 'Bearer wrong-token-guess-0000';
  const RIGHT = `Bearer ${TOKEN}`;

  async function expectLimited(res: Response, what: string) {
    expect(res.status).toBe(429);
    const body = (await res.json()) as { error: string; message: string; retryAfterSeconds: number };
    expect(body.error).toBe('rate-limited');
    expect(body.message).toMatch(new RegExp(`^too many ${what}: at most 5 per 60 s`));
    expect(body.retryAfterSeconds).toBeGreaterThan(0);
    expect(Number(res.headers.get('retry-after'))).toBe(body.retryAfterSeconds);
  }

  it('answers a flood of wrong tokens with 429, and the right token from the same address still gets through', async () => {
    const app = await start({ token: TOKEN, limit: 5 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i += 1) statuses.push((await drain(app, { authorization: WRONG })).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
      await expectLimited(await drain(app, { authorization: WRONG }), 'failed admin authentications');
      await expectLimited(await drain(app, {}), 'failed admin authentications');
      expect(app.mutations).toBe(0);
      // The failures used up their own budget only: the operator's token works, from the same address.
      const right = await drain(app, { authorization: RIGHT });
      expect(right.status).toBe(200);
      expect(app.mutations).toBe(1);
      // Reads are not admin routes.
      expect((await fetch(`${app.base}/status`)).status).toBe(200);
    } finally {
      await close(app);
    }
  });

  it('still limits authenticated requests, on their own counter; failures interleaved do not count against it', async () => {
    const app = await start({ token: TOKEN, limit: 5 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 12; i += 1) statuses.push((await drain(app, { authorization: i % 2 === 0 ? RIGHT : WRONG })).status);
      // Six of each: the sixth of each kind is the first over its limit of 5.
      expect(statuses).toEqual([200, 401, 200, 401, 200, 401, 200, 401, 200, 401, 429, 429]);
      expect(app.mutations).toBe(5);
      await expectLimited(await drain(app, { authorization: RIGHT }), 'admin requests');
      await expectLimited(await drain(app, { authorization: WRONG }), 'failed admin authentications');
      expect(app.mutations).toBe(5);
    } finally {
      await close(app);
    }
  });
});

describe('admin API without a token configured', () => {
  let app: Running;
  beforeAll(async () => {
    app = await start({ token: undefined, limit: 100 });
  });
  afterAll(() => close(app));

  it('is off: 503 with what to set, never open', async () => {
    const res = await drain(app, { authorization: 'Bearer anything-at-all-000000' });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: 'admin-disabled', message: expect.stringContaining(ADMIN_TOKEN_ENV) });
    expect(app.mutations).toBe(0);
  });
});

describe('admin token sources', () => {
  const dir = mkdtempSync(join(tmpdir(), 'admin-token-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes the environment first, then the file (trimmed), and undefined when neither is set', () => {
    const file = join(dir, 'token');
    writeFileSync(file, `${TOKEN}\n`);
    chmodSync(file, 0o600);
    expect(loadAdminToken({ env: { [ADMIN_TOKEN_ENV]: 'e'.repeat(32) }, tokenFile: file })).toBe('e'.repeat(32));
    expect(loadAdminToken({ env: {}, tokenFile: file })).toBe(TOKEN);
    expect(loadAdminToken({ env: {} })).toBeUndefined();
  });

  it('warns about a token file other users can read', () => {
    const file = join(dir, 'open-token');
    writeFileSync(file, TOKEN);
    chmodSync(file, 0o644);
    const warnings: string[] = [];
    loadAdminToken({ env: {}, tokenFile: file, logger: { warn: (_o: unknown, msg?: string) => void warnings.push(msg ?? '') } as never });
    expect(warnings).toEqual([expect.stringContaining('chmod 600')]);
  });

  it('refuses short, spaced or unreadable tokens with what to do', () => {
    expect(() => loadAdminToken({ env: { [ADMIN_TOKEN_ENV]: 'short' } })).toThrow(AdminTokenError);
    expect(() => loadAdminToken({ env: { [ADMIN_TOKEN_ENV]: 'short' } })).toThrow(/at least 16/);
    expect(() => loadAdminToken({ env: { [ADMIN_TOKEN_ENV]: 'has a space in the middle of it' } })).toThrow(
      /characters a bearer token cannot carry/,
    );
    expect(() => loadAdminToken({ env: {}, tokenFile: join(dir, 'missing') })).toThrow(
      /cannot read the admin token file .*missing.*ENOENT/,
    );
  });
});

describe('exposure', () => {
  it('warns loudly when bound beyond loopback without TLS, and only then', () => {
    const warnings: string[] = [];
    const logger = { warn: (_o: unknown, msg?: string) => void warnings.push(msg ?? '') } as never;
    expect(warnIfExposed('127.0.0.1', false, logger)).toBe(false);
    expect(warnIfExposed('::1', false, logger)).toBe(false);
    expect(warnIfExposed('localhost', false, logger)).toBe(false);
    expect(warnIfExposed('0.0.0.0', true, logger)).toBe(false);
    expect(warnings).toEqual([]);
    expect(warnIfExposed('0.0.0.0', false, logger)).toBe(true);
    expect(warnIfExposed('10.1.2.3', false, logger)).toBe(true);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^SECURITY WARNING: .*0\.0\.0\.0 without TLS/);
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1', 'localhost'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '::', '192.0.2.1', 'example.com', '128.0.0.1'].some(isLoopback)).toBe(false);
  });

  it('refuses foreign Host names on a loopback listener (DNS rebinding)', async () => {
    const app = express();
    app.use(requireLoopbackHost());
    app.get('/status', (_req, res) => void res.json({ ok: true }));
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const { port } = server.address() as AddressInfo;
    try {
      const { request } = await import('node:http');
      const get = (host: string) =>
        new Promise<number>((resolve, reject) => {
          request({ host: '127.0.0.1', port, path: '/status', headers: { host } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          })
            .on('error', reject)
            .end();
        });
      expect(await get(`127.0.0.1:${port}`)).toBe(200);
      expect(await get(`localhost:${port}`)).toBe(200);
      expect(await get(`evil.example:${port}`)).toBe(421);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
