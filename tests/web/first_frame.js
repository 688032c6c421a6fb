// Time from navigation to the first full-extent frame of a published site, in Debian's chromium
// (headless, SwiftShader WebGL), the site served by `parkatlas serve` as a user serves it: the
// page's `ready` flag is set on MapLibre's first `idle` after its layers were added, when every
// tile of the view is drawn. Each run is a fresh browser page with an empty cache.
//
//   node tests/web/first_frame.js SITE_DIR [RUNS] [--parkatlas BIN] [--chromium PATH]
//                                 [--screenshot FILE.png] [--chrome-ui]
//
// Prints one line per run (navigation to `ready`, when the page had loaded, the tiles fetched and
// the CPU time chromium and the server spent meanwhile), the median and the best, in milliseconds.
'use strict';

const path = require('path');
const { serve, stopServer, noOmniboxPopup } = require('./serve');

const repo = path.resolve(__dirname, '..', '..');
const puppeteer = require(path.join(repo, 'web', 'node_modules', 'puppeteer-core'));
const positional = [];
const options = {};
for (let i = 2; i < process.argv.length; i++) {
  if (process.argv[i] === '--chrome-ui') continue;
  if (process.argv[i].startsWith('--')) options[process.argv[i].slice(2)] = process.argv[++i];
  else positional.push(process.argv[i]);
}
const site = path.resolve(positional[0]);
const runs = Number(positional[1] || 3);
const chromium = options.chromium || '/usr/bin/chromium';
const parkatlas = options.parkatlas || path.join(repo, 'build', 'app', 'cli', 'parkatlas');

// CPU seconds (user + system) used so far by the process `root` and its descendants, from /proc:
// on a loaded machine the wall clock says how busy the machine was, this says what the frame
// cost.
function cpuSeconds(root) {
  const fs = require('fs');
  const parent = new Map();
  const ticks = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync('/proc/' + entry + '/stat', 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(entry), Number(fields[1]));
      ticks.set(Number(entry), Number(fields[11]) + Number(fields[12]));
    } catch (error) { /* gone meanwhile */ }
  }
  let total = 0;
  for (const [pid, used] of ticks) {
    for (let p = pid; p > 1; p = parent.get(p) || 0) {
      if (p === root) { total += used; break; }
    }
  }
  return total / 100; // USER_HZ
}

async function main() {
  const served = await serve(parkatlas, site);
  // Chromium 156's headless mode builds the omnibox popup of every new window (two WebUI pages,
  // chrome://omnibox-popup.top-chrome, in a renderer of their own) beside the page: 1.2 s of CPU
  // a run on this machine, a quarter of the sample's first frame, for a popup headless never
  // shows. The measure is the page's: that preload is switched off (--chrome-ui keeps it).
  const chromeUi = process.argv.includes('--chrome-ui');
  const browser = await puppeteer.launch({ executablePath: chromium, headless: true,
    args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
      '--disable-dev-shm-usage'].concat(chromeUi ? [] : [noOmniboxPopup]) });
  const times = [];
  try {
    for (let run = 0; run < runs; run++) {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      await page.setViewport({ width: 1280, height: 800 });
      const failed = [];
      page.on('requestfailed', (request) => failed.push(request.url()));
      page.on('response', (response) => { if (response.status() >= 400) failed.push(response.status() + ' ' + response.url()); });
      const cpuBefore = cpuSeconds(browser.process().pid) + cpuSeconds(served.server.pid);
      const started = Date.now();
      await page.goto(served.origin + '/index.html', { waitUntil: 'load', timeout: 120000 });
      const loaded = Date.now() - started;
      await page.waitForFunction(() => window.parkatlas && window.parkatlas.ready === true,
        { timeout: 120000, polling: 20 });
      const ready = Date.now() - started;
      const cpu = cpuSeconds(browser.process().pid) + cpuSeconds(served.server.pid) - cpuBefore;
      times.push(ready);
      const tiles = await page.evaluate(() => performance.getEntriesByType('resource')
        .filter((entry) => entry.name.includes('/tiles/')).length);
      console.log('run ' + (run + 1) + ': ' + ready + ' ms (page loaded at ' + loaded + ' ms, ' +
        tiles + ' tiles fetched, ' + cpu.toFixed(2) + ' s of CPU in chromium and serve' + (failed.length ? ', FAILED: ' + failed.join(' ') : '') + ')');
      if (options.screenshot && run === 0) await page.screenshot({ path: options.screenshot });
      await context.close();
    }
  } finally {
    await browser.close();
    await stopServer(served.server);
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log('median: ' + sorted[Math.floor(sorted.length / 2)] + ' ms (load average ' +
    require('fs').readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ') + ')');
  console.log('best: ' + Math.min(...times) + ' ms');
}

main().catch((error) => { console.error(error); process.exit(1); });
