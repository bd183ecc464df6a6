// The failover dashboard: plain ES module, no framework, no build step, no
// requests beyond this origin. Data: GET /status (what DNS serves is asked over
// DNS by the controller at request time), live events over SSE from
// /events/stream, admin actions with the bearer token and a CSRF token.
// The DOM is built with textContent only: nothing from the server is parsed as HTML.

const CLOUDS = [
  { id: 'aws', name: 'AWS' },
  { id: 'azure', name: 'Azure' },
  { id: 'gcp', name: 'Google Cloud' },
];
const PROVIDERS = { route53: 'Route 53', azure: 'Azure DNS', clouddns: 'Cloud DNS' };
/** The cloud each DNS provider belongs to: a provider's outage is its cloud's. */
const PROVIDER_CLOUD = { route53: 'aws', azure: 'azure', clouddns: 'gcp' };
const EVENT_KINDS = [
  'verdict',
  'probe-state',
  'decision',
  'write',
  'provider-write',
  'verify',
  'conflict',
  'fail-open',
  'drift',
  'override',
  'provider-sync',
];
// Each provider's acknowledgement is also in the publish's `write` event: hidden until someone ticks it.
const HIDDEN_BY_DEFAULT = ['provider-write'];
const MAX_EVENTS = 400;
const STATUS_REFRESH_MS = 2000;
const IMPACT_REFRESH_MS = 1000;
const STATUS_THROTTLE_MS = 250;
const storage = window.sessionStorage;
const prefs = window.localStorage;

function readJson(text, fallback) {
  try {
    return text === null ? fallback : JSON.parse(text);
  } catch {
    return fallback;
  }
}

const state = {
  status: undefined,
  ui: { demo: false, adminEnabled: false, chaos: [], drills: [] },
  events: new Map(),
  bootId: undefined,
  hidden: new Set(readJson(prefs.getItem('failover.hiddenKinds'), HIDDEN_BY_DEFAULT)),
  token: storage.getItem('failover.adminToken') ?? '',
  csrf: undefined,
  adminError: '',
  impact: undefined,
};

// ---- tiny DOM helpers ------------------------------------------------------

/** h('td.num', { title }, child...) — tag with optional classes; strings become text nodes. */
function h(spec, attrs, ...children) {
  const [tag, ...classes] = spec.split('.');
  const el = document.createElement(tag || 'div');
  if (classes.length) el.className = classes.join(' ');
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k === 'on') for (const [type, fn] of Object.entries(v)) el.addEventListener(type, fn);
      else if (k === 'text') el.textContent = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(c instanceof window.Node ? c : String(c));
  return el;
}
const $ = (id) => document.getElementById(id);
const chip = (text, tone = '', title) => h(`span.chip${tone ? `.${tone}` : ''}`, { title }, text);

// ---- formatting ------------------------------------------------------------

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
function timeOf(ms) {
  if (ms === null || ms === undefined) return '–';
  const d = new Date(ms);
  return `${clock.format(d)}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}
function ago(ms) {
  if (ms === null || ms === undefined) return 'never';
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  return `${Math.floor(s / 3600)} h ago`;
}
function duration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '–';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
const list = (addrs) => (addrs && addrs.length ? addrs.join(', ') : '∅');
const sameSet = (a = [], b = []) => a.length === b.length && [...a].sort().join() === [...b].sort().join();
const cloudName = (id) => CLOUDS.find((c) => c.id === id)?.name ?? id;
const providerName = (id) => PROVIDERS[id] ?? id;

const VERDICT_TEXT = { up: '▲ UP', down: '▼ DOWN', unknown: '? UNKNOWN' };
const STATE_MARK = { up: '● up', suspect: '◐ suspect', down: '○ down', unknown: '· unknown', missing: '· missing' };
const BREAKER_MARK = { closed: 'closed', open: 'OPEN', halfOpen: 'half-open', disabled: '–' };

// ---- header ----------------------------------------------------------------

function renderHeader(s) {
  $('zone').textContent = s.zone;
  $('owner').textContent = s.owner;
  $('generation').textContent = String(s.generation);
  $('phase').textContent = s.phase;
  document.title = `${s.zone} · failover`;
  const failOpen = s.services.filter((x) => x.decision?.failOpen);
  const banner = $('banner');
  if (failOpen.length) {
    banner.hidden = false;
    banner.className = 'banner';
    banner.textContent = `FAIL-OPEN: no usable target for ${failOpen.map((x) => x.name).join(', ')}; the last answer is kept.`;
  } else if (s.phase !== 'running') {
    banner.hidden = false;
    banner.className = 'banner warn';
    banner.textContent = `The controller is ${s.phase}.`;
  } else banner.hidden = true;
}

// ---- cloud cards -----------------------------------------------------------

/** Chips for the faults injected into a cloud's service or a DNS provider (local demo). */
function faultChips(kind, target) {
  return (state.impact?.faults ?? [])
    .filter((f) => f.kind === kind && f.target === target)
    .map((f) => h('span.chip.bad.fault', { title: 'injected by chaos (local demo)', dataset: { fault: f.fault } }, `fault: ${f.fault}`));
}

function servingTargets(s) {
  const serving = new Set();
  for (const svc of s.services) for (const a of svc.published?.addresses ?? []) serving.add(a);
  return serving;
}

function vantageTable(t) {
  return h(
    'table',
    null,
    h('caption.visually-hidden', null, `${t.id} seen from each vantage point`),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { scope: 'col' }, 'vantage'),
        h('th', { scope: 'col' }, 'state'),
        h('th', { scope: 'col' }, 'breaker'),
        h('th.num', { scope: 'col' }, 'latency'),
        h('th.num', { scope: 'col', title: 'consecutive successes / failures (rise / fall counters)' }, 'ok / fail'),
        h('th', { scope: 'col' }, 'last probe'),
      ),
    ),
    h(
      'tbody',
      null,
      t.vantages.map((v) =>
        h(
          'tr',
          { dataset: { vantage: v.id } },
          h('td.mono', null, v.id, v.partitioned ? chip('partitioned', 'warn', 'this vantage point cannot reach anything') : null),
          h('td.state', { dataset: { s: v.state } }, STATE_MARK[v.state] ?? v.state),
          h('td.state', { dataset: { s: v.breaker } }, BREAKER_MARK[v.breaker] ?? v.breaker),
          h('td.num', null, v.lastLatencyMs === null ? '–' : duration(v.lastLatencyMs)),
          h('td.num', null, `${v.consecutiveSuccesses} / ${v.consecutiveFailures}`),
          h(
            'td.last',
            { title: v.lastError ?? undefined },
            v.lastError ? h('span.err', null, v.lastError) : h('span.hint', null, timeOf(v.lastProbeAt)),
          ),
        ),
      ),
    ),
  );
}

function renderClouds(s) {
  const serving = servingTargets(s);
  const drained = new Set(s.overrides?.drainedClouds ?? []);
  const cards = CLOUDS.map((cloud) => {
    const targets = s.targets.filter((t) => t.cloud === cloud.id);
    const worst = targets.some((t) => t.verdict === 'down')
      ? 'down'
      : targets.some((t) => t.verdict === 'unknown')
        ? 'unknown'
        : targets.length
          ? 'up'
          : 'unknown';
    return h(
      'article.card',
      { dataset: { cloud: cloud.id, verdict: worst }, 'aria-label': `${cloud.name}: ${worst}` },
      h(
        'div.card-head',
        null,
        h(
          'div',
          null,
          h('div.cloud-name', null, cloud.name),
          h('div.cloud-sub', null, targets.length ? `${targets.length} target${targets.length > 1 ? 's' : ''}` : 'no target configured'),
        ),
        drained.has(cloud.id) ? chip('drained', 'warn', 'an operator drained this cloud') : null,
        faultChips('cloud', cloud.id),
      ),
      targets.map((t) =>
        h(
          'section.target',
          { dataset: { target: t.id } },
          h(
            'div.target-line',
            null,
            h('span.verdict', { dataset: { v: t.verdict }, role: 'status' }, VERDICT_TEXT[t.verdict] ?? t.verdict),
            h('span.addr', null, t.address),
            serving.has(t.address)
              ? chip('in the answer', 'info', 'DNS currently publishes this address')
              : chip('standby', '', 'not in any published answer'),
          ),
          h('p.reason-line', null, `${t.id} · ${t.reason} · since ${timeOf(t.verdictSince)}`),
          vantageTable(t),
        ),
      ),
    );
  });
  $('cloud-cards').replaceChildren(...cards);
}

// ---- answers per provider --------------------------------------------------

/** Targets that are down by quorum among `addresses`. */
function deadTargets(addresses, service) {
  return addresses.map((a) => targetOf(a, service)).filter((t) => t !== undefined && t.verdict === 'down');
}

function servingCell(p, expected, service, provider) {
  if (!p || p.serving === null) return h('td', null, h('span.hint', null, 'no nameserver configured'));
  if (!p.serving.ok) return h('td', null, h('span.err', null, `no answer: ${p.serving.error}`));
  const ok = expected !== undefined && sameSet(p.serving.addresses, expected);
  const dead = deadTargets(p.serving.addresses, service);
  return h(
    'td',
    null,
    h(
      'span.addr-list',
      null,
      p.serving.addresses.length
        ? p.serving.addresses.map((a) => h('span.addr', null, a))
        : h('span.err', null, `empty (${p.serving.rcode})`),
    ),
    ' ',
    expected === undefined
      ? null
      : h(
          `span.match.${ok ? 'ok' : 'bad'}`,
          { title: ok ? 'matches the published answer' : 'differs from the published answer' },
          ok ? '✓ matches' : '✗ differs',
        ),
    dead.length
      ? h(
          'p.dead-target',
          { role: 'alert' },
          `${providerName(provider)} sends resolvers to ${dead.map((t) => `${cloudName(t.cloud)} (${t.address})`).join(', ')}, which ${dead.length > 1 ? 'are' : 'is'} down: clients whose resolver asks it fail until it serves the published answer.`,
        )
      : null,
  );
}

function renderServices(s) {
  const providerSync = new Map((s.providers ?? []).map((p) => [p.provider, p]));
  const blocks = s.services.map((svc) => {
    const expected = svc.published?.addresses;
    const d = svc.decision;
    const flags = [
      d
        ? chip(
            d.kind,
            d.kind === 'change' ? 'info' : d.kind === 'fail-open' ? 'bad' : d.kind === 'hold' || d.kind === 'paused' ? 'warn' : '',
            d.reason,
          )
        : null,
      svc.overrides.paused ? chip('paused', 'warn') : null,
      svc.overrides.pinnedTargetId ? chip(`pinned to ${svc.overrides.pinnedTargetId}`, 'warn') : null,
      svc.pending
        ? chip(`pending gen ${svc.pending.generation}`, 'warn', `handed to the reconciler: ${list(svc.pending.addresses)}`)
        : null,
    ];
    const rows = Object.entries(svc.providers).map(([id, p]) => {
      const global = providerSync.get(id);
      return h(
        'tr',
        { dataset: { provider: id } },
        h('th', { scope: 'row' }, providerName(id), faultChips('provider', id)),
        servingCell(p, expected, svc.name, id),
        h(
          'td',
          null,
          h('span.state', { dataset: { s: p.sync } }, p.sync),
          h('div.hint', { title: p.reason }, p.reason),
          global?.nextRetryAt ? h('div.hint', null, `retry at ${timeOf(global.nextRetryAt)}`) : null,
        ),
        h('td', null, ago(p.lastWriteAt)),
      );
    });
    return h(
      'div.service',
      { dataset: { service: svc.name } },
      h(
        'div.service-head',
        null,
        h('span.service-name', null, svc.name),
        h('span.hint', null, `${svc.type} · ${svc.policy}`),
        h(
          'span',
          null,
          'published ',
          h('span.addr', null, list(expected)),
          svc.published ? h('span.hint', null, ` gen ${svc.published.generation}`) : null,
        ),
        ...flags,
      ),
      h(
        'table',
        null,
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            h('th', { scope: 'col' }, 'provider'),
            h('th', { scope: 'col' }, 'serving now (DNS)'),
            h('th', { scope: 'col' }, 'sync'),
            h('th', { scope: 'col' }, 'last write'),
          ),
        ),
        h('tbody', null, rows),
      ),
    );
  });
  $('services').replaceChildren(...(blocks.length ? blocks : [h('p.empty', null, 'No services configured.')]));
}

// ---- answer changes and the last failover ----------------------------------

/** What moves an answer, in words; only `failover` is one. */
const MOVE_TEXT = {
  failover: 'failover',
  drain: 'drain',
  undrain: 'undrain',
  pin: 'pin',
  unpin: 'unpin',
  resume: 'resume',
  'fail-back': 'fail-back',
  recovery: 'recovery',
  change: 'change',
};
const MOVE_TONE = { failover: 'bad', 'fail-back': 'ok', recovery: 'ok', change: '' };

/** The status target that serves `address` for `service` (targets of several services share addresses). */
function targetOf(address, service) {
  const targets = state.status?.targets ?? [];
  return targets.find((t) => t.address === address && t.services.includes(service)) ?? targets.find((t) => t.address === address);
}

/** The last verdict event of `targetId` before event id `beforeId`. */
function verdictBefore(events, targetId, beforeId) {
  return events.filter((e) => e.type === 'verdict' && e.targetId === targetId && e.id < beforeId).at(-1);
}

/**
 * Every publish that moved a service's answer, oldest first, labelled by what
 * moved it: a target that was down by quorum when the decision was taken
 * (failover), an operator's override since the previous publish (drain, pin,
 * ...), a target that came back (fail-back when it displaced another,
 * recovery when it was added). A drain is never a failover, however long
 * ago the last "down" verdict was.
 */
function answerMoves(events) {
  const moves = [];
  const lastWriteOf = new Map();
  for (const w of events) {
    if (w.type !== 'write') continue;
    const prev = lastWriteOf.get(w.service);
    if (w.status === 'in-sync' || w.status === 'partial') lastWriteOf.set(w.service, w);
    if (w.before.length === 0 || sameSet(w.before, w.after) || (w.status !== 'in-sync' && w.status !== 'partial')) continue;
    const decision = events.filter((e) => e.type === 'decision' && e.service === w.service && e.id < w.id).at(-1);
    const decidedAt = decision?.id ?? w.id;
    const removed = w.before.filter((a) => !w.after.includes(a));
    const added = w.after.filter((a) => !w.before.includes(a));
    const down = removed
      .map((a) => targetOf(a, w.service))
      .filter((t) => t !== undefined && verdictBefore(events, t.id, decidedAt)?.after === 'down');
    const override = events
      .filter(
        (e) =>
          e.type === 'override' &&
          e.id > (prev?.id ?? 0) &&
          e.id < decidedAt &&
          (e.service === undefined || e.service === w.service) &&
          e.action !== 'pause',
      )
      .at(-1);
    const cameBack = added.some((a) => {
      const t = targetOf(a, w.service);
      const v = t && verdictBefore(events, t.id, decidedAt);
      return v !== undefined && v.after === 'up' && v.id > (prev?.id ?? 0);
    });
    const kind =
      down.length > 0 ? 'failover' : override ? override.action : cameBack ? (removed.length > 0 ? 'fail-back' : 'recovery') : 'change';
    moves.push({ kind, write: w, decision, override, downTargets: down, removed, added });
  }
  return moves;
}

/** The figures of one failover: detection, decision, publish and served over DNS per provider. */
function failoverFigures(events, move) {
  const { write, decision } = move;
  const target = move.downTargets[0];
  const verdict = verdictBefore(events, target.id, decision?.id ?? write.id);
  const lastUp = events.filter((e) => e.type === 'verdict' && e.targetId === target.id && e.after === 'up' && e.id < verdict.id).at(-1);
  const firstFailure = events.find(
    (e) => e.type === 'probe-state' && e.targetId === target.id && e.before === 'up' && e.id > (lastUp?.id ?? 0) && e.id < verdict.id,
  );
  const verify = events.find((e) => e.type === 'verify' && e.service === write.service && e.generation === write.generation);
  const publish = write.providers.map((p) => p.latencyMs).filter((x) => x !== undefined);
  const served = verify ? verify.providers.map((p) => (p.ok ? p.afterDecisionMs : undefined)) : [];
  const allServed = verify?.allOk && served.every((x) => x !== undefined) ? Math.max(...served) : undefined;
  return {
    target,
    verdict,
    firstFailure,
    verify,
    detectMs: firstFailure ? verdict.at - firstFailure.at : undefined,
    decideMs: decision ? decision.at - verdict.at : undefined,
    publishMs: publish.length ? Math.max(...publish) : undefined,
    rtoMs: firstFailure && decision && allServed !== undefined ? decision.at - firstFailure.at + allServed : undefined,
  };
}

function figure(label, value, note, extra = '') {
  return h(`div.figure${extra}`, null, h('div.label', null, label), h('div.value', null, value), note ? h('div.note', null, note) : null);
}

function moveWords(m) {
  const from = m.removed.map((a) => `${a} (${cloudName(targetOf(a, m.write.service)?.cloud)})`).join(', ');
  const to = m.added.map((a) => `${a} (${cloudName(targetOf(a, m.write.service)?.cloud)})`).join(', ');
  const by = m.override ? ` by ${m.override.operator}${m.override.reason ? `: ${m.override.reason}` : ''}` : '';
  if (!from) return `adds ${to}${by}`;
  if (!to) return `removes ${from}${by}`;
  return `${from} → ${to}${by}`;
}

function renderMoves(moves) {
  const recent = moves.slice(-5).reverse();
  $('answer-moves').replaceChildren(
    ...(recent.length
      ? [
          h('h3', null, 'Answer changes'),
          h(
            'ol.moves',
            null,
            recent.map((m) =>
              h(
                'li',
                { dataset: { move: m.kind, generation: String(m.write.generation) } },
                h('time', { datetime: m.write.time }, timeOf(m.write.at)),
                chip(
                  MOVE_TEXT[m.kind] ?? m.kind,
                  MOVE_TONE[m.kind] ?? 'warn',
                  m.kind === 'failover' ? 'a target was down' : 'not a failover',
                ),
                h('span.mono', null, moveWords(m)),
              ),
            ),
          ),
        ]
      : []),
  );
}

function renderFailover() {
  const events = [...state.events.values()].sort((a, b) => a.id - b.id);
  const moves = answerMoves(events);
  renderMoves(moves);
  const move = moves.filter((m) => m.kind === 'failover').at(-1);
  const latest = moves.at(-1);
  if (!move) {
    const since = latest
      ? `The answer last changed by ${MOVE_TEXT[latest.kind] ?? latest.kind} at ${timeOf(latest.write.at)}: not a failover (no target was down).`
      : 'The answer has not moved since the controller started.';
    $('failover').replaceChildren(h('p.empty', null, `No failover yet. ${since}`));
    delete $('failover').dataset.generation;
    $('failover-when').textContent = '';
    return;
  }
  const f = failoverFigures(events, move);
  const { write, decision } = move;
  const after =
    moves.indexOf(move) < moves.length - 1 ? ` · since then: ${MOVE_TEXT[latest.kind] ?? latest.kind} at ${timeOf(latest.write.at)}` : '';
  $('failover-when').textContent = `${write.service} at ${timeOf(write.at)} · gen ${write.generation}${after}`;
  $('failover').dataset.generation = String(write.generation);
  $('failover').replaceChildren(
    figure('detect', duration(f.detectMs), `${cloudName(f.target.cloud)} (${f.target.id}): first failed probe → down by quorum`),
    figure('publish (slowest)', duration(f.publishMs), 'decision → write acknowledged'),
    figure(
      'RTO (DNS)',
      duration(f.rtoMs),
      f.verify
        ? f.verify.allOk
          ? 'first failed probe → every nameserver answers'
          : 'not every nameserver answers yet'
        : 'waiting for DNS verification',
    ),
    h(
      'p.failover-story.wide',
      null,
      `${cloudName(f.target.cloud)} down ${timeOf(f.verdict.at)} (first failed probe ${timeOf(f.firstFailure?.at)}) → decision ${timeOf(decision?.at)}` +
        ` (${duration(f.decideMs)} later) → [${list(write.before)}] → [${list(write.after)}]. Clients: see “Client impact”.`,
    ),
    h(
      'div.figure.wide',
      null,
      h('div.label', null, 'per provider'),
      h(
        'table.per-provider',
        null,
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            h('th', { scope: 'col' }, 'provider'),
            h('th', { scope: 'col' }, 'write'),
            h('th', { scope: 'col', title: 'decision → write acknowledged' }, 'publish'),
            h('th', { scope: 'col', title: 'decision → the nameserver answers the new address' }, 'served over DNS'),
          ),
        ),
        h(
          'tbody',
          null,
          write.providers.map((p) => {
            const v = f.verify?.providers.find((x) => x.provider === p.provider);
            return h(
              'tr',
              { dataset: { provider: p.provider } },
              h('th', { scope: 'row' }, `${providerName(p.provider)} (${cloudName(PROVIDER_CLOUD[p.provider])})`),
              h('td', null, h('span.state', { dataset: { s: p.result === 'ok' ? 'in-sync' : 'out-of-sync' } }, p.result)),
              h('td', null, duration(p.latencyMs)),
              h('td', null, v ? (v.ok ? duration(v.afterDecisionMs) : h('span.err', { title: v.error }, `✗ ${list(v.addresses)}`)) : '–'),
            );
          }),
        ),
      ),
    ),
  );
}

// ---- client impact ---------------------------------------------------------

const SVG_NS = 'http://www.w3.org/2000/svg';
/** SVG element with attributes; presentation attributes only (the CSP forbids inline styles). */
function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs ?? {})) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  for (const c of children.flat()) if (c !== undefined && c !== null) el.append(c instanceof window.Node ? c : String(c));
  return el;
}
const IMPACT_WINDOW_S = 120;
const CHART = { w: 1000, h: 170, left: 34, right: 8, top: 16, bottom: 18 };

function niceMax(n) {
  for (const step of [5, 10, 20, 25, 50, 100, 200, 250, 500, 1000]) if (n <= step) return step;
  return Math.ceil(n / 1000) * 1000;
}

function impactChart(impact, moves) {
  const bucketMs = impact.bucketMs;
  const last = impact.buckets.at(-1)?.at ?? Date.now();
  const end = Math.max(last + bucketMs, Math.floor(Date.now() / bucketMs) * bucketMs);
  const start = end - IMPACT_WINDOW_S * bucketMs;
  const shown = impact.buckets.filter((b) => b.at >= start);
  const total = (b) => Object.values(b.ok).reduce((a, n) => a + n, 0) + b.errors;
  const yMax = niceMax(Math.max(1, ...shown.map(total)) * (1000 / bucketMs));
  const plotW = CHART.w - CHART.left - CHART.right;
  const plotH = CHART.h - CHART.top - CHART.bottom;
  const x = (t) => CHART.left + ((t - start) / (end - start)) * plotW;
  const y = (perS) => CHART.top + plotH - (perS / yMax) * plotH;
  const barW = Math.max(1, plotW / IMPACT_WINDOW_S - 1);
  const perS = 1000 / bucketMs;

  const grid = [0, yMax / 2, yMax].map((v) =>
    svg(
      'g',
      null,
      svg('line', { class: 'grid', x1: CHART.left, x2: CHART.w - CHART.right, y1: y(v), y2: y(v) }),
      svg('text', { class: 'axis', x: CHART.left - 4, y: y(v) + 4, 'text-anchor': 'end' }, String(v)),
    ),
  );
  const ticks = [];
  for (let s = 0; s <= IMPACT_WINDOW_S; s += 30) {
    const t = start + s * bucketMs;
    ticks.push(
      svg(
        'text',
        { class: 'axis', x: x(t), y: CHART.h - 4, 'text-anchor': s === 0 ? 'start' : s === IMPACT_WINDOW_S ? 'end' : 'middle' },
        timeOf(t).slice(0, 8),
      ),
    );
  }
  // Seconds with an injected fault: a band along the top, titled with the faults.
  const bands = [];
  for (const b of shown) {
    if (!b.faults.length) continue;
    bands.push(
      svg(
        'rect',
        { class: 'fault-band', x: x(b.at), y: 2, width: Math.max(1, x(b.at + bucketMs) - x(b.at)), height: 8, 'data-at': b.at },
        svg('title', null, `fault: ${b.faults.join('; ')}`),
      ),
    );
  }
  const bars = shown.map((b) => {
    let acc = 0;
    const parts = [];
    for (const cloud of CLOUDS.map((c) => c.id).concat(Object.keys(b.ok).filter((k) => !CLOUDS.some((c) => c.id === k)))) {
      const n = b.ok[cloud] ?? 0;
      if (!n) continue;
      parts.push(
        svg('rect', {
          class: `bar ok-${cloud}`,
          x: x(b.at),
          y: y((acc + n) * perS),
          width: barW,
          height: y(acc * perS) - y((acc + n) * perS),
          'data-at': b.at,
          'data-cloud': cloud,
          'data-n': n,
        }),
      );
      acc += n;
    }
    if (b.errors) {
      const kinds = Object.entries(b.errorsByKind)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');
      parts.push(
        svg(
          'rect',
          {
            class: 'bar err',
            x: x(b.at),
            y: y((acc + b.errors) * perS),
            width: barW,
            height: y(acc * perS) - y((acc + b.errors) * perS),
            'data-at': b.at,
            'data-n': b.errors,
          },
          svg('title', null, `${timeOf(b.at).slice(0, 8)}: ${b.errors} error${b.errors > 1 ? 's' : ''} (${kinds})`),
        ),
      );
    }
    return svg('g', null, parts);
  });
  // Labels of close markers go on three staggered rows so they do not overlap.
  const markers = moves
    .filter((m) => m.write.at >= start && m.write.at <= end)
    .map((m, i) =>
      svg(
        'g',
        { class: `marker marker-${m.kind}`, 'data-move': m.kind, 'data-at': m.write.at },
        svg('line', { x1: x(m.write.at), x2: x(m.write.at), y1: CHART.top - 4, y2: CHART.top + plotH }),
        svg('text', { x: x(m.write.at) + 3, y: CHART.top + 6 + (i % 3) * 12 }, MOVE_TEXT[m.kind] ?? m.kind),
        svg('title', null, `${MOVE_TEXT[m.kind] ?? m.kind} at ${timeOf(m.write.at)}: ${moveWords(m)}`),
      ),
    );
  return svg(
    'svg',
    {
      viewBox: `0 0 ${CHART.w} ${CHART.h}`,
      role: 'img',
      'aria-label': `requests per second per cloud and errors, last ${IMPACT_WINDOW_S} s`,
      class: 'impact-chart',
    },
    grid,
    ticks,
    bands,
    bars,
    markers,
  );
}

function impactSummary(impact) {
  const since = Date.now() - 10_000;
  const recent = impact.buckets.filter((b) => b.at >= since - impact.bucketMs);
  const seconds = Math.max(1, recent.length);
  const perCloud = CLOUDS.map((c) => `${c.name} ${(recent.reduce((n, b) => n + (b.ok[c.id] ?? 0), 0) / seconds).toFixed(1)}/s`).join(' · ');
  const window = impact.buckets.filter((b) => b.at >= Date.now() - IMPACT_WINDOW_S * impact.bucketMs);
  const errors = window.reduce((n, b) => n + b.errors, 0);
  const kinds = {};
  for (const b of window) for (const [k, n] of Object.entries(b.errorsByKind)) kinds[k] = (kinds[k] ?? 0) + n;
  const byKind = Object.entries(kinds)
    .sort(([, a], [, b]) => b - a)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  return [
    h('span', null, `answered, last 10 s: ${perCloud}`),
    h(
      `span.${errors ? 'err' : 'hint'}`,
      { id: 'impact-errors', dataset: { errors: String(errors) } },
      `errors, last ${IMPACT_WINDOW_S} s: ${errors}${byKind ? ` (${byKind})` : ''}`,
    ),
  ];
}

function renderImpact() {
  const impact = state.impact;
  const el = $('impact');
  if (!impact) return;
  if (impact.source === null) {
    $('impact-source').textContent = '';
    el.replaceChildren(
      h(
        'p.empty',
        null,
        'No client feed: this controller sees probes and DNS, not your clients. In the local demo the traffic generator feeds this panel (GET /client-impact).',
      ),
    );
    return;
  }
  $('impact-source').textContent = `fed by ${impact.source}`;
  const moves = answerMoves([...state.events.values()].sort((a, b) => a.id - b.id));
  const legend = h(
    'div.legend',
    null,
    CLOUDS.map((c) => h('span', null, h(`i.swatch.ok-${c.id}`), c.name)),
    h('span', null, h('i.swatch.err'), 'errors'),
    h('span', null, h('i.swatch.fault-band'), 'fault injected'),
    h('span', null, h('i.swatch.marker'), 'answer change (failover, drain, …)'),
  );
  el.replaceChildren(h('div.impact-facts', null, impactSummary(impact)), impactChart(impact, moves), legend);
}

let impactKey = '';
async function refreshImpact() {
  if (!state.ui.clientImpact) {
    state.impact = { source: null, bucketMs: 1000, buckets: [], faults: [] };
    renderImpact();
    return;
  }
  try {
    const res = await fetch('/client-impact', { headers: { accept: 'application/json' } });
    if (!res.ok) return;
    state.impact = await res.json();
    renderImpact();
    // Injected faults show on the cloud cards and provider rows too.
    const key = JSON.stringify(state.impact.faults);
    if (key !== impactKey) {
      impactKey = key;
      if (state.status) render();
    }
  } catch {
    /* the next refresh tries again; /status reports the controller being away */
  }
}

// ---- event timeline --------------------------------------------------------

const KIND_TONE = {
  conflict: 'bad',
  'fail-open': 'bad',
  drift: 'warn',
  override: 'warn',
  write: 'info',
  'provider-write': 'ok',
  decision: 'info',
};
function toneOf(e) {
  if (e.type === 'verdict' || e.type === 'probe-state') return e.after === 'down' ? 'bad' : e.after === 'up' ? 'ok' : 'warn';
  if (e.type === 'verify') return e.allOk ? 'ok' : 'bad';
  if (e.type === 'provider-sync') return e.after === 'in-sync' ? 'ok' : 'bad';
  if (e.type === 'write') return e.status === 'in-sync' ? 'ok' : e.status === 'partial' ? 'warn' : 'bad';
  if (e.type === 'fail-open') return e.active ? 'bad' : 'ok';
  return KIND_TONE[e.type] ?? '';
}

function eventMeta(e) {
  switch (e.type) {
    case 'write':
      return [
        chip(`gen ${e.generation}`),
        chip(e.status, toneOf(e)),
        ...e.providers.map((p) =>
          chip(
            `${providerName(p.provider)} ${p.result}${p.latencyMs !== undefined ? ` ${duration(p.latencyMs)}` : ''}`,
            p.result === 'ok' ? 'ok' : p.result === 'held' ? '' : 'bad',
            p.detail,
          ),
        ),
      ];
    case 'provider-write':
      return [
        chip(`gen ${e.generation}`),
        chip(providerName(e.provider), 'ok'),
        chip(`${e.changes.length} change${e.changes.length === 1 ? '' : 's'} · ${duration(e.latencyMs)}`),
        ...e.services.map((name) => chip(name)),
      ];
    case 'verify':
      return [
        chip(`gen ${e.generation}`),
        ...e.providers.map((p) =>
          chip(
            `${providerName(p.provider)} ${p.ok ? `✓ ${duration(p.afterDecisionMs)}` : `✗ ${list(p.addresses)}`}`,
            p.ok ? 'ok' : 'bad',
            p.error,
          ),
        ),
      ];
    case 'decision':
      return [chip(`${list(e.before)} → ${list(e.after)}`), e.urgent ? chip('urgent', 'warn') : null, e.held ? chip('held', 'warn') : null];
    case 'conflict':
      return [chip(e.kind, 'bad'), chip(`gen ${e.generation}`), e.provider ? chip(providerName(e.provider)) : null];
    case 'override':
      return [
        chip(e.action, 'warn'),
        e.cloud ? chip(cloudName(e.cloud)) : null,
        e.targetId ? chip(`target ${e.targetId}`) : null,
        chip(`by ${e.operator}`),
      ];
    case 'drift':
      return [chip(providerName(e.provider)), chip(e.repaired ? 'repaired' : 'found', e.repaired ? 'ok' : 'warn')];
    case 'provider-sync':
      return [chip(providerName(e.provider)), chip(`${e.before} → ${e.after}`, toneOf(e))];
    default:
      return [];
  }
}

/** What an event is about, in words: the cloud of a target, the DNS provider and its cloud. */
function subjectOf(e) {
  if (e.targetId) {
    const cloud = state.status?.targets.find((t) => t.id === e.targetId)?.cloud;
    return `${cloud ? cloudName(cloud) : e.targetId}${e.vantageId ? ` from ${e.vantageId}` : ''}: `;
  }
  if (e.provider && e.type !== 'conflict') return `${providerName(e.provider)} (${cloudName(PROVIDER_CLOUD[e.provider])}): `;
  if (e.type === 'override' && e.cloud) return `${cloudName(e.cloud)}: `;
  return '';
}

function eventItem(e, fresh) {
  const subject = subjectOf(e);
  return h(
    `li.event${fresh ? '.fresh' : ''}`,
    { dataset: { id: String(e.id), kind: e.type } },
    h('time', { datetime: e.time }, timeOf(e.at)),
    h('span.kind', null, chip(e.type, toneOf(e))),
    h(
      'div.msg',
      null,
      e.service ? h('span.service-name', null, `${e.service} `) : null,
      subject ? h('span.subject', null, subject) : null,
      e.reason,
      h('div.meta', null, eventMeta(e)),
    ),
  );
}

let renderedIds = new Set();
function renderEvents() {
  const shown = [...state.events.values()]
    .filter((e) => !state.hidden.has(e.type))
    .sort((a, b) => b.id - a.id)
    .slice(0, MAX_EVENTS);
  const fresh = renderedIds.size > 0;
  const items = shown.map((e) => eventItem(e, fresh && !renderedIds.has(e.id)));
  renderedIds = new Set(shown.map((e) => e.id));
  const ol = $('events');
  ol.replaceChildren(...(items.length ? items : [h('li.empty', null, 'No events yet.')]));
}

function renderFilters() {
  const boxes = EVENT_KINDS.map((kind) =>
    h(
      'label',
      null,
      h('input', {
        type: 'checkbox',
        value: kind,
        checked: !state.hidden.has(kind),
        on: {
          change: (ev) => {
            if (ev.target.checked) state.hidden.delete(kind);
            else state.hidden.add(kind);
            prefs.setItem('failover.hiddenKinds', JSON.stringify([...state.hidden]));
            renderEvents();
          },
        },
      }),
      kind,
    ),
  );
  $('filters').append(...boxes);
}

// ---- admin actions ---------------------------------------------------------

function setResult(text, ok) {
  const el = $('action-result');
  el.textContent = text;
  el.className = `action-result ${ok ? 'ok' : 'bad'}`;
}

async function loadCsrf() {
  state.csrf = undefined;
  state.adminError = '';
  if (!state.token) return;
  const res = await fetch('/api/csrf', { headers: { authorization: `Bearer ${state.token}` } });
  if (res.ok) state.csrf = (await res.json()).csrfToken;
  else state.adminError = (await res.json().catch(() => ({}))).message ?? `HTTP ${res.status}`;
}

async function admin(method, path, body) {
  if (!state.csrf) {
    setResult('Enter the admin token first.', false);
    return;
  }
  const res = await fetch(path, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${state.token}`, 'x-csrf-token': state.csrf },
    body: JSON.stringify(body),
  });
  const reply = await res.json().catch(() => ({}));
  if (res.ok) setResult(`${method} ${path}: done${reply.event?.reason ? ` — ${reply.event.reason}` : ''}`, true);
  else setResult(`${method} ${path}: ${res.status} ${reply.message ?? reply.error ?? ''}`, false);
  scheduleStatus();
}

/**
 * Ask before an action that moves or freezes traffic. Resolves true on
 * "confirm"; Escape, "cancel" or a click outside the buttons resolve false.
 */
function confirmAction(title, text, yes) {
  const dialog = $('confirm');
  $('confirm-title').textContent = title;
  $('confirm-text').textContent = text;
  $('confirm-yes').textContent = yes;
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.showModal();
  });
}

/** Run `act` once the operator confirmed; `text` is read at click time (it quotes the reason typed). */
function confirmed(title, text, yes, act) {
  return async () => {
    if (await confirmAction(title, text(), yes)) await act();
  };
}

function reasonFor(what) {
  const given = $('reason').value.trim();
  return given || `${what} from the dashboard`;
}

function actionButton(label, onClick, opts = {}) {
  return h(
    'button.btn',
    {
      type: 'button',
      disabled: !state.csrf,
      'aria-pressed': opts.pressed === undefined ? undefined : String(opts.pressed),
      title: opts.title,
      on: { click: onClick },
    },
    label,
  );
}

let controlsKey = '';
function renderControls() {
  const s = state.status;
  // Re-render only when something the controls show changed: a re-render would reset a half-chosen <select>.
  const key = JSON.stringify([
    state.ui,
    !!state.csrf,
    state.adminError,
    s?.overrides,
    s?.services.map((x) => [x.name, x.overrides]),
    s?.targets.map((t) => [t.id, t.address, t.services]),
  ]);
  if (key === controlsKey) return;
  controlsKey = key;
  $('admin-state').textContent = !state.ui.adminEnabled
    ? 'admin API off: set FAILOVER_ADMIN_TOKEN on the controller'
    : state.csrf
      ? 'token accepted'
      : state.adminError
        ? `token refused: ${state.adminError}`
        : 'enter the admin token to act';
  $('token-form').hidden = !state.ui.adminEnabled;
  if (!s) return;
  const drained = new Set(s.overrides?.drainedClouds ?? []);
  const rows = [
    ...CLOUDS.map((c) =>
      h(
        'div.control-row',
        { dataset: { control: `drain-${c.id}` } },
        h('span.what', null, cloudName(c.id)),
        drained.has(c.id)
          ? actionButton(
              'Undrain',
              () => admin('DELETE', '/overrides/drain', { cloud: c.id, reason: reasonFor(`undrain ${c.id}`), operator: 'dashboard' }),
              { pressed: true, title: `${c.name} is drained` },
            )
          : actionButton(
              'Drain',
              confirmed(
                `Drain ${c.name}?`,
                () =>
                  `Every service's answer moves away from ${c.name} while anything else is usable, on every DNS provider. Clients follow within a TTL. Reason: ${reasonFor(`drain ${c.id}`)}`,
                `Drain ${c.name}`,
                () => admin('POST', '/overrides/drain', { cloud: c.id, reason: reasonFor(`drain ${c.id}`), operator: 'dashboard' }),
              ),
              { pressed: false, title: `move traffic away from ${c.name} while anything else is usable` },
            ),
      ),
    ),
    ...s.services.map((svc) => {
      const select = h(
        'select',
        { 'aria-label': `target to pin ${svc.name} to` },
        s.targets
          .filter((t) => t.services.includes(svc.name))
          .map((t) => h('option', { value: t.id, selected: svc.overrides.pinnedTargetId === t.id }, `${t.id} (${t.address})`)),
      );
      return h(
        'div.control-row',
        { dataset: { control: `service-${svc.name}` } },
        h('span.what.mono', null, svc.name),
        select,
        actionButton('Pin', () =>
          confirmed(
            `Pin ${svc.name} to ${select.value}?`,
            () =>
              `${svc.name} answers ${select.value} only, on every DNS provider, until unpinned — even if it fails. Reason: ${reasonFor(`pin ${svc.name} to ${select.value}`)}`,
            `Pin to ${select.value}`,
            () =>
              admin('POST', '/overrides/pin', {
                service: svc.name,
                target: select.value,
                reason: reasonFor(`pin ${svc.name} to ${select.value}`),
                operator: 'dashboard',
              }),
          )(),
        ),
        svc.overrides.pinnedTargetId
          ? actionButton('Unpin', () =>
              admin('DELETE', '/overrides/pin', { service: svc.name, reason: reasonFor(`unpin ${svc.name}`), operator: 'dashboard' }),
            )
          : null,
        svc.overrides.paused
          ? actionButton(
              'Resume',
              () =>
                admin('DELETE', '/overrides/pause', { service: svc.name, reason: reasonFor(`resume ${svc.name}`), operator: 'dashboard' }),
              { pressed: true },
            )
          : actionButton(
              'Pause',
              confirmed(
                `Pause ${svc.name}?`,
                () =>
                  `The controller writes nothing for ${svc.name} until resumed: no failover, no repair of drift. Reason: ${reasonFor(`pause ${svc.name}`)}`,
                `Pause ${svc.name}`,
                () =>
                  admin('POST', '/overrides/pause', { service: svc.name, reason: reasonFor(`pause ${svc.name}`), operator: 'dashboard' }),
              ),
              { pressed: false, title: 'write nothing for this service until resumed' },
            ),
      );
    }),
  ];
  $('controls').replaceChildren(...rows);

  $('demo').hidden = !state.ui.demo;
  if (state.ui.demo) {
    $('chaos').replaceChildren(
      h('h3', null, 'Chaos'),
      ...(state.ui.chaos ?? []).map((c) =>
        h(
          'div.control-row',
          { dataset: { chaos: c.target } },
          h('span.what', null, c.cloud ? cloudName(c.cloud) : c.target),
          c.actions.map((action) =>
            actionButton(action, () => admin('POST', '/demo/chaos', { target: c.target, action }), { title: `${action} ${c.target}` }),
          ),
        ),
      ),
    );
    const drills = state.ui.drills ?? [];
    // No drills offered (chaos buttons only): no heading over nothing.
    $('drills').hidden = drills.length === 0;
    $('drills').replaceChildren(
      ...(drills.length ? [h('h3', null, 'Drills')] : []),
      ...drills.map((d) =>
        h(
          'div.control-row',
          null,
          actionButton(d.label ?? d.scenario, () => admin('POST', '/demo/drill', { scenario: d.scenario }), { title: d.description }),
          d.description ? h('span.hint', null, d.description) : null,
        ),
      ),
    );
  }
}

function setupToken() {
  $('token').value = state.token;
  $('token-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    state.token = $('token').value.trim();
    storage.setItem('failover.adminToken', state.token);
    await loadCsrf();
    renderControls();
  });
  $('token-forget').addEventListener('click', () => {
    state.token = '';
    state.csrf = undefined;
    storage.removeItem('failover.adminToken');
    $('token').value = '';
    renderControls();
  });
}

// ---- theme -----------------------------------------------------------------

const THEMES = ['auto', 'light', 'dark'];
function applyTheme(theme) {
  if (theme === 'auto') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
  const btn = $('theme');
  btn.textContent = { auto: '◐ auto', light: '☀ light', dark: '☾ dark' }[theme];
  btn.setAttribute('aria-label', `Colour theme: ${theme === 'auto' ? 'follows the system' : theme}; click to change`);
}
function setupTheme() {
  let theme = prefs.getItem('failover.theme') ?? 'auto';
  if (!THEMES.includes(theme)) theme = 'auto';
  applyTheme(theme);
  $('theme').addEventListener('click', () => {
    theme = THEMES[(THEMES.indexOf(theme) + 1) % THEMES.length];
    prefs.setItem('failover.theme', theme);
    applyTheme(theme);
  });
}

// ---- data ------------------------------------------------------------------

let statusInFlight = false;
let statusTimer;
async function refreshStatus() {
  if (statusInFlight) return;
  statusInFlight = true;
  try {
    const res = await fetch('/status', { headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`GET /status: HTTP ${res.status}`);
    state.status = await res.json();
    render();
  } catch (err) {
    const banner = $('banner');
    banner.hidden = false;
    banner.className = 'banner';
    banner.textContent = `Status unavailable (${err.message}); retrying.`;
  } finally {
    statusInFlight = false;
  }
}
function scheduleStatus() {
  if (statusTimer !== undefined) return;
  statusTimer = setTimeout(() => {
    statusTimer = undefined;
    void refreshStatus();
  }, STATUS_THROTTLE_MS);
}

function render() {
  const s = state.status;
  if (s) {
    renderHeader(s);
    renderClouds(s);
    renderServices(s);
  }
  renderFailover();
  renderControls();
}

function setConn(kind, text) {
  const el = $('conn');
  el.dataset.state = kind;
  el.textContent = text;
}

function connectEvents() {
  const source = new EventSource('/events/stream');
  source.addEventListener('open', () => setConn('live', 'live'));
  source.addEventListener('hello', (msg) => {
    const hello = JSON.parse(msg.data);
    // A new controller process restarts its event ids: start the timeline over.
    if (state.bootId !== undefined && state.bootId !== hello.bootId) state.events.clear();
    state.bootId = hello.bootId;
    scheduleStatus();
  });
  let pending;
  source.addEventListener('message', (msg) => {
    const e = JSON.parse(msg.data);
    state.events.set(e.id, e);
    if (state.events.size > MAX_EVENTS * 2)
      for (const id of [...state.events.keys()].sort((a, b) => a - b).slice(0, state.events.size - MAX_EVENTS * 2)) state.events.delete(id);
    // Batch a burst (the replay on connect) into one render.
    pending ??= setTimeout(() => {
      pending = undefined;
      renderEvents();
      renderFailover();
      renderImpact();
    }, 50);
    if (e.type !== 'probe-state') scheduleStatus();
  });
  source.addEventListener('error', () =>
    setConn(
      source.readyState === EventSource.CLOSED ? 'offline' : 'reconnecting',
      source.readyState === EventSource.CLOSED ? 'offline' : 'reconnecting…',
    ),
  );
}

async function main() {
  setupTheme();
  setupToken();
  renderFilters();
  try {
    const res = await fetch('/api/ui-config');
    if (res.ok) state.ui = { ...state.ui, ...(await res.json()) };
  } catch {
    /* the defaults: no demo, admin unknown */
  }
  if (state.token && state.ui.adminEnabled) await loadCsrf();
  await Promise.all([refreshStatus(), refreshImpact()]);
  connectEvents();
  setInterval(() => void refreshStatus(), STATUS_REFRESH_MS);
  if (state.ui.clientImpact) setInterval(() => void refreshImpact(), IMPACT_REFRESH_MS);
}

void main();
