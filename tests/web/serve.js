// `parkatlas serve` for the browser tests and the benchmark (site_test.js, first_frame.js):
// started on any free port, its address read from the line it prints on stdout once it listens.
'use strict';

const { spawn } = require('child_process');

// Starts `parkatlas serve DIRECTORY --port 0`; resolves with { server, origin } once it listens
// ("http://127.0.0.1:PORT"), rejects when it exits first or says nothing within a generous
// minute (the CI machine is loaded).
function serve(parkatlas, directory) {
  return new Promise((resolve, reject) => {
    const server = spawn(parkatlas, ['serve', directory, '--port', '0'],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => { server.kill(); reject(new Error('serve did not start: ' + err)); }, 60000);
    server.stderr.on('data', (chunk) => { err += chunk; });
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const match = out.match(/^(http:\/\/127\.0\.0\.1:\d+)\//m);
      if (match) {
        clearTimeout(timer);
        resolve({ server, origin: match[1] });
      }
    });
    server.on('exit', (code) => { clearTimeout(timer); reject(new Error('serve exited ' + code + ': ' + err)); });
  });
}

// Ctrl-C, as a user stops it; resolves with its exit code.
function stopServer(server) {
  return new Promise((resolve) => {
    if (server.exitCode !== null) { resolve(server.exitCode); return; }
    server.removeAllListeners('exit');
    server.on('exit', (code) => resolve(code));
    server.kill('SIGINT');
  });
}

// Chromium's flag that stops headless chromium building the omnibox popup (WebUI pages in a
// renderer of their own) for every new window: CPU spent beside the page, for a popup headless
// never shows (first_frame.js, site_test.js).
const noOmniboxPopup =
  '--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup';

module.exports = { serve, stopServer, noOmniboxPopup };
