// The skill-gap page: plain JavaScript, no build step, no request to anything but this server.
// The selection lives in the query string (/?from=CODE&to=CODE&min_gap=...), so a result can be
// shared and a reload shows it again.
'use strict';

(() => {
  const SVG = 'http://www.w3.org/2000/svg';
  const MAX_LEVEL = 7;  // O*NET's Level (LV) scale runs 0-7
  const PARAMS = ['from', 'to', 'min_gap', 'min_importance', 'source', 'domain'];
  const KEPT = ['job_zone', 'tr_domain'];  // other panels' URL state (transitions.js): kept, never sent to /skill-gap
  const CODE_RE = /^\d\d-\d{4}(\.\d\d)?$/;

  const $ = (id) => document.getElementById(id);
  const state = { from: null, to: null };  // {code, title} once chosen
  let lastGaps = null;                      // what the chart shows, to redraw on resize
  let runSeq = 0;

  // ---- talking to the API -------------------------------------------------------------------

  class ApiError extends Error {
    constructor(message, code, status) {
      super(message);
      this.code = code || '';
      this.status = status || 0;
    }
  }

  // The API's envelope: {success, message, result} (+ error). Failures become ApiError with the
  // server's own message, without its "Error: " prefix.
  async function api(path) {
    let res;
    try {
      res = await fetch(path, { headers: { Accept: 'application/json' } });
    } catch (e) {
      throw new ApiError('The server could not be reached. Check the connection and try again.', 'network');
    }
    let body = null;
    try {
      body = await res.json();
    } catch (e) {
      body = null;
    }
    if (!res.ok || !body || body.success !== true) {
      const msg = body && typeof body.message === 'string' && body.message
        ? body.message.replace(/^Error:\s*/, '')
        : `The server answered ${res.status} ${res.statusText || ''}`.trim() + '.';
      throw new ApiError(msg, body && body.error, res.status);
    }
    return body;
  }

  // ---- formatting ---------------------------------------------------------------------------

  const fmt = (v) => (v === null || v === undefined ? '–' : Number(v).toFixed(2));

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function svg(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // ---- occupation pickers (ARIA combobox + listbox) -----------------------------------------

  function setupPicker(side) {
    const input = $(side + '-input');
    const list = $(side + '-list');
    let items = [];
    let active = -1;
    let seq = 0;
    let timer = 0;

    function close() {
      list.hidden = true;
      list.replaceChildren();
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
      active = -1;
    }

    function highlight(i) {
      active = i;
      list.querySelectorAll('[role=option]').forEach((li, j) => li.setAttribute('aria-selected', String(j === i)));
      if (i >= 0 && items[i]) {
        const id = `${side}-opt-${i}`;
        input.setAttribute('aria-activedescendant', id);
        const li = $(id);
        if (li) li.scrollIntoView({ block: 'nearest' });
      } else {
        input.removeAttribute('aria-activedescendant');
      }
    }

    function open(message) {
      list.replaceChildren();
      if (message) {
        list.append(el('li', { class: 'empty', role: 'option', 'aria-disabled': 'true', 'aria-selected': 'false' }, message));
      }
      items.forEach((o, i) => {
        const li = el('li', { id: `${side}-opt-${i}`, role: 'option', 'aria-selected': 'false', 'data-code': o.code });
        li.append(el('span', { class: 'opt-title' }, o.title), el('span', { class: 'opt-code' }, o.code));
        // Found by another of its titles ("RN", "Software Engineer"): say which, so the hit makes sense.
        const m = o.matched;
        if (m && m.field !== 'title' && m.field !== 'code') {
          li.append(el('span', { class: 'opt-matched', 'data-testid': 'opt-matched' },
            `${m.field === 'reported_title' ? 'reported as' : 'also called'} “${m.text}”`));
        }
        li.addEventListener('mousedown', (ev) => ev.preventDefault());  // keep the focus in the input
        li.addEventListener('click', () => choose(o));
        list.append(li);
      });
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      active = -1;
    }

    function choose(o) {
      setChoice(side, o);
      close();
      if (state.from && state.to) submit();
    }

    async function search() {
      const q = input.value.trim().slice(0, 100);
      const mine = ++seq;
      if (!q) {
        close();
        return;
      }
      try {
        const body = await api('/occupations?limit=12&q=' + encodeURIComponent(q));
        if (mine !== seq) return;
        items = body.result.occupations;
        open(items.length ? '' : `No occupation matches “${q}”.`);
      } catch (e) {
        if (mine !== seq) return;
        items = [];
        open(e.message);
      }
    }

    input.addEventListener('input', () => {
      state[side] = null;
      showChosen(side);
      clearTimeout(timer);
      timer = setTimeout(search, 120);
    });
    input.addEventListener('focus', () => {
      if (input.value.trim() && !state[side]) search();
    });
    input.addEventListener('blur', () => setTimeout(close, 150));
    input.addEventListener('keydown', (ev) => {
      const isOpen = !list.hidden && items.length > 0;
      if (ev.key === 'ArrowDown') {
        ev.preventDefault();
        if (!isOpen) search();
        else highlight(Math.min(active + 1, items.length - 1));
      } else if (ev.key === 'ArrowUp') {
        if (isOpen) {
          ev.preventDefault();
          highlight(Math.max(active - 1, 0));
        }
      } else if (ev.key === 'Enter') {
        if (isOpen && active >= 0) {
          ev.preventDefault();
          choose(items[active]);
        } else if (isOpen && items.length === 1) {
          ev.preventDefault();
          choose(items[0]);
        }
      } else if (ev.key === 'Escape') {
        if (!list.hidden) {
          ev.preventDefault();
          close();
        }
      }
    });
  }

  function setChoice(side, o) {
    state[side] = o;
    if (o) $(side + '-input').value = o.title || o.code;
    showChosen(side);
    document.dispatchEvent(new CustomEvent('occupation-chosen', { detail: { side, occupation: o } }));
  }

  function showChosen(side) {
    const o = state[side];
    $(side + '-chosen').textContent = o ? (o.title ? `${o.code} · ${o.title}` : o.code) : '';
  }

  // ---- options and the URL -------------------------------------------------------------------

  function optionInputs() {
    return { min_gap: $('min-gap'), min_importance: $('min-importance'), source: $('source'), domain: $('domain') };
  }

  // The request the form describes, or a message saying what is missing.
  function paramsFromForm() {
    const p = new URLSearchParams();
    for (const side of ['from', 'to']) {
      let code = state[side] && state[side].code;
      const typed = $(side + '-input').value.trim();
      if (!code && CODE_RE.test(typed)) code = typed;  // a code typed in full needs no pick
      if (!code) {
        return { problem: `Choose the “${side}” occupation: type part of its title or its code, then pick it from the list.` };
      }
      p.set(side, code);
    }
    for (const [name, input] of Object.entries(optionInputs())) {
      const v = input.value.trim();
      if (v !== '') p.set(name, v);
    }
    return { params: p };
  }

  function paramsFromUrl() {
    const url = new URLSearchParams(location.search);
    const p = new URLSearchParams();
    for (const name of PARAMS) {
      const v = url.get(name);
      if (v !== null && v !== '') p.set(name, v);
    }
    return p;
  }

  function fillForm(p) {
    for (const side of ['from', 'to']) {
      const code = p.get(side);
      const cur = state[side];
      if (!code) {
        setChoice(side, null);
        $(side + '-input').value = '';
      } else if (!cur || cur.code !== code) setChoice(side, { code, title: '' });
    }
    for (const [name, input] of Object.entries(optionInputs())) input.value = p.get(name) || '';
    if (['min_gap', 'min_importance', 'source', 'domain'].some((n) => p.has(n))) $('pick').querySelector('details').open = true;
  }

  // ---- showing a result -----------------------------------------------------------------------

  function showError(message) {
    const box = $('error');
    box.replaceChildren(el('strong', {}, 'Could not show the gap. '), document.createTextNode(message));
    box.hidden = false;
    box.scrollIntoView({ block: 'nearest' });
  }

  function clearError() {
    $('error').hidden = true;
    $('error').replaceChildren();
  }

  function submit() {
    const { params, problem } = paramsFromForm();
    if (problem) {
      $('result').hidden = true;
      showError(problem);
      return;
    }
    const shown = new URLSearchParams(params);
    for (const name of KEPT) {
      const v = new URLSearchParams(location.search).get(name);
      if (v) shown.set(name, v);
    }
    const url = '/?' + shown.toString();
    if (location.pathname + location.search !== url) history.pushState(null, '', url);
    run(params, true);
  }

  async function run(params, scroll) {
    const mine = ++runSeq;
    clearError();
    $('status').textContent = 'Loading…';
    $('go').disabled = true;
    try {
      const body = await api('/skill-gap?' + params.toString());
      if (mine !== runSeq) return;
      const r = body.result;
      setChoice('from', { code: r.from_occupation_code, title: r.from_occupation_title });
      setChoice('to', { code: r.to_occupation_code, title: r.to_occupation_title });
      render(r);
      if (scroll) $('result').scrollIntoView({ block: 'nearest' });
      $('status').textContent = `${r.gap_count} gap${r.gap_count === 1 ? '' : 's'} found.`;
    } catch (e) {
      if (mine !== runSeq) return;
      $('result').hidden = true;
      lastGaps = null;
      $('status').textContent = '';
      showError(e.message);
    } finally {
      if (mine === runSeq) $('go').disabled = false;
    }
  }

  function render(r) {
    const what = r.domain === 'knowledge' ? 'knowledge areas' : r.domain === 'all' ? 'skills and knowledge areas' : 'skills';
    $('result-title').textContent = `${r.from_occupation_title} → ${r.to_occupation_title}`;
    const release = r.onet_release ? `O*NET ${r.onet_release}` : 'O*NET';
    $('summary').textContent = r.gap_count === 0
      ? `No gaps: ${r.from_occupation_title} (${r.from_occupation_code}) already has all ${r.required_count} ${what} ` +
        `${r.to_occupation_title} (${r.to_occupation_code}) requires at its level${filtered(r) ? ' (with these options)' : ''}.`
      : `${r.gap_count} of the ${r.required_count} ${what} required by ${r.to_occupation_title} (${r.to_occupation_code}) ` +
        `are missing or at a lower level in ${r.from_occupation_title} (${r.from_occupation_code})` +
        `${filtered(r) ? ', with these options' : ''}. Level scale 0–7, ${release} data.`;

    const note = $('estimate-note');
    if (typeof r.note === 'string' && r.note) {  // the API's own words, when it has some
      note.textContent = r.note;
      note.hidden = false;
    } else if (r.value_source === 'llm') {
      note.textContent = 'These values are model estimates (from a language model), not O*NET survey ratings.';
      note.hidden = false;
    } else if (r.value_source === 'refined') {
      note.textContent = 'These values are O*NET ratings refined with model estimates (from a language model) where enrichment ran.';
      note.hidden = false;
    } else {
      note.hidden = true;
    }

    $('result').hidden = false;  // first: the chart is drawn to the width it gets
    lastGaps = r.skill_gaps;
    $('gap-table').dataset.domains = r.domain;
    drawChart();
    fillTable(r.skill_gaps);
    renderExplanations(r);
    $('share-link').href = location.href;
  }

  function filtered(r) {
    const o = r.options || {};
    return (o.min_gap || 0) > 0 || (o.min_importance !== null && o.min_importance !== undefined);
  }

  function fillTable(gaps) {
    const tbody = $('gap-table').querySelector('tbody');
    tbody.replaceChildren();
    for (const g of gaps) {
      const tr = el('tr', { 'data-testid': 'gap-row', 'data-element-id': g.element_id });
      tr.append(elementCell(g));
      const from = el('td', { class: 'num' }, g.from_missing ? 'none' : fmt(g.from_data_value));
      if (g.from_missing) from.title = 'The source occupation has no level rating for this element (counted as 0).';
      const to = el('td', { class: 'num' }, fmt(g.to_data_value));
      markEstimate(from, g.from_estimated, g.from_interval, g.from_value_source);
      markEstimate(to, g.to_estimated, g.to_interval, g.to_value_source);
      const sig = g.significant === true ? 'yes' : g.significant === false ? 'no' : '–';
      const sigCell = el('td', { class: 'sig', 'data-testid': 'significant' }, sig);
      sigCell.title = g.significant === null || g.significant === undefined
        ? 'Unknown: a value has no stated uncertainty'
        : 'Whether the gap is larger than the two values\' own uncertainty explains (95 % test)';
      tr.append(from, to, el('td', { class: 'num gap' }, fmt(g.gap)), el('td', { class: 'num' }, fmt(g.importance)), sigCell);
      tbody.append(tr);
    }
    $('gap-table').closest('.table-wrap').hidden = gaps.length === 0;
  }

  // An estimated value: an "estimate" tag after the number, the interval in its tooltip.
  function markEstimate(cell, estimated, interval, source) {
    if (!estimated) return;
    cell.classList.add('estimated');
    cell.append(' ', el('span', { class: 'tag', 'data-testid': 'estimate-tag' }, source === 'estimate' ? 'estimate' : 'model'));
    if (Array.isArray(interval)) cell.title = `Estimate; 80 % interval ${fmt(interval[0])}–${fmt(interval[1])}`;
  }

  // One row per gap, in the API's order: the element's name and gap on a line, then the source's
  // level (grey) and the target's (blue) on the 0-7 scale, the missing part highlighted.
  function drawChart() {
    const box = $('chart');
    box.replaceChildren();
    const gaps = lastGaps;
    if (!gaps || gaps.length === 0) {
      box.hidden = true;
      return;
    }
    box.hidden = false;
    const width = Math.max(260, Math.floor(box.clientWidth || 600));
    const left = 8;
    const right = 12;
    const plot = width - left - right;
    const axisH = 22;
    const rowH = 52;
    const height = axisH + rowH * gaps.length + 4;
    const x = (v) => left + (Math.max(0, Math.min(MAX_LEVEL, v)) / MAX_LEVEL) * plot;

    const root = svg('svg', {
      width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': 'chart-title chart-desc',
      class: 'gap-chart',
    });
    root.append(svg('title', { id: 'chart-title' }, `Skill gaps: ${gaps.length} element${gaps.length === 1 ? '' : 's'}`));
    root.append(svg('desc', { id: 'chart-desc' },
      'Bars per element: the source occupation\'s level and the target\'s level on the 0 to 7 scale, the gap highlighted. ' +
      'The same numbers are in the table below.'));

    const grid = svg('g', { class: 'grid' });
    for (let t = 0; t <= MAX_LEVEL; ++t) {
      grid.append(svg('line', { x1: x(t), x2: x(t), y1: axisH - 4, y2: height - 2 }));
      grid.append(svg('text', { x: x(t), y: 12, 'text-anchor': t === 0 ? 'start' : t === MAX_LEVEL ? 'end' : 'middle' }, String(t)));
    }
    root.append(grid);
    const defs = svg('defs', {});
    const hatch = svg('pattern', { id: 'hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' });
    hatch.append(svg('rect', { width: 6, height: 6, class: 'hatch-bg' }), svg('line', { x1: 0, y1: 0, x2: 0, y2: 6, class: 'hatch-line' }));
    defs.append(hatch);
    root.append(defs);
    box.append(root);  // in the document, so text can be measured

    gaps.forEach((g, i) => {
      const y = axisH + i * rowH;
      const row = svg('g', {
        class: 'gap-row' + (g.from_missing ? ' missing' : ''), 'data-testid': 'gap-bar', 'data-element-id': g.element_id,
      });
      row.append(svg('title', {},
        `${g.element_name}: from ${g.from_missing ? 'not rated (0)' : fmt(g.from_data_value)} to ${fmt(g.to_data_value)}, ` +
        `gap ${fmt(g.gap)}${g.importance === null || g.importance === undefined ? '' : `, importance ${fmt(g.importance)}`}`));
      const gapText = svg('text', { x: width - right, y: y + 14, class: 'gap-value', 'text-anchor': 'end' }, '+' + fmt(g.gap));
      row.append(gapText);
      const name = svg('text', { x: left, y: y + 14, class: 'label' }, g.element_name);
      row.append(name);
      // Estimated values are hatched (the pattern is defined once per chart), with their 80 %
      // interval drawn as a whisker.
      row.append(svg('rect', {
        x: left, y: y + 20, width: Math.max(0, x(g.from_data_value) - left), height: 11, rx: 2,
        class: 'bar-from' + (g.from_estimated ? ' estimated' : ''),
      }));
      row.append(svg('rect', {
        x: left, y: y + 34, width: Math.max(0, x(g.to_data_value) - left), height: 11, rx: 2,
        class: 'bar-to' + (g.to_estimated ? ' estimated' : ''),
      }));
      row.append(svg('rect', {
        x: x(g.from_data_value), y: y + 34, width: Math.max(1, x(g.to_data_value) - x(g.from_data_value)), height: 11,
        class: 'bar-gap' + (g.to_estimated ? ' estimated' : ''),
      }));
      for (const [iv, yy] of [[g.from_interval, y + 25.5], [g.to_interval, y + 39.5]]) {
        if (!Array.isArray(iv)) continue;
        const w = svg('g', { class: 'whisker', 'data-testid': 'interval' });
        w.append(svg('line', { x1: x(iv[0]), x2: x(iv[1]), y1: yy, y2: yy }));
        w.append(svg('line', { x1: x(iv[0]), x2: x(iv[0]), y1: yy - 4, y2: yy + 4 }));
        w.append(svg('line', { x1: x(iv[1]), x2: x(iv[1]), y1: yy - 4, y2: yy + 4 }));
        row.append(w);
      }
      if (g.from_missing || !(g.from_data_value > 0)) {
        row.append(svg('text', { x: left + 2, y: y + 29, class: 'none' }, g.from_missing ? 'not rated' : '0'));
      }
      root.append(row);
      // A name too long for the line is shortened with an ellipsis (the table has it in full).
      const room = width - right - left - gapText.getComputedTextLength() - 10;
      if (name.getComputedTextLength() > room) {
        let s = g.element_name;
        while (s.length > 1 && name.getComputedTextLength() > room) {
          s = s.slice(0, -1);
          name.textContent = s.trimEnd() + '…';
        }
      }
    });
  }

  // ---- explanations: level anchors, technologies, job zone and education -------------------

  // "Between “…” (2) and “…” (4)": what a level means, in O*NET's anchor texts.
  function anchorText(value, a) {
    const low = a.at_or_below;
    const high = a.above;
    const q = (x) => `“${x.description}” (${x.value})`;
    if (low && Number(low.value).toFixed(2) === Number(value).toFixed(2)) return `at ${q(low)}`;
    if (low && high) return `between ${q(low)} and ${q(high)}`;
    if (high) return `below ${q(high)}`;
    return `above ${q(low)}`;
  }

  // The element cell of a gap row: the name, its domain when several are compared, and the
  // anchor texts of both levels as a second line (plain text: readable on touch screens too).
  function elementCell(g) {
    const th = el('th', { scope: 'row' });
    th.append(el('span', { class: 'el-name' }, g.element_name));
    if ($('gap-table').dataset.domains === 'all' && g.domain) {
      th.append(el('span', { class: 'domain-tag', 'data-testid': 'domain-tag' }, g.domain));
    }
    if (g.from_anchor || g.to_anchor) {
      const box = el('div', { class: 'anchors', 'data-testid': 'gap-anchors' });
      if (g.from_anchor) {
        box.append(el('div', { class: 'anchor-from' },
          `From ${g.from_missing ? 'none' : fmt(g.from_data_value)}: ${anchorText(g.from_data_value, g.from_anchor)}`));
      }
      if (g.to_anchor) box.append(el('div', { class: 'anchor-to' }, `To ${fmt(g.to_data_value)}: ${anchorText(g.to_data_value, g.to_anchor)}`));
      th.append(box);
    }
    return th;
  }

  // "Post-Secondary Certificate - awarded for …" -> "Post-Secondary Certificate".
  const shortEducation = (d) => d.split(/ - | \(/)[0];

  function renderZoneBanner(r) {
    const box = $('zone-banner');
    box.replaceChildren();
    const z = r.job_zone || {};
    const ed = r.education || {};
    const parts = [];
    if (z.from && z.to) parts.push(`Job zone ${z.from.job_zone} → ${z.to.job_zone} (${z.step_label})`);
    else if (z.to) parts.push(`Job zone ${z.to.job_zone}`);
    if (ed.to) {
      const pct = Math.round(ed.to.percent);
      parts.push(`${shortEducation(ed.to.description)} ${pct >= 50 ? 'usually needed' : 'most common'} ` +
        `(${pct} % of ${r.to_occupation_title}` +
        (ed.from ? `; ${shortEducation(ed.from.description)} for ${Math.round(ed.from.percent)} % of ${r.from_occupation_title})` : ')'));
    }
    if (parts.length === 0) {
      box.hidden = true;
      return;
    }
    box.append(el('strong', { 'data-testid': 'zone-line' }, parts.join(': ')));
    if (z.to) box.append(el('p', { class: 'zone-detail' }, `${z.to.name}. ${z.to.education}`));
    box.hidden = false;
  }

  function renderTechnologies(r) {
    const list = $('tech-list');
    list.replaceChildren();
    const techs = r.technology_gaps || [];
    const total = r.technology_gap_count || 0;
    $('tech').hidden = total === 0;
    if (total === 0) return;
    $('tech-summary').textContent = `${total} kind${total === 1 ? '' : 's'} of technology ${r.to_occupation_title} use that ` +
      `${r.from_occupation_title} do not list` + (total > techs.length ? ` (the first ${techs.length} shown)` : '') +
      '. Hot technologies and those in demand first.';
    for (const t of techs) {
      const li = el('li', { 'data-testid': 'tech-item', 'data-code': String(t.commodity_code) });
      const head = el('div', { class: 'tech-head' });
      head.append(el('span', { class: 'tech-title' }, t.commodity_title));
      if (t.hot_technology) head.append(el('span', { class: 'badge hot', 'data-testid': 'badge-hot' }, 'Hot'));
      if (t.in_demand) head.append(el('span', { class: 'badge demand', 'data-testid': 'badge-demand' }, 'In demand'));
      li.append(head);
      const names = t.examples.map((e) => e.name + (e.hot_technology ? ' (hot)' : ''));
      const more = t.example_count - t.examples.length;
      li.append(el('div', { class: 'tech-examples' }, names.join(', ') + (more > 0 ? `, and ${more} more` : '')));
      list.append(li);
    }
  }

  function renderExplanations(r) {
    renderZoneBanner(r);
    renderTechnologies(r);
  }

  // ---- wiring --------------------------------------------------------------------------------

  function fromUrl() {
    const p = paramsFromUrl();
    fillForm(p);
    if (p.get('from') && p.get('to')) {
      run(p);
    } else {
      runSeq++;
      $('result').hidden = true;
      lastGaps = null;
      clearError();
      $('status').textContent = '';
    }
  }

  function init() {
    setupPicker('from');
    setupPicker('to');
    $('pick').addEventListener('submit', (ev) => {
      ev.preventDefault();
      submit();
    });
    $('swap').addEventListener('click', () => {
      const a = state.from;
      const aText = $('from-input').value;
      state.from = state.to;
      $('from-input').value = $('to-input').value;
      state.to = a;
      $('to-input').value = aText;
      showChosen('from');
      showChosen('to');
      if (state.from && state.to) submit();
    });
    window.addEventListener('popstate', fromUrl);
    let lastWidth = $('chart').clientWidth;
    new ResizeObserver(() => {
      const w = $('chart').clientWidth;
      if (w !== lastWidth && lastGaps) {
        lastWidth = w;
        drawChart();
      }
    }).observe($('chart'));
    fromUrl();
  }

  init();
})();
