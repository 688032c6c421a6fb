// Real-browser tests of `parkatlas publish`: the sample park published (internal with its
// committee maps, and public), each served over http://127.0.0.1 by `parkatlas serve`, loaded in Debian's chromium
// (headless, SwiftShader WebGL) through puppeteer-core from web/node_modules. Nothing is
// downloaded at test time.
//
//   node tests/web/site_test.js --parkatlas BIN --sample DIR --work DIR [--chromium PATH]
//
// Each check prints "ok NAME" or "FAIL NAME: why"; the last line is "N passed, N failed".
// Exit 0 when all passed, 1 otherwise, 77 when chromium or web/node_modules is missing.
'use strict';

const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { serve, stopServer, noOmniboxPopup } = require('./serve');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const repo = path.resolve(__dirname, '..', '..');
const chromium = args.chromium || '/usr/bin/chromium';
const work = path.resolve(args.work || path.join(repo, 'build', 'tests', 'web'));
const sample = path.resolve(args.sample || path.join(repo, 'data', 'sample'));

let puppeteer;
try {
  puppeteer = require(path.join(repo, 'web', 'node_modules', 'puppeteer-core'));
} catch (error) {
  console.log('skipped: web/node_modules has no puppeteer-core (run scripts/setup)');
  process.exit(77);
}
if (!fs.existsSync(chromium)) {
  console.log('skipped: no chromium at ' + chromium + ' (run scripts/setup)');
  process.exit(77);
}

let passed = 0;
let failed = 0;
function check(name, condition, detail) {
  if (condition) {
    passed++;
    console.log('ok ' + name);
  } else {
    failed++;
    console.log('FAIL ' + name + (detail ? ': ' + detail : ''));
  }
}

function run(command, commandArgs) {
  const result = spawnSync(command, commandArgs, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (result.status !== 0)
    throw new Error(command + ' ' + commandArgs.join(' ') + ' exited ' + result.status + ':\n' +
      result.stderr);
  return result;
}

// Watches a page: console errors, page errors, failed requests, HTTP errors and any request
// that leaves the site's origin.
function watch(page, origin) {
  const problems = [];
  const outside = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push('console: ' + message.text());
  });
  page.on('pageerror', (error) => problems.push('page error: ' + error.message));
  page.on('requestfailed', (request) =>
    problems.push('request failed: ' + request.url() + ' ' + (request.failure() || {}).errorText));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push('HTTP ' + response.status() + ': ' + response.url());
  });
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(origin + '/') && !url.startsWith('data:') && !url.startsWith('blob:'))
      outside.push(url);
  });
  return { problems, outside };
}

async function waitReady(page) {
  await page.waitForFunction(() => window.parkatlas && window.parkatlas.ready === true,
    { timeout: 60000, polling: 100 });
}

// Counts the screenshot's pixels within `tolerance` of `rgb` inside the map's canvas box.
async function countColour(page, pngBase64, rgb, tolerance) {
  return page.evaluate(async (png, rgb, tolerance) => {
    const image = new Image();
    image.src = 'data:image/png;base64,' + png;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0);
    const box = document.getElementById('map').getBoundingClientRect();
    const data = context.getImageData(box.left, box.top, box.width, box.height).data;
    let count = 0;
    for (let i = 0; i < data.length; i += 4)
      if (Math.abs(data[i] - rgb[0]) <= tolerance && Math.abs(data[i + 1] - rgb[1]) <= tolerance &&
          Math.abs(data[i + 2] - rgb[2]) <= tolerance)
        count++;
    return count;
  }, pngBase64, rgb, tolerance);
}

function hexToRgb(hex) {
  return [1, 3, 5].map((i) => parseInt(hex.substr(i, 2), 16));
}

function allFiles(directory) {
  const files = [];
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) files.push(...allFiles(full));
    else files.push(full);
  }
  return files;
}

async function main() {
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  const park = path.join(sample, 'park.gpkg');
  const internal = path.join(work, 'site-internal');
  const publicSite = path.join(work, 'site-public');
  const started = Date.now();
  run(args.parkatlas, ['publish', park, '--out', internal, '--title', '示例园区', '--as-of', '2026-06-30',
    '--reports']);
  run(args.parkatlas, ['publish', park, '--out', publicSite, '--profile', 'public']);
  console.log('published both profiles in ' + ((Date.now() - started) / 1000).toFixed(1) + ' s');

  // What the engine says a known plot measures (the same command a user would run).
  const measured = JSON.parse(run(args.parkatlas, ['area', park, '--layer', 'parcels',
    '--per-feature', '--by', 'parcel_id', '--format', 'json']).stdout);
  const knownPlot = measured.layers.parcels.features.find((f) => f.parcel_id === 'QL2011-001');
  const expectedMu = knownPlot.area_mu.toFixed(2);

  const site = JSON.parse(fs.readFileSync(path.join(internal, 'data', 'site.json'), 'utf8'));
  const industrial = site.legend.find((entry) => entry.layer === 'parcels' && /^M/.test(entry.label));

  const served = await serve(args.parkatlas, internal);
  const origin = served.origin;
  const servedPublic = await serve(args.parkatlas, publicSite);
  const publicOrigin = servedPublic.origin;
  const browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
      '--disable-dev-shm-usage', '--no-first-run', '--no-default-browser-check',
      '--disable-background-networking', '--disable-component-update', noOmniboxPopup],
  });
  try {
    // 1. The internal site on a 10-inch tablet in landscape.
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    const seen = watch(page, origin);
    const navigated = Date.now();
    await page.goto(origin + '/index.html?lang=zh', { waitUntil: 'load', timeout: 60000 });
    await waitReady(page);
    console.log('first full-extent frame ' + (Date.now() - navigated) + ' ms after navigation');
    const shot = await page.screenshot({ encoding: 'base64' });
    fs.writeFileSync(path.join(work, 'internal-tablet.png'), Buffer.from(shot, 'base64'));
    const fill = hexToRgb(industrial.fill);
    // Parcels are drawn at 0.9 opacity over the plan zones: within 40 of the class colour.
    const industrialPixels = await countColour(page, shot, fill, 40);
    check('map draws the industrial colour inside the park', industrialPixels > 2000,
      industrial.fill + ': ' + industrialPixels + ' pixels');
    const layerBoxes = await page.$$eval('#layer-list input', (boxes) => boxes.map((b) => b.dataset.layer));
    check('layer switcher lists parcels and findings',
      layerBoxes.includes('parcels') && layerBoxes.includes('findings'), layerBoxes.join(','));
    const legendText = await page.$eval('#legend', (node) => node.textContent);
    check('legend names the industrial class present', legendText.includes(industrial.label), legendText.slice(0, 200));

    // Click the known plot where it is on screen and read its area in the popup.
    const hit = JSON.parse(fs.readFileSync(path.join(internal, 'data', 'search.json'), 'utf8'))
      .find((entry) => entry[0] === 'QL2011-001');
    const point = await page.evaluate((hit) => {
      const p = window.parkatlas.map.project([(hit[4] + hit[6]) / 2, (hit[5] + hit[7]) / 2]);
      const box = document.getElementById('map').getBoundingClientRect();
      return { x: box.left + p.x, y: box.top + p.y };
    }, hit);
    await page.mouse.click(point.x, point.y);
    await page.waitForSelector('.identify', { timeout: 20000 });
    const popup = await page.$eval('.identify', (node) => ({
      text: node.textContent,
      areas: [...node.querySelectorAll('.area')].map((a) => a.dataset.areaMu),
    }));
    check('identify shows the engine\'s area in mu of QL2011-001',
      popup.text.includes('QL2011-001') && popup.areas.includes(expectedMu),
      'expected ' + expectedMu + ' 亩, popup: ' + popup.text.slice(0, 200));
    check('identify shows the owner in the internal profile', popup.text.includes('武汉天通机电设备有限公司'),
      popup.text.slice(0, 200));
    await page.screenshot({ path: path.join(work, 'internal-identify.png') });

    // Zoomed out below the zoom from which the plots are in the tiles (site.json's
    // detail_minzoom), the plots are their classes dissolved: a click there names the class and
    // its total, and offers to zoom in; zoomed in, the same click identifies the plot.
    const parcelsLayer = site.layers.find((layer) => layer.id === 'parcels');
    check('site.json says from which zoom the plots are drawn one by one',
      parcelsLayer.detail_minzoom > site.minzoom, JSON.stringify(parcelsLayer.detail_minzoom));
    await page.evaluate(() => { if (window.parkatlas.popup) window.parkatlas.popup.remove(); });
    await page.evaluate((hit, zoom) => new Promise((resolve) => {
      const map = window.parkatlas.map;
      map.once('idle', resolve);
      map.jumpTo({ center: [(hit[4] + hit[6]) / 2, (hit[5] + hit[7]) / 2], zoom });
    }), hit, parcelsLayer.detail_minzoom - 0.5);
    const centre = await page.evaluate(() => {
      const box = document.getElementById('map').getBoundingClientRect();
      return { x: box.left + box.width / 2, y: box.top + box.height / 2 };
    });
    await page.mouse.click(centre.x, centre.y);
    await page.waitForSelector('.identify .zoom-in', { timeout: 20000 });
    const classPopup = await page.$eval('.identify', (node) => node.textContent);
    const plotClass = site.legend.find((entry) => entry.layer === 'parcels' &&
      classPopup.includes(entry.label) && classPopup.includes(entry.area_mu));
    check('a click below the detail zoom names the class and its total in mu', Boolean(plotClass),
      classPopup.slice(0, 200));
    await page.screenshot({ path: path.join(work, 'internal-dissolved.png') });
    await page.evaluate(() => new Promise((resolve) => {
      window.parkatlas.map.once('idle', resolve);
      document.querySelector('.identify .zoom-in').click();
    }));
    const zoomedIn = await page.evaluate(() => window.parkatlas.map.getZoom());
    check('its button zooms in to the plots', zoomedIn >= parcelsLayer.detail_minzoom, String(zoomedIn));
    await page.mouse.click(centre.x, centre.y);
    await page.waitForFunction(() => {
      const popup = document.querySelector('.identify');
      return popup && !popup.querySelector('.zoom-in');
    }, { timeout: 20000, polling: 100 });
    const plotPopup = await page.$eval('.identify', (node) => ({ text: node.textContent,
      areas: [...node.querySelectorAll('.area')].map((a) => a.dataset.areaMu) }));
    check('zoomed in, the same click identifies the plot with its mu',
      plotPopup.text.includes('QL2011-001') && plotPopup.areas.includes(expectedMu),
      plotPopup.text.slice(0, 200));

    // Search a plot number: the view moves there and the plot is identified.
    const target = JSON.parse(fs.readFileSync(path.join(internal, 'data', 'search.json'), 'utf8'))
      .find((entry) => entry[0] !== 'QL2011-001' && entry[0]);
    await page.click('#search');
    await page.type('#search', target[0]);
    await page.keyboard.press('Enter');
    await page.waitForFunction((id) => {
      const popup = document.querySelector('.identify');
      return popup && popup.textContent.includes(id);
    }, { timeout: 30000, polling: 100 }, target[0]);
    const view = await page.evaluate(() => {
      const c = window.parkatlas.map.getCenter();
      return { lng: c.lng, lat: c.lat, zoom: window.parkatlas.map.getZoom() };
    });
    check('search moves the view to the plot ' + target[0],
      view.lng >= target[4] && view.lng <= target[6] && view.lat >= target[5] && view.lat <= target[7] &&
      view.zoom > site.minzoom + 3, JSON.stringify(view) + ' vs ' + JSON.stringify(target.slice(4)));
    await page.screenshot({ path: path.join(work, 'internal-search.png') });

    // Findings are a layer with their reasons.
    const findingReason = await page.evaluate(() => {
      const features = window.parkatlas.map.querySourceFeatures('park', { sourceLayer: 'findings' });
      return features.length ? features[0].properties.reason : '';
    });
    check('findings layer carries its reasons', findingReason.length > 0, 'no finding with a reason');

    // The committee maps: the 报告 menu links each PDF, and the server hands it over as a PDF.
    await page.click('#reports');
    const links = await page.$$eval('#report-list a', (anchors) => anchors.map((a) => ({
      href: a.href, text: a.textContent, shown: a.getBoundingClientRect().height > 0 })));
    check('the 报告 menu links the committee maps',
      links.length >= 3 && links.every((l) => l.shown) && links.some((l) => l.text.includes('用地现状图')),
      JSON.stringify(links).slice(0, 300));
    if (links.length) {
      const pdf = await page.evaluate(async (href) => {
        const response = await fetch(href);
        const bytes = new Uint8Array(await response.arrayBuffer());
        return { status: response.status, type: response.headers.get('content-type'),
          magic: String.fromCharCode(...bytes.slice(0, 5)) };
      }, links[0].href);
      check('a committee map is served as a PDF', pdf.status === 200 &&
        pdf.type === 'application/pdf' && pdf.magic === '%PDF-', JSON.stringify(pdf));
    }
    await page.screenshot({ path: path.join(work, 'internal-reports.png') });
    await page.click('#title');

    // English one click away.
    await page.click('#language');
    const english = await page.evaluate(() => ({
      lang: document.documentElement.lang,
      heading: document.querySelector('[data-text=layers]').textContent,
      placeholder: document.getElementById('search').placeholder,
    }));
    check('switches to English', english.lang === 'en' && english.heading === 'Layers' &&
      english.placeholder.startsWith('Search'), JSON.stringify(english));
    await page.screenshot({ path: path.join(work, 'internal-english.png') });
    check('internal page: no console error, failed request or HTTP error', seen.problems.length === 0,
      seen.problems.slice(0, 5).join('; '));
    check('internal page: nothing fetched from outside the site', seen.outside.length === 0,
      seen.outside.slice(0, 5).join('; '));
    await page.close();

    // 2. The public site on a phone.
    const phone = await browser.newPage();
    await phone.setViewport({ width: 390, height: 844, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const seenPhone = watch(phone, publicOrigin);
    await phone.goto(publicOrigin + '/index.html', { waitUntil: 'load', timeout: 60000 });
    await waitReady(phone);
    const phoneShot = await phone.screenshot({ encoding: 'base64' });
    fs.writeFileSync(path.join(work, 'public-phone.png'), Buffer.from(phoneShot, 'base64'));
    const phonePixels = await countColour(phone, phoneShot, fill, 40);
    check('public map draws on a phone', phonePixels > 2000, phonePixels + ' pixels');
    const drawer = await phone.evaluate(() => getComputedStyle(document.getElementById('panel-toggle')).display);
    check('phone: the layer panel is a drawer behind a button', drawer !== 'none', drawer);
    const stamp = await phone.$eval('#stamp', (node) => ({ text: node.textContent,
      shown: node.getBoundingClientRect().width > 0 && getComputedStyle(node).visibility === 'visible' }));
    const publicReports = await phone.evaluate(() => document.getElementById('reports-menu').hidden);
    check('public page has no 报告 menu', publicReports === true);
    check('public site has no committee map', !fs.existsSync(path.join(publicSite, 'reports')) &&
      !allFiles(publicSite).some((file) => file.endsWith('.pdf')));
    check('public page shows on the map when it was published',
      stamp.shown && /\d{4}-\d{2}-\d{2}/.test(stamp.text), JSON.stringify(stamp));
    check('public page: no console error, failed request or HTTP error', seenPhone.problems.length === 0,
      seenPhone.problems.slice(0, 5).join('; '));
    check('public page: nothing fetched from outside the site', seenPhone.outside.length === 0,
      seenPhone.outside.slice(0, 5).join('; '));
    await phone.close();
  } finally {
    await browser.close();
    const codes = [await stopServer(served.server), await stopServer(servedPublic.server)];
    check('serve stops cleanly on Ctrl-C', codes.every((code) => code === 0), codes.join(','));
  }

  // 3. The public site holds no owner name anywhere: tiles and data, byte for byte.
  const owners = [...new Set(JSON.parse(fs.readFileSync(path.join(internal, 'data', 'search.json'), 'utf8'))
    .map((entry) => entry[1]).filter((owner) => owner.length >= 2))];
  check('internal site knows the owners (so the next check means something)', owners.length >= 10,
    owners.length + ' owners');
  const leaks = [];
  for (const file of allFiles(publicSite)) {
    if (file.includes(path.sep + 'lib' + path.sep)) continue;
    const bytes = fs.readFileSync(file);
    for (const owner of owners)
      if (bytes.includes(Buffer.from(owner, 'utf8'))) leaks.push(path.relative(publicSite, file) + ': ' + owner);
  }
  check('public site (tiles and data) contains no owner name', leaks.length === 0, leaks.slice(0, 5).join('; '));
  // The internal site's plots carry their owners in data/attributes/ (the tiles carry what
  // draws a plot and its area).
  const internalData = allFiles(path.join(internal, 'data', 'attributes'));
  check('internal site does carry owner names (the grep finds them where they are)',
    internalData.some((file) => fs.readFileSync(file).includes(Buffer.from(owners[0], 'utf8'))));
}

main().then(() => {
  console.log(passed + ' passed, ' + failed + ' failed');
  process.exit(failed ? 1 : 0);
}, (error) => {
  console.log('FAIL ' + (error && error.stack ? error.stack : error));
  console.log(passed + ' passed, ' + (failed + 1) + ' failed');
  process.exit(1);
});
