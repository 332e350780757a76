// "Where can I go from here?": the ranked transitions (GET /transitions) of the page's "from"
// occupation, each with its work-similarity and weighted-gap bars and its job-zone step.
// Clicking one shows its skill gap in the page's chart: the URL gets `to` and app.js, which
// owns the chart, draws it (it redraws on popstate). The panel's own state lives in the URL too:
// `from` (shared with the gap form), `job_zone` and `tr_domain`; app.js keeps both when it
// rewrites the URL. No request goes anywhere but this server.
'use strict';

(() => {
  const SVG = 'http://www.w3.org/2000/svg';
  const CODE_RE = /^\d\d-\d{4}(\.\d\d)?$/;
  const $ = (id) => document.getElementById(id);
  const panel = $('transitions');
  if (!panel) return;

  let shown = null;  // the request the list shows (or is loading); null: nothing yet, so the first call always renders
  let seq = 0;

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function svg(tag, attrs) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    return e;
  }

  const fmt = (v) => Number(v).toFixed(2);

  // A horizontal bar: `value` of `max`, drawn in SVG (no inline styles: the page's CSP forbids them).
  function bar(kind, value, max) {
    const w = 100;
    const root = svg('svg', { class: `tr-bar tr-bar-${kind}`, viewBox: `0 0 ${w} 8`, preserveAspectRatio: 'none', 'aria-hidden': 'true' });
    root.append(svg('rect', { class: 'track', x: 0, y: 0, width: w, height: 8, rx: 2 }));
    const fill = Math.max(0, Math.min(1, max > 0 ? value / max : 0)) * w;
    root.append(svg('rect', { class: 'fill', x: 0, y: 0, width: fill.toFixed(2), height: 8, rx: 2, 'data-testid': `tr-${kind}-bar` }));
    return root;
  }

  function zoneText(z) {
    if (z.step === null || z.step === undefined) return 'Job zone unknown';
    const step = z.step > 0 ? `+${z.step}` : z.step < 0 ? `${z.step}` : 'same';
    return `Job zone ${z.from} → ${z.to} (${step})`;
  }

  // What the URL asks the panel for: the source and its options.
  function wanted() {
    const url = new URLSearchParams(location.search);
    const p = new URLSearchParams();
    const from = url.get('from');
    if (!from) return null;
    p.set('from', from);
    for (const [name, api] of [['job_zone', 'job_zone'], ['tr_domain', 'domain'], ['source', 'source']]) {
      const v = url.get(name);
      if (v) p.set(api, v);
    }
    return p;
  }

  function fillOptions() {
    const url = new URLSearchParams(location.search);
    $('tr-job-zone').value = url.get('job_zone') || 'any';
    $('tr-domain').value = url.get('tr_domain') || 'skills';
  }

  function clear(message) {
    $('tr-list').replaceChildren();
    $('tr-error').hidden = true;
    $('tr-status').textContent = message || '';
  }

  async function load() {
    fillOptions();
    const p = wanted();
    const key = p ? p.toString() : '';
    if (key === shown) return;
    shown = key;
    const mine = ++seq;
    if (!p) {
      clear('Choose the “from” occupation above to see where it can lead.');
      return;
    }
    $('tr-error').hidden = true;
    $('tr-status').textContent = 'Ranking occupations…';
    let res;
    let body = null;
    try {
      res = await fetch('/transitions?' + p.toString(), { headers: { Accept: 'application/json' } });
      body = await res.json();
    } catch (e) {
      body = null;
    }
    if (mine !== seq) return;
    if (!res || !res.ok || !body || body.success !== true) {
      $('tr-list').replaceChildren();
      $('tr-status').textContent = '';
      const msg = body && typeof body.message === 'string' ? body.message.replace(/^Error:\s*/, '') : 'The server could not be reached.';
      const box = $('tr-error');
      box.replaceChildren(el('strong', {}, 'Could not rank transitions. '), document.createTextNode(msg));
      box.hidden = false;
      return;
    }
    render(body.result);
  }

  function render(r) {
    const list = $('tr-list');
    list.replaceChildren();
    const what = r.domain === 'knowledge' ? 'knowledge' : r.domain === 'all' ? 'skills and knowledge' : 'skills';
    $('tr-status').textContent = r.count === 0
      ? `No occupation matches these options for ${r.from_occupation_title}.`
      : `${r.count} of ${r.candidates} occupations ${r.from_occupation_title} (${r.from_occupation_code}) could move to, ` +
        `best first: related work, little ${what} to learn, a small job-zone step.`;
    const maxGap = Math.max(5, ...r.transitions.map((t) => t.weighted_gap));
    for (const t of r.transitions) {
      const li = el('li', { class: 'tr-item', 'data-testid': 'transition', 'data-code': t.code });
      const b = el('button', { type: 'button', class: 'tr-pick' });
      const head = el('span', { class: 'tr-head' });
      head.append(el('span', { class: 'tr-rank' }, `${t.rank}.`), el('span', { class: 'tr-name' }, t.title),
        el('span', { class: 'tr-code' }, t.code));
      const sim = el('span', { class: 'tr-metric' });
      sim.append(el('span', { class: 'tr-label' }, 'Similar work'), bar('similarity', t.similarity, 1),
        el('span', { class: 'tr-value', 'data-testid': 'similarity' }, fmt(t.similarity)));
      const gap = el('span', { class: 'tr-metric' });
      gap.append(el('span', { class: 'tr-label' }, 'To learn'), bar('gap', t.weighted_gap, maxGap),
        el('span', { class: 'tr-value', 'data-testid': 'weighted-gap' }, fmt(t.weighted_gap)));
      const zone = el('span', { class: 'tr-zone', 'data-testid': 'zone' }, zoneText(t.job_zone));
      const gaps = t.top_gaps.length
        ? 'Largest gaps: ' + t.top_gaps.map((g) => `${g.element_name} +${fmt(g.gap)}`).join(', ')
        : 'Nothing to learn at these levels';
      b.append(head, sim, gap, zone, el('span', { class: 'tr-gaps' }, gaps + (t.estimated ? ' (estimated values)' : '')));
      b.addEventListener('click', () => pick(r, t));
      li.append(b);
      list.append(li);
    }
  }

  // Shows the gap of from -> t in the page's chart: app.js draws whatever the URL names.
  function pick(r, t) {
    const p = new URLSearchParams(location.search);
    p.set('from', r.from_occupation_code);
    p.set('to', t.code);
    if (r.domain === 'knowledge') p.set('domain', 'knowledge');
    else p.delete('domain');
    history.pushState(null, '', '/?' + p.toString());
    window.dispatchEvent(new PopStateEvent('popstate'));
    const result = $('result');
    const reveal = () => {
      if (!result.hidden) result.scrollIntoView({ block: 'nearest' });
    };
    new MutationObserver((_, obs) => {
      reveal();
      obs.disconnect();
    }).observe(result, { attributes: true, attributeFilter: ['hidden'] });
    reveal();
  }

  // The options: written into the URL (replacing the entry: they refine the view, not a step).
  function setOption(name, value, dflt) {
    const p = new URLSearchParams(location.search);
    if (value && value !== dflt) p.set(name, value);
    else p.delete(name);
    history.replaceState(null, '', '/?' + p.toString());
    load();
  }

  $('tr-job-zone').addEventListener('change', (ev) => setOption('job_zone', ev.target.value, 'any'));
  $('tr-domain').addEventListener('change', (ev) => setOption('tr_domain', ev.target.value, 'skills'));

  // A "from" picked in the form: rank from it, and keep it in the URL (without a "to", app.js
  // does not write the URL itself).
  document.addEventListener('occupation-chosen', (ev) => {
    const { side, occupation } = ev.detail || {};
    if (side !== 'from') return;
    const p = new URLSearchParams(location.search);
    const code = occupation && occupation.code;
    if ((p.get('from') || '') === (code || '')) return;
    if (code && CODE_RE.test(code)) p.set('from', code);
    else p.delete('from');
    history.replaceState(null, '', '/?' + p.toString());
    load();
  });
  window.addEventListener('popstate', load);
  load();
})();
