// The operators' console: plain JavaScript over the admin port's /dead-letters endpoints, the
// same calls (and so the same validation and audit trail) as `ops/dead-letters`. Nothing from a
// letter is ever put into the page as HTML: every value goes in as text.
'use strict';

const API = '../dead-letters';
const KEY = 'uploads.operatorKey';
const FILTERS = ['job', 'status', 'fingerprint', 'exception', 'key', 'type', 'since', 'until'];
const JOBS = ['thumbnails', 'emails', 'stats'];
const STATUSES = ['open', 'replaying', 'parked', 'resolved', 'discarded'];
let me = null;
let refresh = null;

// ---- plumbing ---------------------------------------------------------------------------------

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (name === 'text') el.textContent = value;
    else el.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

class Problem extends Error {
  constructor(status, body) {
    super((body && (body.detail || body.title)) || 'HTTP ' + status);
    this.status = status;
  }
}

async function call(method, path, body) {
  const headers = { Authorization: 'Bearer ' + sessionStorage.getItem(KEY) };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(API + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : null;
  if (response.status === 401) {
    sessionStorage.removeItem(KEY);
    throw new Problem(401, parsed);
  }
  if (!response.ok) throw new Problem(response.status, parsed);
  return parsed;
}

function route() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, query] = hash.split('?');
  return { parts: path.split('/').filter(Boolean), params: new URLSearchParams(query || '') };
}

function go(path, params) {
  const query = params && params.toString();
  location.hash = '#' + path + (query ? '?' + query : '');
}

function when(value) {
  if (!value) return '';
  const date = new Date(value);
  return date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

function ago(seconds) {
  if (seconds < 120) return Math.round(seconds) + ' s';
  if (seconds < 7200) return Math.round(seconds / 60) + ' min';
  return Math.round(seconds / 3600) + ' h';
}

function badge(value) {
  return h('span', { class: 'badge ' + value, text: value });
}

function error(e) {
  return h('div', { class: 'error', role: 'alert', text: e.message });
}

function render(...children) {
  const main = document.getElementById('main');
  main.replaceChildren(...children.filter((c) => c !== null && c !== undefined && c !== false));
}

function filterParams(params) {
  const out = new URLSearchParams();
  for (const name of FILTERS) for (const v of params.getAll(name)) if (v) out.append(name, v);
  return out;
}

function filterBody(params) {
  const body = {};
  for (const name of FILTERS) {
    const values = params.getAll(name).filter(Boolean);
    if (values.length) body[name] = name === 'status' ? values : values[0];
  }
  const ids = params.get('ids');
  if (ids) body.ids = ids.split(',').map(Number);
  return body;
}

function sparkline(counts) {
  const max = Math.max(1, ...counts);
  const w = 96, hgt = 20, step = w / counts.length;
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'trend');
  svg.setAttribute('width', w);
  svg.setAttribute('height', hgt);
  counts.forEach((n, i) => {
    const bar = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
    const barH = n ? Math.max(2, (n / max) * hgt) : 0;
    bar.setAttribute('x', i * step);
    bar.setAttribute('y', hgt - barH);
    bar.setAttribute('width', Math.max(1, step - 1));
    bar.setAttribute('height', barH);
    bar.setAttribute('fill', '#2455c3');
    svg.append(bar);
  });
  const title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
  title.textContent = 'new letters per hour, last 24 h: ' + counts.join(' ');
  svg.append(title);
  return svg;
}

// ---- sign in ------------------------------------------------------------------------------------

function signIn(message) {
  document.getElementById('nav').hidden = true;
  document.getElementById('who').hidden = true;
  const input = h('input', { id: 'operator-key', type: 'password', autocomplete: 'off',
                             placeholder: 'opk_…', size: 50 });
  const form = h('form', { class: 'card login', id: 'sign-in',
    onsubmit: async (event) => {
      event.preventDefault();
      sessionStorage.setItem(KEY, input.value.trim());
      me = null;
      show();
    } },
    h('h1', { text: 'Operator key' }),
    h('p', { class: 'muted', text: 'Kept for this browser tab only. Create one with '
      + "'ops/dead-letters operators add <name> [--role viewer]'." }),
    message ? h('div', { class: 'error', role: 'alert', text: message }) : null,
    h('div', { class: 'bar' }, input, h('button', { class: 'primary', type: 'submit', text: 'Sign in' })));
  render(h('section', { class: 'card login' }, form));
  input.focus();
}

function header(active) {
  document.getElementById('nav').hidden = false;
  for (const a of document.querySelectorAll('#nav a')) {
    a.classList.toggle('active', a.dataset.route === active);
  }
  const who = document.getElementById('who');
  who.hidden = false;
  who.replaceChildren(
    h('span', { id: 'operator-name', text: me.name }), ' ', badge(me.role),
    h('button', { id: 'sign-out', text: 'Sign out', onclick: () => {
      sessionStorage.removeItem(KEY);
      me = null;
      if (location.hash && location.hash !== '#/') location.hash = '#/';
      else signIn();
    } }));
}

// ---- overview -----------------------------------------------------------------------------------

async function overview() {
  header('overview');
  const data = await call('GET', '/overview');
  const trends = new Map(data.trends.map((t) => [t.job + '\u0000' + t.fingerprint, t.hourly]));
  const p = data.pipeline;
  const groups = data.groups.map((g) => {
    const link = new URLSearchParams({ job: g.job, fingerprint: g.fingerprint });
    return h('tr', { 'data-fingerprint': g.fingerprint },
      h('td', { text: g.job }),
      h('td', {}, h('a', { class: 'mono group-link', href: '#/letters?' + link, text: g.fingerprint })),
      h('td', {}, h('div', { class: 'mono', text: g.exception_class }),
        h('div', { class: 'muted', text: g.sample_message || '' })),
      ...['open', 'replaying', 'parked', 'resolved', 'discarded'].map((s) =>
        h('td', { class: 'num', text: g[s] })),
      h('td', { text: when(g.first_seen) }), h('td', { text: when(g.last_seen) }),
      h('td', {}, sparkline(trends.get(g.job + '\u0000' + g.fingerprint) || new Array(24).fill(0))));
  });
  const owners = new Set(p.shards.filter((s) => s.held).map((s) => s.owner));
  const workers = p.workers.map((w) => h('tr', {},
    h('td', { class: 'mono', text: w.instance }), h('td', { text: w.job }),
    h('td', { class: 'num', text: w.lag === null || w.lag === undefined ? '—' : w.lag }),
    h('td', {}, Object.entries(w.breakers || {}).map(([name, state]) =>
      h('span', {}, name + ' ', badge(state), ' '))),
    h('td', {}, badge(w.live ? 'live' : 'silent'), ' ', h('span', { class: 'muted', text: when(w.seen_at) }))));
  render(
    h('h1', { text: 'Overview' }),
    h('section', { class: 'card', id: 'pipeline' },
      h('h2', { text: 'Pipeline' }),
      h('div', { class: 'stats' },
        h('div', { class: 'stat' }, h('b', { id: 'outbox-depth', text: p.outbox.depth }), h('span', { text: 'events in the outbox' })),
        h('div', { class: 'stat' }, h('b', { text: ago(p.outbox.oldest_age_seconds) }), h('span', { text: 'oldest unpublished' })),
        h('div', { class: 'stat' }, h('b', { text: owners.size }), h('span', { text: 'relays holding shards' })),
        h('div', { class: 'stat' }, h('b', { text: p.shards.filter((s) => !s.held).length }), h('span', { text: 'shards without a relay' }))),
      h('h2', { text: 'Relay shards' }),
      h('div', { class: 'shards' }, p.shards.map((s) => h('div', {
        class: s.held ? '' : 'free', title: s.owner || 'no owner',
        text: s.shard + ': ' + (s.held ? s.owner : 'free') }))),
      h('h2', { text: 'Workers' }),
      workers.length ? h('table', { id: 'workers' },
        h('thead', {}, h('tr', {}, ['instance', 'job', 'consumer lag', 'breakers', 'last heard'].map((t) => h('th', { text: t })))),
        h('tbody', {}, workers)) : h('p', { class: 'muted', text: 'No worker has reported.' })),
    h('section', { class: 'card' },
      h('h2', { text: 'Dead letters by job and failure' }),
      groups.length ? h('table', { id: 'groups' },
        h('thead', {}, h('tr', {}, ['job', 'fingerprint', 'failure', 'open', 'replaying', 'parked',
          'resolved', 'discarded', 'first seen', 'last seen', 'last 24 h'].map((t) => h('th', { text: t })))),
        h('tbody', {}, groups)) : h('p', { class: 'muted', text: 'No dead letters.' })),
    h('p', { class: 'muted', text: 'Updated ' + when(p.at) + '; refreshes every 5 s.' }));
  refresh = setTimeout(show, 5000);
}

// ---- letters ------------------------------------------------------------------------------------

async function letters(params) {
  header('letters');
  const filter = filterParams(params);
  const query = new URLSearchParams(filter);
  query.set('limit', params.get('limit') || '50');
  if (params.get('before')) query.set('before', params.get('before'));
  const [page, summary] = await Promise.all([
    call('GET', '/?' + query), call('GET', '/summary?' + filter)]);
  const matching = summary.groups.reduce((n, g) => n + g.letters, 0);
  const selected = new Set();
  const count = h('span', { id: 'selected-count', text: '0 selected' });
  const actOn = (kind, all) => {
    const target = new URLSearchParams(filter);
    if (!all) target.set('ids', [...selected].join(','));
    go('/' + kind, target);
  };
  const mayAct = me.may_act;
  const bySelection = [];
  const actions = mayAct ? [
    h('button', { id: 'replay-selected', disabled: true, onclick: () => actOn('replay', false), text: 'Replay selected' }),
    h('button', { id: 'replay-all', onclick: () => actOn('replay', true), text: 'Replay all ' + matching + ' matching' }),
    h('button', { id: 'discard-selected', disabled: true, onclick: () => actOn('discard', false), text: 'Discard selected' }),
    h('button', { id: 'discard-all', onclick: () => actOn('discard', true), text: 'Discard all ' + matching + ' matching' }),
  ] : [h('span', { class: 'muted', text: 'Your key is a viewer’s: you can look, not act.' })];
  if (mayAct) bySelection.push(actions[0], actions[2]);
  const rows = page.letters.map((l) => {
    const box = h('input', { type: 'checkbox', class: 'pick', 'data-id': l.id, onchange: (e) => {
      if (e.target.checked) selected.add(l.id); else selected.delete(l.id);
      count.textContent = selected.size + ' selected';
      for (const b of bySelection) b.disabled = selected.size === 0;
    } });
    return h('tr', { 'data-letter': l.id },
      h('td', {}, mayAct ? box : null),
      h('td', {}, h('a', { class: 'letter-link', href: '#/letters/' + l.id, text: '#' + l.id })),
      h('td', { text: l.job }), h('td', {}, badge(l.status)), h('td', { text: l.event_type || '' }),
      h('td', { class: 'mono', text: l.event_key || '' }),
      h('td', {}, h('div', { class: 'mono', text: l.exception_class }), h('div', { class: 'muted', text: l.message || '' })),
      h('td', { class: 'num', text: l.attempt_count }), h('td', { class: 'num', text: l.replay_count }),
      h('td', { text: when(l.last_failed_at) }));
  });
  const inputs = {};
  const form = h('form', { class: 'filters', id: 'filters', onsubmit: (e) => {
    e.preventDefault();
    const next = new URLSearchParams();
    for (const name of FILTERS) {
      if (name === 'status') {
        for (const box of inputs.status) if (box.checked) next.append('status', box.value);
      } else if (inputs[name].value.trim()) next.set(name, inputs[name].value.trim());
    }
    go('/letters', next);
  } });
  inputs.job = h('select', { name: 'job' }, h('option', { value: '', text: 'any' }),
    JOBS.map((j) => h('option', { value: j, text: j, selected: params.get('job') === j })));
  form.append(h('label', {}, 'job', inputs.job));
  inputs.status = STATUSES.map((s) => h('input', { type: 'checkbox', value: s, checked: params.getAll('status').includes(s) }));
  form.append(h('label', {}, 'status', h('span', {}, inputs.status.map((box) => h('span', {}, box, box.value, ' ')))));
  for (const name of ['fingerprint', 'exception', 'key', 'type', 'since', 'until']) {
    inputs[name] = h('input', { name, value: params.get(name) || '', size: name === 'fingerprint' ? 18 : 12,
      placeholder: name === 'since' || name === 'until' ? '2h or an instant' : '' });
    form.append(h('label', {}, name, inputs[name]));
  }
  form.append(h('button', { type: 'submit', class: 'primary', text: 'Filter' }),
    h('button', { type: 'button', text: 'Clear', onclick: () => go('/letters') }));
  const older = page.next_before ? h('a', { id: 'older', href: '#/letters?' + new URLSearchParams(
    [...filter, ['before', page.next_before]]), text: 'Older letters →' }) : null;
  render(
    h('h1', { text: 'Dead letters' }),
    h('section', { class: 'card' }, form),
    h('div', { class: 'bar' }, h('b', { id: 'matching', text: matching + ' matching' }), mayAct ? count : null, actions),
    rows.length ? h('table', { id: 'letters' },
      h('thead', {}, h('tr', {}, ['', 'id', 'job', 'status', 'type', 'key', 'failure', 'attempts', 'replays', 'last failed'].map((t) => h('th', { text: t })))),
      h('tbody', {}, rows)) : h('p', { class: 'muted', text: 'No letter matches.' }),
    older);
}

function hexDump(base64) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const lines = [];
  for (let i = 0; i < bytes.length && i < 4096; i += 16) {
    const row = [...bytes.slice(i, i + 16)];
    lines.push(i.toString(16).padStart(8, '0') + '  '
      + row.map((b) => b.toString(16).padStart(2, '0')).join(' ').padEnd(48) + ' '
      + row.map((b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join(''));
  }
  if (bytes.length > 4096) lines.push('… ' + (bytes.length - 4096) + ' more bytes');
  return lines.join('\n');
}

async function letter(id) {
  header('letters');
  const d = await call('GET', '/' + encodeURIComponent(id));
  const l = d.letter;
  let payload;
  if (d.payload !== undefined) payload = h('pre', { id: 'payload', text: JSON.stringify(d.payload, null, 2) });
  else if (d.payload_text !== undefined) payload = h('pre', { id: 'payload', text: d.payload_text });
  else if (d.payload_base64 !== undefined) payload = h('pre', { id: 'payload', text: hexDump(d.payload_base64) });
  else payload = h('p', { class: 'muted', text: 'No payload.' });
  const only = new URLSearchParams({ ids: String(l.id) });
  const replays = d.actions.filter((a) => a.kind === 'replay');
  render(
    h('h1', {}, 'Letter #' + l.id + ' ', badge(l.status)),
    me.may_act && (l.status === 'open' || l.status === 'parked') ? h('div', { class: 'bar' },
      h('button', { id: 'replay-letter', class: 'primary', text: 'Replay…', onclick: () => go('/replay', only) }),
      h('button', { id: 'discard-letter', text: 'Discard…', onclick: () => go('/discard', only) })) : null,
    h('section', { class: 'card', id: 'facts' }, h('dl', { class: 'facts' }, ...[
      ['job', l.job], ['event type', l.event_type], ['event key', l.event_key], ['event id', l.event_id],
      ['failure', l.exception_class], ['message', l.message], ['fingerprint', l.fingerprint],
      ['attempts', l.attempt_count], ['replays', l.replay_count], ['first failed', when(l.first_failed_at)],
      ['last failed', when(l.last_failed_at)], ['closed', when(d.closed_at)],
    ].flatMap(([k, v]) => [h('dt', { text: k }), h('dd', { class: 'mono', text: v === null || v === undefined ? '' : v })]))),
    h('section', { class: 'card', id: 'lineage' }, h('h2', { text: 'Original event and its redriven copies' }),
      h('p', {}, 'Original: ', h('span', { class: 'mono', id: 'kafka-position',
        text: d.source.topic + ' partition ' + d.source.partition + ' offset ' + d.source.offset }),
        ' (' + when(d.source.timestamp) + ', group ' + d.source.consumer_group + ')'),
      replays.length ? h('ul', {}, replays.map((a) => h('li', {},
        'copy ' + (a.generation === null || a.generation === undefined ? '—' : a.generation) + ' sent to ' + l.job + '.redrive by ',
        h('a', { href: '#/actions/' + a.action, text: 'replay #' + a.action }), ' → ', badge(a.outcome || 'pending'))))
        : h('p', { class: 'muted', text: 'Never replayed.' })),
    h('section', { class: 'card' }, h('h2', { text: 'Payload' }), payload),
    h('section', { class: 'card' }, h('h2', { text: 'Headers' }), h('table', { id: 'headers' }, h('tbody', {},
      Object.entries(d.headers || {}).map(([k, v]) => h('tr', {}, h('td', { class: 'mono', text: k }), h('td', { class: 'mono', text: v })))))),
    h('section', { class: 'card', id: 'attempts' }, h('h2', { text: 'Attempts' }),
      (d.attempts || []).map((a, i) => h('details', { open: i === (d.attempts.length - 1) },
        h('summary', {}, (i + 1) + '. ' + when(a.at) + ' ' + (a.exception || '') + ': ' + (a.message || '')),
        h('pre', { text: a.stack || '' })))),
    h('section', { class: 'card' }, h('h2', { text: 'Operator actions on this letter' }),
      d.actions.length ? h('table', { id: 'letter-actions' },
        h('thead', {}, h('tr', {}, ['action', 'kind', 'operator', 'reason', 'at', 'outcome', 'note'].map((t) => h('th', { text: t })))),
        h('tbody', {}, d.actions.map((a) => h('tr', {},
          h('td', {}, h('a', { href: '#/actions/' + a.action, text: '#' + a.action })), h('td', { text: a.kind }),
          h('td', { text: a.operator }), h('td', { text: a.reason }), h('td', { text: when(a.created_at) }),
          h('td', {}, badge(a.outcome || 'pending')), h('td', { text: a.note || '' })))))
        : h('p', { class: 'muted', text: 'None yet.' })));
}

// ---- replay and discard: a dry run, then a confirm with a reason -----------------------------

async function act(kind, params) {
  header('letters');
  const body = filterBody(params);
  const plan = await call('POST', '/' + kind, { ...body, dry_run: true });
  const reason = h('textarea', { id: 'reason', rows: 2, cols: 60, placeholder: 'why (kept in the audit trail)' });
  const rate = h('input', { id: 'rate', value: plan.rate === null || plan.rate === undefined ? 'unlimited' : plan.rate, size: 8 });
  const max = h('input', { id: 'max', value: plan.max, size: 8 });
  const parked = h('input', { type: 'checkbox', id: 'include-parked' });
  const problem = h('div');
  const confirm = h('button', { id: 'confirm', class: kind === 'replay' ? 'primary' : 'danger', disabled: true,
    text: (kind === 'replay' ? 'Replay ' : 'Discard ') + plan.included + ' letters',
    onclick: async () => {
      confirm.disabled = true;
      const request = { ...body, reason: reason.value, max: Number(max.value) };
      if (kind === 'replay') {
        request.rate = rate.value.trim() === 'unlimited' ? 'unlimited' : Number(rate.value);
        request.include_parked = parked.checked;
      }
      try {
        const action = await call('POST', '/' + kind, request);
        go('/actions/' + action.id);
      } catch (e) {
        problem.replaceChildren(error(e));
        confirm.disabled = false;
      }
    } });
  reason.addEventListener('input', () => { confirm.disabled = !reason.value.trim() || !me.may_act; });
  render(
    h('h1', { text: (kind === 'replay' ? 'Replay' : 'Discard') + ': dry run' }),
    h('p', { id: 'plan-summary' }, 'Nothing has changed. This would take ', h('b', { id: 'included', text: plan.included }),
      ' letters and leave ', h('b', { id: 'excluded', text: plan.excluded }), '.'),
    h('pre', { text: 'filter: ' + JSON.stringify(plan.filter) }),
    h('table', { id: 'plan' },
      h('thead', {}, h('tr', {}, ['id', 'job', 'status', 'failure', '', 'why'].map((t) => h('th', { text: t })))),
      h('tbody', {}, plan.letters.map((p) => h('tr', { 'data-letter': p.letter.id, class: p.included ? 'taken' : 'left' },
        h('td', {}, h('a', { href: '#/letters/' + p.letter.id, text: '#' + p.letter.id })), h('td', { text: p.letter.job }),
        h('td', {}, badge(p.letter.status)), h('td', { class: 'mono', text: p.letter.exception_class }),
        h('td', {}, badge(p.included ? 'taken' : 'left')), h('td', { text: p.note || '' }))))),
    me.may_act ? h('section', { class: 'card', id: 'confirm-form' },
      h('h2', { text: 'Confirm' }),
      h('div', { class: 'bar' }, h('label', {}, 'reason ', reason)),
      kind === 'replay' ? h('div', { class: 'bar' }, h('label', {}, 'rate (letters/s) ', rate),
        h('label', {}, 'maximum ', max), h('label', {}, parked, ' include parked letters')) : h('div', { class: 'bar' }, h('label', {}, 'maximum ', max)),
      problem,
      h('div', { class: 'bar' }, confirm, h('button', { text: 'Back', onclick: () => history.back() })))
      : h('p', { class: 'muted', text: 'Your key is a viewer’s: it can make dry runs, not act.' }));
}

// ---- actions: progress, pause, resume, cancel; the audit trail ------------------------------

async function action(id) {
  header('actions');
  const a = await call('GET', '/actions/' + encodeURIComponent(id));
  const outcomes = a.outcomes || {};
  const finished = (a.done + a.skipped) / Math.max(1, a.selected);
  const problem = h('div');
  const control = (name) => async () => {
    try {
      await call('POST', '/actions/' + a.id + '/' + name, {});
      show();
    } catch (e) {
      problem.replaceChildren(error(e));
    }
  };
  const live = a.status === 'running' || a.status === 'paused' || (outcomes.sent || 0) > 0;
  render(
    h('h1', {}, (a.kind === 'replay' ? 'Replay' : 'Discard') + ' #' + a.id + ' ', h('span', { id: 'action-status' }, badge(a.status))),
    h('section', { class: 'card' }, h('dl', { class: 'facts' }, ...[
      ['operator', a.operator], ['via', a.via], ['reason', a.reason], ['filter', JSON.stringify(a.filter)],
      ['rate', a.rate === undefined || a.rate === null ? 'unlimited' : a.rate + ' letters/s'], ['maximum', a.max],
      ['started', when(a.created_at)], ['finished', when(a.finished_at)], ['error', a.error || ''],
    ].flatMap(([k, v]) => [h('dt', { text: k }), h('dd', { text: v })]))),
    h('section', { class: 'card', id: 'progress' },
      h('h2', { text: 'Progress' }),
      h('div', { class: 'progress' }, h('div', { style: 'width:' + Math.round(finished * 100) + '%' })),
      h('p', {}, a.done + ' of ' + a.selected + ' done, ' + a.skipped + ' skipped'),
      h('div', { class: 'stats' }, ['pending', 'sent', 'resolved', 'failed', 'parked', 'discarded', 'skipped'].map((o) =>
        h('div', { class: 'stat' }, h('b', { id: 'outcome-' + o, text: outcomes[o] || 0 }), h('span', { text: o })))),
      problem,
      me.may_act ? h('div', { class: 'bar' },
        a.status === 'running' ? h('button', { id: 'pause', text: 'Pause', onclick: control('pause') }) : null,
        a.status === 'paused' || a.status === 'interrupted' ? h('button', { id: 'resume', class: 'primary', text: 'Resume', onclick: control('resume') }) : null,
        a.status === 'running' || a.status === 'paused' ? h('button', { id: 'cancel', class: 'danger', text: 'Cancel', onclick: control('cancel') }) : null)
        : null),
    (a.controls || []).length ? h('section', { class: 'card' }, h('h2', { text: 'Controls' }),
      h('ul', {}, a.controls.map((c) => h('li', { text: when(c.at) + ' ' + c.control + ' by ' + c.operator + ' via ' + c.via + (c.reason ? ': ' + c.reason : '') }))))
      : null,
    live ? h('p', { class: 'muted', text: 'Refreshes every second until every letter has an outcome.' }) : null);
  if (live) refresh = setTimeout(show, 1000);
}

async function actions(params) {
  header('actions');
  const query = new URLSearchParams();
  for (const name of ['operator', 'kind', 'status', 'q', 'letter']) if (params.get(name)) query.set(name, params.get(name));
  query.set('limit', '100');
  const data = await call('GET', '/actions?' + query);
  const inputs = {};
  const form = h('form', { class: 'filters', id: 'audit-search', onsubmit: (e) => {
    e.preventDefault();
    const next = new URLSearchParams();
    for (const [name, input] of Object.entries(inputs)) if (input.value.trim()) next.set(name, input.value.trim());
    go('/actions', next);
  } });
  inputs.q = h('input', { name: 'q', id: 'audit-q', value: params.get('q') || '', placeholder: 'reason, operator or filter', size: 24 });
  inputs.operator = h('input', { name: 'operator', value: params.get('operator') || '', size: 12 });
  inputs.kind = h('select', { name: 'kind' }, ['', 'replay', 'discard'].map((k) => h('option', { value: k, text: k || 'any', selected: params.get('kind') === k })));
  inputs.status = h('select', { name: 'status' }, ['', 'running', 'interrupted', 'paused', 'cancelled', 'completed', 'failed']
    .map((k) => h('option', { value: k, text: k || 'any', selected: params.get('status') === k })));
  for (const [name, input] of Object.entries(inputs)) form.append(h('label', {}, name === 'q' ? 'search' : name, input));
  form.append(h('button', { type: 'submit', class: 'primary', text: 'Search' }));
  render(
    h('h1', { text: 'Audit trail' }),
    h('section', { class: 'card' }, form),
    data.actions.length ? h('table', { id: 'audit' },
      h('thead', {}, h('tr', {}, ['action', 'kind', 'operator', 'via', 'reason', 'status', 'letters', 'outcomes', 'at'].map((t) => h('th', { text: t })))),
      h('tbody', {}, data.actions.map((a) => h('tr', { 'data-action': a.id },
        h('td', {}, h('a', { href: '#/actions/' + a.id, text: '#' + a.id })), h('td', { text: a.kind }),
        h('td', { class: 'operator', text: a.operator }), h('td', { text: a.via }), h('td', { text: a.reason }),
        h('td', {}, badge(a.status)), h('td', { class: 'num', text: a.selected }),
        h('td', { class: 'mono', text: Object.entries(a.outcomes || {}).map(([k, v]) => k + ' ' + v).join(', ') }),
        h('td', { text: when(a.created_at) })))))
      : h('p', { class: 'muted', text: 'No action matches.' }));
}

// ---- the router -----------------------------------------------------------------------------

async function show() {
  clearTimeout(refresh);
  if (!sessionStorage.getItem(KEY)) {
    signIn();
    return;
  }
  const { parts, params } = route();
  try {
    if (!me) me = await call('GET', '/me');
    if (parts[0] === 'letters' && parts[1]) await letter(parts[1]);
    else if (parts[0] === 'letters') await letters(params);
    else if (parts[0] === 'replay' || parts[0] === 'discard') await act(parts[0], params);
    else if (parts[0] === 'actions' && parts[1]) await action(parts[1]);
    else if (parts[0] === 'actions') await actions(params);
    else await overview();
  } catch (e) {
    if (e.status === 401) signIn(e.message);
    else render(error(e), h('p', {}, h('a', { href: '#/', text: 'Back to the overview' })));
  }
}

window.addEventListener('hashchange', show);
show();
