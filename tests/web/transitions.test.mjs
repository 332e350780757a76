// The "Where can I go from here?" panel in a real browser: Debian's headless Chromium driven by
// playwright-core against the real skillgap-api on the onet_mini fixture (tests/web/run.sh
// starts it). What the panel lists is compared with what GET /transitions answers for the same
// request; clicking a target must draw the gap chart /skill-gap returns for that pair.
//
//   BASE_URL   http://127.0.0.1:PORT of the running server
//   OUT_DIR    where node_modules is and the screenshots go (the build folder)
//   CHROMIUM   the browser (default /usr/bin/chromium)
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';

const BASE = process.env.BASE_URL;
const OUT = process.env.OUT_DIR;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
if (!BASE || !OUT) {
  console.error('usage: BASE_URL=http://127.0.0.1:PORT OUT_DIR=DIR node transitions.test.mjs');
  process.exit(2);
}
const { chromium } = createRequire(path.join(OUT, 'package.json'))('playwright-core');
const base = new URL(BASE);

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

async function apiGet(p) {
  const res = await fetch(new URL(p, BASE));
  return { status: res.status, body: await res.json() };
}
const fmt = (v) => Number(v).toFixed(2);

const profile = mkdtempSync(path.join(tmpdir(), 'skillgap-web-tr-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
  viewport: { width: 1100, height: 900 },
});
const foreign = [];
context.on('request', (r) => {
  const u = new URL(r.url());
  if (u.protocol !== 'data:' && (u.hostname !== base.hostname || u.port !== base.port)) foreign.push(r.url());
});

async function newPage() {
  const page = await context.newPage();
  page.errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') page.errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
  return page;
}

// What the panel shows, in order.
async function listed(page) {
  return page.evaluate(() => [...document.querySelectorAll('[data-testid=transition]')].map((li) => ({
    code: li.getAttribute('data-code'),
    name: li.querySelector('.tr-name').textContent,
    similarity: li.querySelector('[data-testid=similarity]').textContent,
    gap: li.querySelector('[data-testid=weighted-gap]').textContent,
    zone: li.querySelector('[data-testid=zone]').textContent,
    simWidth: Number(li.querySelector('[data-testid=tr-similarity-bar]').getAttribute('width')),
  })));
}

async function waitForList(page, n) {
  await page.waitForFunction((k) => document.querySelectorAll('[data-testid=transition]').length === k, n, { timeout: 10000 });
}

function expectListed(items, api) {
  const ts = api.result.transitions;
  assert.equal(items.length, ts.length, 'as many targets as the API returned');
  ts.forEach((t, i) => {
    assert.equal(items[i].code, t.code, `rank ${i + 1}: the API's order`);
    assert.equal(items[i].name, t.title);
    assert.equal(items[i].similarity, fmt(t.similarity));
    assert.equal(items[i].gap, fmt(t.weighted_gap));
    assert.ok(Math.abs(items[i].simWidth - t.similarity * 100) < 0.01, `similarity bar ${items[i].simWidth} for ${t.similarity}`);
    const z = t.job_zone;
    assert.ok(items[i].zone.includes(z.step === null ? 'unknown' : `${z.from} → ${z.to}`), items[i].zone);
  });
}

// The fixture occupation with the most targets, and the API's answer for it.
const codes = (await apiGet('/occupations?limit=100')).body.result.occupations.map((o) => o.code);
let source = null;
for (const c of codes) {
  const r = await apiGet(`/transitions?from=${c}`);
  if (r.status === 200 && (!source || r.body.result.count > source.api.result.count)) source = { code: c, api: r.body };
}

await check('the panel lists the targets GET /transitions returns, in its order', async () => {
  assert.ok(source && source.api.result.count >= 3, 'a fixture occupation with at least three targets');
  const res = await fetch(new URL('/transitions.js', BASE));
  assert.equal(res.status, 200);
  assert.ok(res.headers.get('content-type').startsWith('text/javascript'));
  const page = await newPage();
  await page.goto(`${BASE}/?from=${source.code}`, { waitUntil: 'load' });
  await waitForList(page, source.api.result.count);
  expectListed(await listed(page), source.api);
  assert.equal(await page.getByRole('heading', { name: 'Where can I go from here?' }).isVisible(), true);
  assert.deepEqual(page.errors, []);
  await page.close();
});

await check('clicking a target shows its gap chart, as /skill-gap returns it', async () => {
  const page = await newPage();
  await page.goto(`${BASE}/?from=${source.code}`, { waitUntil: 'load' });
  await waitForList(page, source.api.result.count);
  // The target with the most gaps among the listed ones.
  let best = null;
  for (const t of source.api.result.transitions) {
    const g = await apiGet(`/skill-gap?from=${source.code}&to=${t.code}`);
    if (!best || g.body.result.gap_count > best.gaps.length) best = { code: t.code, gaps: g.body.result.skill_gaps };
  }
  await page.locator(`[data-testid=transition][data-code="${best.code}"] button`).click();
  await page.waitForFunction(() => !document.getElementById('result').hidden, null, { timeout: 10000 });
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=gap-bar]').length === n, best.gaps.length);
  const ids = await page.evaluate(() => [...document.querySelectorAll('[data-testid=gap-bar]')].map((g) => g.getAttribute('data-element-id')));
  assert.deepEqual(ids, best.gaps.map((g) => g.element_id), 'the chart in /skill-gap order');
  const u = new URL(page.url());
  assert.equal(u.searchParams.get('from'), source.code);
  assert.equal(u.searchParams.get('to'), best.code);
  // The list stays, and back returns to the list without the chart.
  expectListed(await listed(page), source.api);
  await page.screenshot({ path: path.join(OUT, 'transitions.png'), fullPage: true });
  await page.goBack();
  await page.waitForFunction(() => document.getElementById('result').hidden, null, { timeout: 10000 });
  assert.equal(new URL(page.url()).searchParams.get('to'), null);
  assert.deepEqual(page.errors, []);
  await page.close();
});

await check('job zone and domain options: in the URL, as the API answers them, kept on reload', async () => {
  const page = await newPage();
  await page.goto(`${BASE}/?from=${source.code}`, { waitUntil: 'load' });
  await waitForList(page, source.api.result.count);
  const within = (await apiGet(`/transitions?from=${source.code}&job_zone=within1`)).body;
  await page.locator('#tr-job-zone').selectOption('within1');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('job_zone') === 'within1');
  await waitForList(page, within.result.count);
  expectListed(await listed(page), within);
  const both = (await apiGet(`/transitions?from=${source.code}&job_zone=within1&domain=knowledge`)).body;
  await page.locator('#tr-domain').selectOption('knowledge');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('tr_domain') === 'knowledge');
  await page.waitForFunction((codes) => [...document.querySelectorAll('[data-testid=transition]')]
    .map((li) => li.getAttribute('data-code')).join() === codes, both.result.transitions.map((t) => t.code).join());
  expectListed(await listed(page), both);
  await page.reload({ waitUntil: 'load' });
  await waitForList(page, both.result.count);
  expectListed(await listed(page), both);
  assert.equal(await page.locator('#tr-job-zone').inputValue(), 'within1');
  assert.equal(await page.locator('#tr-domain').inputValue(), 'knowledge');
  // A knowledge target opens the knowledge gap, and the panel's options survive the form's URL.
  if (both.result.count > 0) {
    const t = both.result.transitions[0];
    const g = (await apiGet(`/skill-gap?from=${source.code}&to=${t.code}&domain=knowledge`)).body;
    await page.locator(`[data-testid=transition][data-code="${t.code}"] button`).click();
    await page.waitForFunction(() => !document.getElementById('result').hidden, null, { timeout: 10000 });
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=gap-bar]').length === n, g.result.skill_gaps.length);
    assert.equal(new URL(page.url()).searchParams.get('domain'), 'knowledge');
    await page.getByRole('button', { name: 'Show the gap' }).click();
    await page.waitForTimeout(300);
    const u = new URL(page.url());
    assert.equal(u.searchParams.get('job_zone'), 'within1', 'the form keeps the panel\'s state in the URL');
    assert.equal(u.searchParams.get('tr_domain'), 'knowledge');
  }
  assert.deepEqual(page.errors, []);
  await page.close();
});

await check('picking "from" in the form ranks from it', async () => {
  const other = codes.find((c) => c !== source.code);
  const api = (await apiGet(`/transitions?from=${other}`)).body;
  const title = api.result.from_occupation_title;
  const page = await newPage();
  await page.goto(`${BASE}/`, { waitUntil: 'load' });
  assert.equal(await page.locator('[data-testid=transition]').count(), 0);
  assert.match(await page.locator('#tr-status').textContent(), /Choose the “from” occupation/);
  await page.getByLabel('From occupation').fill(title);
  await page.locator(`#from-list [role=option][data-code="${other}"]`).click();
  await waitForList(page, api.result.count);
  expectListed(await listed(page), api);
  assert.equal(new URL(page.url()).searchParams.get('from'), other);
  assert.deepEqual(page.errors, []);
  await page.close();
});

await check('an unknown code shows the API\'s message in the panel', async () => {
  const api = await apiGet('/transitions?from=99-9999.00');
  assert.equal(api.status, 404);
  const page = await newPage();
  await page.goto(`${BASE}/?from=99-9999.00`, { waitUntil: 'load' });
  await page.waitForFunction(() => !document.getElementById('tr-error').hidden, null, { timeout: 10000 });
  const text = await page.locator('#tr-error').textContent();
  assert.ok(text.includes(api.body.message.replace(/^Error:\s*/, '')), text);
  assert.equal(await page.locator('[data-testid=transition]').count(), 0);
  assert.deepEqual(page.errors.filter((e) => !/Failed to load resource: the server responded with a status of 404/.test(e)), []);
  await page.close();
});

await check('at 375 px wide the panel fits: nothing overflows horizontally', async () => {
  const page = await newPage();
  await page.setViewportSize({ width: 375, height: 740 });
  const t = source.api.result.transitions[0];
  await page.goto(`${BASE}/?from=${source.code}&to=${t.code}`, { waitUntil: 'load' });
  await waitForList(page, source.api.result.count);
  await page.waitForFunction(() => !document.getElementById('result').hidden, null, { timeout: 10000 });
  const m = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
    panel: document.getElementById('transitions').getBoundingClientRect().right,
  }));
  assert.ok(m.scroll <= m.inner, `document ${m.scroll} px wide in a ${m.inner} px window`);
  assert.ok(m.panel <= m.inner, `panel ends at ${m.panel} px`);
  await page.screenshot({ path: path.join(OUT, 'transitions-375.png'), fullPage: true });
  assert.deepEqual(page.errors, []);
  await page.close();
});

await check('no request went to anything but the server on loopback', async () => {
  assert.deepEqual(foreign, []);
});

await context.close();
rmSync(profile, { recursive: true, force: true });
let bytes = 0;
for (const p of ['/', '/app.js', '/transitions.js', '/style.css']) bytes += (await (await fetch(new URL(p, BASE))).arrayBuffer()).byteLength;
console.log(`page weight with the panel: ${bytes} bytes (index.html + app.js + transitions.js + style.css, uncompressed); ` +
  `screenshots: ${path.join(OUT, 'transitions.png')}, ${path.join(OUT, 'transitions-375.png')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
