// Time from navigation to the first full-extent frame of a published site, in Debian's chromium
// (headless, SwiftShader WebGL): the page's `ready` flag is set on MapLibre's first `idle` after
// its layers were added, when every tile of the view is drawn.
//
//   node tests/web/first_frame.js SITE_DIR [RUNS] [--chromium PATH]
//
// Prints one line per run and the best, in milliseconds.
'use strict';

const { spawn } = require('child_process');
const net = require('net');
const path = require('path');

const repo = path.resolve(__dirname, '..', '..');
const puppeteer = require(path.join(repo, 'web', 'node_modules', 'puppeteer-core'));
const site = path.resolve(process.argv[2]);
const runs = Number(process.argv[3] || 3);
const chromiumAt = process.argv.indexOf('--chromium');
const chromium = chromiumAt > 0 ? process.argv[chromiumAt + 1] : '/usr/bin/chromium';

async function main() {
  const port = await new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => { const p = server.address().port; server.close(() => resolve(p)); });
  });
  const server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1',
    '--directory', site], { stdio: 'ignore' });
  for (let i = 0; i < 300; i++) {
    const up = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => { socket.end(); resolve(true); });
      socket.on('error', () => resolve(false));
    });
    if (up) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const browser = await puppeteer.launch({ executablePath: chromium, headless: true,
    args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
      '--disable-dev-shm-usage'] });
  const times = [];
  try {
    for (let run = 0; run < runs; run++) {
      const page = await browser.newPage();
      await page.setViewport({ width: 1280, height: 800 });
      const started = Date.now();
      await page.goto('http://127.0.0.1:' + port + '/index.html', { waitUntil: 'load', timeout: 120000 });
      await page.waitForFunction(() => window.parkatlas && window.parkatlas.ready === true,
        { timeout: 120000, polling: 50 });
      times.push(Date.now() - started);
      console.log('run ' + (run + 1) + ': ' + times[run] + ' ms');
      await page.close();
    }
  } finally {
    await browser.close();
    server.kill();
  }
  console.log('best: ' + Math.min(...times) + ' ms');
}

main().catch((error) => { console.error(error); process.exit(1); });
