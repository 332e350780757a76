// The web page at / in a real browser: Debian's headless Chromium driven by playwright-core,
// against a real skillgap-api on loopback serving the onet_mini fixture (tests/web/run.sh
// builds the database and starts the server). Every number the page shows is compared with
// what the API itself answers for the same request.
//
//   BASE_URL      http://127.0.0.1:PORT of the running server
//   OUT_DIR       where node_modules is and the screenshots go (the build folder)
//   CHROMIUM      the browser (default /usr/bin/chromium)
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';

const BASE = process.env.BASE_URL;
const OUT = process.env.OUT_DIR;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
if (!BASE || !OUT) {
  console.error('usage: BASE_URL=http://127.0.0.1:PORT OUT_DIR=DIR node browser.test.mjs');
  process.exit(2);
}
const { chromium } = createRequire(path.join(OUT, 'package.json'))('playwright-core');
const base = new URL(BASE);

// ---- a tiny runner: named checks in order, one line each, a closing count --------------------

let passed = 0;
let failed = 0;
async function check(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok - ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++;
    console.log(`not ok - ${name} (${Date.now() - t0} ms)`);
    console.log(String(e && e.stack ? e.stack : e).split('\n').map((l) => '    ' + l).join('\n'));
  }
}

// ---- the API, asked directly --------------------------------------------------------------------

async function apiGet(p) {
  const res = await fetch(new URL(p, BASE));
  return { status: res.status, headers: res.headers, body: await res.json() };
}
const fmt = (v) => (v === null || v === undefined ? '–' : Number(v).toFixed(2));
const readable = (message) => message.replace(/^Error:\s*/, '');

// ---- the browser ----------------------------------------------------------------------------------

const profile = mkdtempSync(path.join(tmpdir(), 'skillgap-web-'));
const context0 = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
  viewport: { width: 1100, height: 900 },
});

// Every request any page makes, to prove nothing leaves loopback.
const foreign = [];
function watch(context) {
  context.on('request', (r) => {
    const u = new URL(r.url());
    if (u.protocol === 'data:') return;
    if (u.hostname !== base.hostname || u.port !== base.port) foreign.push(r.url());
  });
  return context;
}
watch(context0);

// A page that records its console errors and uncaught exceptions.
async function newPage(context) {
  const page = await context.newPage();
  page.errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') page.errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
  return page;
}

// A second, separate browser profile: "someone else opening the shared link".
let other = null;
async function freshContext(options) {
  if (!other) {
    const dir = mkdtempSync(path.join(tmpdir(), 'skillgap-web-'));
    other = { dir, context: null };
    other.context = watch(await chromium.launchPersistentContext(dir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
      ...options,
    }));
  }
  return other.context;
}

async function waitForResult(page) {
  await page.waitForFunction(() => {
    const r = document.getElementById('result');
    const e = document.getElementById('error');
    return (r && !r.hidden) || (e && !e.hidden);
  }, null, { timeout: 10000 });
}

// What the page shows: chart rows and table rows, in order.
async function shown(page) {
  return page.evaluate(() => ({
    bars: [...document.querySelectorAll('[data-testid=gap-bar]')].map((g) => ({
      id: g.getAttribute('data-element-id'),
      gapWidth: Number(g.querySelector('.bar-gap').getAttribute('width')),
      fromWidth: Number(g.querySelector('.bar-from').getAttribute('width')),
      toWidth: Number(g.querySelector('.bar-to').getAttribute('width')),
    })),
    rows: [...document.querySelectorAll('#gap-table tbody tr')].map((tr) => ({
      id: tr.getAttribute('data-element-id'),
      // The element cell also holds the anchor texts (checked separately): its name part here.
      cells: [...tr.children].map((c) => (c.querySelector('.el-name') || c).textContent.trim()),
    })),
    title: document.getElementById('result-title').textContent,
    error: document.getElementById('error').hidden ? null : document.getElementById('error').textContent,
  }));
}

function expectMatches(view, gaps) {
  assert.equal(view.bars.length, gaps.length, 'one chart bar per gap the API returned');
  assert.equal(view.rows.length, gaps.length, 'one table row per gap the API returned');
  assert.deepEqual(view.bars.map((b) => b.id), gaps.map((g) => g.element_id), 'chart in the API order');
  // An estimated value carries a tag after its number ("estimate" for a text estimate).
  const tag = (estimated, source) => (estimated ? (source === 'estimate' ? ' estimate' : ' model') : '');
  const sig = (s) => (s === true ? 'yes' : s === false ? 'no' : '–');
  gaps.forEach((g, i) => {
    assert.deepEqual(view.rows[i].cells,
      [g.element_name, (g.from_missing ? 'none' : fmt(g.from_data_value)) + tag(g.from_estimated, g.from_value_source),
        fmt(g.to_data_value) + tag(g.to_estimated, g.to_value_source), fmt(g.gap), fmt(g.importance), sig(g.significant)],
      `table row ${i} (${g.element_id})`);
    const b = view.bars[i];
    assert.ok(b.gapWidth > 0, `bar ${g.element_id}: the gap is highlighted`);
    assert.ok(b.toWidth > b.fromWidth, `bar ${g.element_id}: the target's level is drawn longer than the source's`);
  });
}

const t0 = Date.now();
let pair = null;   // {from, to, gaps}: the fixture pair with the most gaps
let shared = '';   // the URL the page put in the address bar for it
let occupations = [];

await check('the server serves the page, its script and its style with the right types', async () => {
  for (const [p, type] of [['/', 'text/html'], ['/app.js', 'text/javascript'], ['/style.css', 'text/css']]) {
    const res = await fetch(new URL(p, BASE));
    assert.equal(res.status, 200, p);
    assert.ok(res.headers.get('content-type').startsWith(type), `${p}: ${res.headers.get('content-type')}`);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff', p);
    assert.ok((await res.text()).length > 100, p);
  }
  const csp = (await fetch(new URL('/', BASE))).headers.get('content-security-policy');
  assert.match(csp, /default-src 'none'/);
  assert.equal((await fetch(new URL('/index.html', BASE))).status, 404, 'exact paths only');
  const post = await fetch(new URL('/', BASE), { method: 'POST' });
  assert.equal(post.status, 405);
  const metrics = await (await fetch(new URL('/metrics', BASE))).text();
  assert.ok(metrics.includes('skillgap_http_requests_total{route="/",status="200"}'), 'metrics label from the asset table');
  assert.ok(metrics.includes('skillgap_http_requests_total{route="/app.js",status="200"}'));
});

await check('fixture: the pair with the most gaps, from the API', async () => {
  const list = await apiGet('/occupations?limit=100');
  occupations = list.body.result.occupations;
  assert.ok(occupations.length >= 3, 'the fixture has occupations');
  for (const a of occupations) {
    for (const b of occupations) {
      if (a.code === b.code) continue;
      const r = await apiGet(`/skill-gap?from=${a.code}&to=${b.code}`);
      if (r.status !== 200 || r.body.result.value_source !== 'onet') continue;  // O*NET's values on both sides
      const gaps = r.body.result.skill_gaps;
      if (!pair || gaps.length > pair.gaps.length) pair = { from: a, to: b, gaps };
    }
  }
  assert.ok(pair && pair.gaps.length >= 2, 'some pair has at least two gaps');
  console.log(`    pair: ${pair.from.code} ${pair.from.title} -> ${pair.to.code} ${pair.to.title}: ${pair.gaps.length} gaps`);
});

const page = await newPage(context0);

await check('the page loads without console errors', async () => {
  const res = await page.goto(BASE + '/', { waitUntil: 'load' });
  assert.equal(res.status(), 200);
  assert.equal(await page.title(), 'Skill gap between occupations');
  assert.ok(await page.getByRole('combobox', { name: 'From occupation' }).isVisible());
  assert.ok(await page.getByRole('combobox', { name: 'To occupation' }).isVisible());
  await page.waitForTimeout(200);
  assert.deepEqual(page.errors, []);
});

await check('a search returns the real titles of the fixture', async () => {
  const q = pair.from.title.split(/\s+/)[0].toLowerCase();
  const api = await apiGet(`/occupations?limit=12&q=${encodeURIComponent(q)}`);
  const expected = api.body.result.occupations.map((o) => o.title);
  assert.ok(expected.includes(pair.from.title));
  await page.getByLabel('From occupation').fill(q);
  await page.locator('#from-list [role=option][data-code]').first().waitFor({ timeout: 5000 });
  const titles = await page.locator('#from-list [role=option] .opt-title').allTextContents();
  assert.deepEqual(titles, expected);
  const none = 'zzzz-no-such-title';
  await page.getByLabel('From occupation').fill(none);
  await page.locator('#from-list .empty').waitFor({ timeout: 5000 });
  assert.match(await page.locator('#from-list .empty').textContent(), /No occupation matches/);
});

await check('a search by an alternate or reported title lists the occupation and says which title matched', async () => {
  for (const [q, prefix] of [['Spreadsheet Engineer', 'also called'], ['Moat Builder', 'reported as']]) {
    const api = await apiGet(`/occupations?limit=12&q=${encodeURIComponent(q)}`);
    const first = api.body.result.occupations[0];
    assert.ok(first && first.matched.field !== 'title', `${q}: ${JSON.stringify(api.body)}`);
    await page.getByLabel('From occupation').fill(q);
    const option = page.locator(`#from-list [role=option][data-code="${first.code}"]`);
    await option.waitFor({ timeout: 5000 });
    assert.equal(await option.locator('.opt-title').textContent(), first.title);
    assert.equal(await option.getByTestId('opt-matched').textContent(), `${prefix} “${first.matched.text}”`);
  }
  await page.getByLabel('From occupation').fill('');
});

await check('picking from (mouse) and to (keyboard) shows the chart and the table the API returned', async () => {
  await page.getByLabel('From occupation').fill(pair.from.title);
  await page.locator(`#from-list [role=option][data-code="${pair.from.code}"]`).click();
  assert.match(await page.locator('#from-chosen').textContent(), new RegExp(pair.from.code.replace('.', '\\.')));
  const to = page.getByLabel('To occupation');
  await to.fill(pair.to.code);  // a code works as a search too
  await page.locator(`#to-list [role=option][data-code="${pair.to.code}"]`).waitFor({ timeout: 5000 });
  await to.press('ArrowDown');
  assert.equal(await to.getAttribute('aria-activedescendant'), 'to-opt-0');
  await to.press('Enter');   // picking the second side runs the comparison
  await waitForResult(page);
  const view = await shown(page);
  assert.equal(view.error, null);
  assert.equal(view.title, `${pair.from.title} → ${pair.to.title}`);
  expectMatches(view, pair.gaps);
  shared = page.url();
  const u = new URL(shared);
  assert.equal(u.searchParams.get('from'), pair.from.code);
  assert.equal(u.searchParams.get('to'), pair.to.code);
  assert.equal(u.host, base.host);
  assert.deepEqual(page.errors, []);
  await page.screenshot({ path: path.join(OUT, 'skillgap.png'), fullPage: true });
});

await check('the URL keeps the selection: reload and a fresh browser show the same result', async () => {
  const before = await shown(page);
  await page.reload({ waitUntil: 'load' });
  await waitForResult(page);
  assert.deepEqual(await shown(page), before, 'after reload');
  const ctx = await freshContext({ viewport: { width: 1100, height: 900 } });
  const p2 = await newPage(ctx);
  await p2.goto(shared, { waitUntil: 'load' });
  await waitForResult(p2);
  assert.deepEqual(await shown(p2), before, 'in a fresh browser profile');
  assert.equal(await p2.getByLabel('From occupation').inputValue(), pair.from.title);
  assert.equal(await p2.getByLabel('To occupation').inputValue(), pair.to.title);
  assert.deepEqual(p2.errors, []);
  await p2.close();
});

await check('options travel in the URL and match the API (min_gap)', async () => {
  const g = pair.gaps.map((x) => x.gap).sort((a, b) => a - b);
  const minGap = g[Math.floor(g.length / 2)];  // leaves some out, keeps some
  const api = await apiGet(`/skill-gap?from=${pair.from.code}&to=${pair.to.code}&min_gap=${minGap}`);
  assert.equal(api.status, 200);
  assert.ok(api.body.result.skill_gaps.length < pair.gaps.length);
  await page.goto(`${BASE}/?from=${pair.from.code}&to=${pair.to.code}&min_gap=${minGap}`, { waitUntil: 'load' });
  await waitForResult(page);
  expectMatches(await shown(page), api.body.result.skill_gaps);
  assert.equal(await page.locator('#min-gap').inputValue(), String(minGap));
  // Changing an option in the form updates the URL.
  await page.locator('#min-gap').fill('0');
  await page.getByRole('button', { name: 'Show the gap' }).click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=gap-bar]').length === n, pair.gaps.length);
  assert.equal(new URL(page.url()).searchParams.get('min_gap'), '0');
  await page.goBack();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=gap-bar]').length === n,
    api.body.result.skill_gaps.length);
});

for (const [label, from] of [['an unknown code', '99-9999.00'], ['an occupation without ratings', null], ['a malformed code', 'abc']]) {
  await check(`${label} shows the API's error message`, async () => {
    let code = from;
    if (code === null) {
      // The fixture's occupation without O*NET ratings (47-9901.00 Castle Moat Installers), with
      // O*NET's own values asked for (under auto it is answered from its text estimates).
      for (const o of occupations) {
        const r = await apiGet(`/skill-gap?from=${o.code}&to=${pair.to.code}&source=onet`);
        if (r.body.error === 'no_ratings') code = o.code;
      }
      assert.ok(code, 'the fixture has an occupation without ratings');
    }
    const extra = from === null ? '&source=onet' : '';
    const api = await apiGet(`/skill-gap?from=${encodeURIComponent(code)}&to=${pair.to.code}${extra}`);
    assert.ok(api.status === 404 || api.status === 400, `status ${api.status}`);
    const p = await newPage(context0);
    await p.goto(`${BASE}/?from=${encodeURIComponent(code)}&to=${pair.to.code}${extra}`, { waitUntil: 'load' });
    await waitForResult(p);
    const view = await shown(p);
    assert.ok(view.error, 'an error is shown');
    assert.ok(view.error.includes(readable(api.body.message)), `"${view.error}" shows "${readable(api.body.message)}"`);
    assert.ok(!view.error.includes('Error: '), 'without the machine prefix');
    assert.equal(await p.getByRole('alert').isVisible(), true);
    assert.equal(view.bars.length, 0);
    assert.equal(await p.locator('#result').isHidden(), true);
    // The browser reports the failed fetch itself; nothing else may go wrong.
    assert.deepEqual(p.errors.filter((e) => !/Failed to load resource: the server responded with a status of (400|404)/.test(e)), []);
    if (from === '99-9999.00') await p.screenshot({ path: path.join(OUT, 'skillgap-error.png') });
    await p.close();
  });
}

await check('values from the LLM are called model estimates', async () => {
  // The fixture has no LLM values: the real answer, relabelled on its way to the page.
  const p = await newPage(context0);
  await p.route('**/skill-gap?*', async (route) => {
    const res = await route.fetch();
    const body = await res.json();
    body.result.value_source = 'llm';
    delete body.result.note;
    await route.fulfill({ response: res, json: body });
  });
  await p.goto(shared, { waitUntil: 'load' });
  await waitForResult(p);
  assert.equal(await p.locator('#estimate-note').isVisible(), true);
  assert.match(await p.locator('#estimate-note').textContent(), /model estimates/);
  expectMatches(await shown(p), pair.gaps);
  await p.close();
  const plain = await newPage(context0);
  await plain.goto(shared, { waitUntil: 'load' });
  await waitForResult(plain);
  assert.equal(await plain.locator('#estimate-note').isHidden(), true, 'O*NET values carry no such note');
  await plain.close();
});

await check('an estimated pair shows the estimate marking, the intervals and the note', async () => {
  // A target O*NET does not rate: its values are text estimates.
  let target = null;
  for (const o of occupations) {
    const r = await apiGet(`/skill-gap?from=${pair.from.code}&to=${o.code}`);
    if (r.status === 200 && r.body.result.to_value_source === 'estimate' && r.body.result.skill_gaps.length > 0) target = o.code;
  }
  assert.ok(target, 'the fixture has an occupation answered from estimates');
  const api = await apiGet(`/skill-gap?from=${pair.from.code}&to=${target}`);
  const p = await newPage(context0);
  await p.goto(`${BASE}/?from=${pair.from.code}&to=${target}`, { waitUntil: 'load' });
  await waitForResult(p);
  expectMatches(await shown(p), api.body.result.skill_gaps);
  assert.equal(await p.locator('#estimate-note').isVisible(), true);
  assert.equal(await p.locator('#estimate-note').textContent(), api.body.result.note);
  assert.match(api.body.result.note, /estimated from O\*NET's own text, from the rated occupations it resembles most \(the \d+ most similar: /);
  const n = api.body.result.skill_gaps.length;
  assert.equal(await p.locator('[data-testid=gap-bar] rect.bar-to.estimated').count(), n, 'every target bar hatched');
  assert.equal(await p.locator('[data-testid=gap-bar] rect.bar-from.estimated').count(), 0, 'O*NET values are not');
  assert.equal(await p.locator('[data-testid=interval]').count(), n, 'one interval whisker per estimated value');
  assert.equal(await p.locator('[data-testid=estimate-tag]').count(), n, 'an estimate tag in each row');
  assert.equal(await p.locator('[data-testid=significant]').count(), n);
  assert.deepEqual(p.errors, []);
  await p.screenshot({ path: path.join(OUT, 'skillgap-estimate.png'), fullPage: true });
  await p.close();
});

await check('at 375 px wide nothing overflows horizontally', async () => {
  const ctx = await freshContext();
  const p = await newPage(ctx);
  await p.setViewportSize({ width: 375, height: 740 });
  await p.goto(shared, { waitUntil: 'load' });
  await waitForResult(p);
  expectMatches(await shown(p), pair.gaps);
  const m = await p.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    body: document.body.scrollWidth,
    inner: window.innerWidth,
    svg: document.querySelector('.gap-chart').getBoundingClientRect().right,
    table: document.getElementById('gap-table').scrollWidth,
    tableBox: document.querySelector('.table-wrap').clientWidth,
  }));
  assert.ok(m.scroll <= m.inner, `document ${m.scroll} px wide in a ${m.inner} px window`);
  assert.ok(m.body <= m.inner, `body ${m.body} px`);
  assert.ok(m.svg <= m.inner, `chart ends at ${m.svg} px`);
  assert.ok(m.table <= m.tableBox, `table ${m.table} px wide in its ${m.tableBox} px box (no sideways scrolling)`);
  // The pickers still work there.
  await p.getByLabel('From occupation').fill(pair.to.title.split(/\s+/)[0]);
  await p.locator('#from-list [role=option][data-code]').first().waitFor({ timeout: 5000 });
  const m2 = await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  assert.ok(m2, 'no overflow with the list open');
  await p.keyboard.press('Escape');
  await p.goto(shared, { waitUntil: 'load' });
  await waitForResult(p);
  await p.screenshot({ path: path.join(OUT, 'skillgap-375.png'), fullPage: true });
  assert.deepEqual(p.errors, []);
  await p.close();
});

// ---- explanations: anchor texts per gap, technologies to learn, job zone and education ------------

// What the page shows beyond the numbers.
async function explained(page) {
  return page.evaluate(() => ({
    anchors: [...document.querySelectorAll('#gap-table tbody tr')].map((tr) => {
      const a = tr.querySelector('[data-testid=gap-anchors]');
      return a ? [...a.children].map((d) => d.textContent.trim()) : null;
    }),
    domains: [...document.querySelectorAll('#gap-table tbody tr')].map((tr) => {
      const t = tr.querySelector('[data-testid=domain-tag]');
      return t ? t.textContent : null;
    }),
    techVisible: !document.getElementById('tech').hidden,
    tech: [...document.querySelectorAll('[data-testid=tech-item]')].map((li) => ({
      code: Number(li.getAttribute('data-code')),
      title: li.querySelector('.tech-title').textContent,
      hot: !!li.querySelector('[data-testid=badge-hot]'),
      demand: !!li.querySelector('[data-testid=badge-demand]'),
      examples: li.querySelector('.tech-examples').textContent,
    })),
    banner: document.getElementById('zone-banner').hidden ? null : document.querySelector('[data-testid=zone-line]').textContent,
  }));
}

function expectExplained(view, r) {
  r.skill_gaps.forEach((g, i) => {
    const lines = view.anchors[i];
    if (!g.from_anchor && !g.to_anchor) {
      assert.equal(lines, null, `${g.element_id}: no anchors, no anchor line`);
      return;
    }
    assert.ok(lines && lines.length === 2, `${g.element_id}: a line for each level`);
    for (const [line, a, prefix] of [[lines[0], g.from_anchor, 'From '], [lines[1], g.to_anchor, 'To ']]) {
      assert.ok(line.startsWith(prefix), `${g.element_id}: "${line}"`);
      for (const x of [a.at_or_below, a.above]) {
        if (x) assert.ok(line.includes(`“${x.description}” (${x.value})`), `${g.element_id}: "${line}" names "${x.description}"`);
      }
    }
  });
  assert.equal(view.techVisible, r.technology_gap_count > 0, 'the technology list is shown when there are technologies to learn');
  assert.deepEqual(view.tech.map((t) => [t.code, t.title, t.hot, t.demand]),
    r.technology_gaps.map((t) => [t.commodity_code, t.commodity_title, t.hot_technology, t.in_demand]),
    'technologies in the API order with their badges');
  view.tech.forEach((t, i) => {
    for (const e of r.technology_gaps[i].examples) assert.ok(t.examples.includes(e.name), `${t.title}: example ${e.name}`);
  });
  const z = r.job_zone;
  if (z.from && z.to) {
    assert.ok(view.banner && view.banner.startsWith(`Job zone ${z.from.job_zone} → ${z.to.job_zone} (${z.step_label})`),
      `banner "${view.banner}"`);
  }
  if (r.education.to) assert.ok(view.banner.includes(`${Math.round(r.education.to.percent)} % of ${r.to_occupation_title}`), view.banner);
}

let explainPair = null;  // a fixture pair with anchored gaps and a hot technology to learn
await check('explanations: anchor texts per gap, technologies with badges and the job-zone banner match the API', async () => {
  for (const a of occupations) {
    for (const b of occupations) {
      const r = await apiGet(`/skill-gap?from=${a.code}&to=${b.code}`);
      if (r.status !== 200) continue;
      const res = r.body.result;
      const anchored = res.skill_gaps.filter((g) => g.to_anchor).length;
      const hot = res.technology_gaps.some((t) => t.hot_technology);
      if (anchored > 0 && hot && res.job_zone.step !== null && (!explainPair || anchored > explainPair.anchored)) {
        explainPair = { from: a.code, to: b.code, anchored, r: res };
      }
    }
  }
  assert.ok(explainPair, 'the fixture has a pair with anchors, a hot technology and two job zones');
  console.log(`    explained pair: ${explainPair.from} -> ${explainPair.to}: ${explainPair.anchored} anchored gaps, ` +
    `${explainPair.r.technology_gap_count} technologies`);
  const p = await newPage(context0);
  await p.goto(`${BASE}/?from=${explainPair.from}&to=${explainPair.to}`, { waitUntil: 'load' });
  await waitForResult(p);
  expectMatches(await shown(p), explainPair.r.skill_gaps);
  const view = await explained(p);
  expectExplained(view, explainPair.r);
  assert.ok(view.tech.some((t) => t.hot), 'a Hot badge is shown');
  assert.ok(view.anchors.some((x) => x !== null), 'some row shows anchor texts');
  assert.deepEqual(view.domains.filter((d) => d !== null), [], 'one domain: no domain tags');
  // The pair with the most gaps too.
  await p.goto(shared, { waitUntil: 'load' });
  await waitForResult(p);
  expectExplained(await explained(p), (await apiGet(`/skill-gap?from=${pair.from.code}&to=${pair.to.code}`)).body.result);
  assert.deepEqual(p.errors, []);
  await p.screenshot({ path: path.join(OUT, 'skillgap-explained.png'), fullPage: true });
  await p.close();
});

await check('explanations: domain=all shows skills and knowledge together, each row tagged', async () => {
  const api = await apiGet(`/skill-gap?from=${explainPair.from}&to=${explainPair.to}&domain=all`);
  assert.equal(api.status, 200);
  const r = api.body.result;
  assert.ok(r.skill_gaps.some((g) => g.domain === 'knowledge') && r.skill_gaps.some((g) => g.domain === 'skills'),
    'the pair has gaps in both domains');
  const p = await newPage(context0);
  await p.goto(`${BASE}/?from=${explainPair.from}&to=${explainPair.to}&domain=all`, { waitUntil: 'load' });
  await waitForResult(p);
  expectMatches(await shown(p), r.skill_gaps);
  const view = await explained(p);
  assert.deepEqual(view.domains, r.skill_gaps.map((g) => g.domain), 'each row tagged with its domain');
  expectExplained(view, r);
  assert.equal(await p.locator('#domain').inputValue(), 'all');
  assert.match(await p.locator('#summary').textContent(), /skills and knowledge areas/);
  assert.deepEqual(p.errors, []);
  await p.close();
});

await check('explanations: at 375 px the anchor texts are on screen (no hover needed) and nothing overflows', async () => {
  const ctx = await freshContext();
  const p = await newPage(ctx);
  await p.setViewportSize({ width: 375, height: 740 });
  await p.goto(`${BASE}/?from=${explainPair.from}&to=${explainPair.to}&domain=all`, { waitUntil: 'load' });
  await waitForResult(p);
  const first = p.locator('[data-testid=gap-anchors]').first();
  assert.ok(await first.isVisible(), 'the anchor line is visible text, not a hover tooltip');
  assert.ok(await p.locator('[data-testid=tech-item]').first().isVisible());
  assert.ok(await p.locator('[data-testid=zone-banner]').isVisible());
  const m = await p.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
    table: document.getElementById('gap-table').scrollWidth, box: document.querySelector('.table-wrap').clientWidth }));
  assert.ok(m.scroll <= m.inner, `document ${m.scroll} px wide in a ${m.inner} px window`);
  assert.ok(m.table <= m.box, `table ${m.table} px in its ${m.box} px box`);
  await p.screenshot({ path: path.join(OUT, 'skillgap-explained-375.png'), fullPage: true });
  assert.deepEqual(p.errors, []);
  await p.close();
});

await check('no request went to anything but the server on loopback', async () => {
  assert.deepEqual(foreign, []);
});

await context0.close();
if (other) await other.context.close();
rmSync(profile, { recursive: true, force: true });
if (other) rmSync(other.dir, { recursive: true, force: true });

const weight = ['/', '/app.js', '/style.css'].map((p) => p);
let bytes = 0;
for (const p of weight) bytes += (await (await fetch(new URL(p, BASE))).arrayBuffer()).byteLength;
console.log(`page weight: ${bytes} bytes (index.html + app.js + style.css, uncompressed); ` +
  `screenshots: ${path.join(OUT, 'skillgap.png')} (${statSync(path.join(OUT, 'skillgap.png'), { throwIfNoEntry: false })?.size ?? 0} bytes), ` +
  `${path.join(OUT, 'skillgap-375.png')}; browser part ${((Date.now() - t0) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
