/**
 * The dashboard: static files from apps/controller/public (plain HTML, CSS and
 * an ES module; no build step, no CDN, works offline) plus GET /api/ui-config,
 * which tells the page whether this is the local demo (chaos and drill buttons)
 * and whether the admin API is on.
 *
 * Everything is served under a strict Content-Security-Policy: only this
 * origin's scripts, styles and connections, no inline script or style, no
 * framing. The page builds its DOM with textContent, never innerHTML.
 */
import { fileURLToPath } from 'node:url';
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';

/** A chaos action the demo offers for one target (POST /demo/chaos { target, action }). */
export interface UiChaosTarget {
  readonly target: string;
  readonly cloud?: string;
  readonly actions: readonly string[];
}

/** A drill the demo can run (POST /demo/drill { scenario }). */
export interface UiDrill {
  readonly scenario: string;
  readonly label?: string;
  readonly description?: string;
}

export interface UiConfig {
  /** Local demo: show chaos and drill buttons. */
  readonly demo: boolean;
  readonly chaos?: readonly UiChaosTarget[];
  readonly drills?: readonly UiDrill[];
  /** The admin API has a token configured (otherwise the controls say how to turn it on). */
  readonly adminEnabled: boolean;
  /** Shown in the page title, e.g. the zone. */
  readonly title?: string;
  /** GET /client-impact has a feed (the local demo's traffic): the dashboard polls it. */
  readonly clientImpact?: boolean;
}

export interface DashboardOptions {
  readonly uiConfig: UiConfig | (() => UiConfig);
  /** Where the static files are; apps/controller/public by default. */
  readonly publicDir?: string;
  /** The listener uses TLS: add HSTS. */
  readonly tls?: boolean;
}

export const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

/** The dashboard's CSP: this origin only, nothing inline, no framing, no plugins. */
export const DASHBOARD_CSP = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'manifest-src': ["'self'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'object-src': ["'none'"],
} as const;

/** Security headers for every dashboard response (helmet, with the strict CSP above). */
export function dashboardHeaders(tls = false): RequestHandler {
  const secure = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: DASHBOARD_CSP },
    // On plain http (loopback) HSTS means nothing and would pin localhost to https in some browsers.
    strictTransportSecurity: tls,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
  return (req, res, next) => {
    res.setHeader('permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()');
    secure(req, res, next);
  };
}

/** Serve the dashboard at / and its configuration at /api/ui-config. */
export function mountDashboard(app: Express, options: DashboardOptions): void {
  const headers = dashboardHeaders(options.tls);
  const uiConfig = typeof options.uiConfig === 'function' ? options.uiConfig : () => options.uiConfig as UiConfig;
  app.get('/api/ui-config', headers, (_req, res) => {
    res.set('cache-control', 'no-store').json(uiConfig());
  });
  app.use(
    headers,
    express.static(options.publicDir ?? PUBLIC_DIR, {
      index: 'index.html',
      // Files change with the controller version, not while it runs: revalidate every time, cheaply.
      setHeaders: (res) => res.setHeader('cache-control', 'no-cache'),
    }),
  );
}
