// The page of a site written by `parkatlas publish`. Everything it shows comes from data/
// (site.json, search.json, tiles.json) and tiles/, written by the engine: colours from styles/,
// areas in mu measured and rounded there. This script computes no area and fetches nothing
// outside its folder.
'use strict';

(function () {
  const TEXT = {
    zh: {
      layers: '图层', legend: '图例', search: '搜索地块编号或权利人', noHit: '没有找到',
      area: '面积', mu: '亩', published: '发布时间', profile: '版本', internal: '内部版',
      public: '招商公开版', method: '面积算法', auditDate: '闲置土地认定日期',
      unknown: '未知', findings: '问题', features: '个', language: 'EN',
      reason: '原因', rule: '问题', loadError: '无法加载地图数据', panel: '图层',
      source: '本图由 ParkAtlas 生成，面积由程序按椭球面计算。',
      reports: '报告', classTotal: '该类合计', zoomIn: '放大查看单个地块',
      dissolvedHint: '此比例尺下按类别合并显示；放大后可点选单个要素。',
    },
    en: {
      layers: 'Layers', legend: 'Legend', search: 'Search plot number or owner', noHit: 'Nothing found',
      area: 'Area', mu: 'mu', published: 'Published', profile: 'Edition', internal: 'internal',
      public: 'public (investment)', method: 'Area method', auditDate: 'Idle-land audit as of',
      unknown: 'unknown', findings: 'Findings', features: '', language: '中文',
      reason: 'Reason', rule: 'Finding', loadError: 'The map data cannot be loaded', panel: 'Layers',
      source: 'Made with ParkAtlas; areas measured by the program on the ellipsoid.',
      reports: 'Reports', classTotal: 'Class total', zoomIn: 'Zoom in to the plots',
      dissolvedHint: 'At this scale the layer is drawn by class; zoom in to pick a single feature.',
    },
  };
  const params = new URLSearchParams(location.search);
  let language = params.get('lang') === 'en' ? 'en'
    : (params.get('lang') === 'zh' ? 'zh' : (localStorage.getItem('parkatlas.lang') || 'zh'));
  const state = { site: null, search: [], tiles: new Set(), map: null, ready: false, popup: null,
    identified: 0 };
  window.parkatlas = state; // for the browser tests and for anyone debugging the page

  const t = (key) => TEXT[language][key] || key;
  const base = location.href.replace(/[?#].*$/, '').replace(/[^/]*$/, '');

  function showMessage(text) {
    const box = document.getElementById('message');
    box.textContent = text;
    box.hidden = false;
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({
      '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
    }[c]));
  }

  async function loadJson(path) {
    const response = await fetch(base + path);
    if (!response.ok) throw new Error(path + ': HTTP ' + response.status);
    return response.json();
  }

  // Tiles come through this protocol so that a tile the engine did not write (an empty corner
  // of the park) is an empty tile, not a request that fails.
  function addTileProtocol() {
    maplibregl.addProtocol('parkatlas', async (params, abortController) => {
      const key = params.url.replace('parkatlas://', '');
      if (!state.tiles.has(key)) return { data: new ArrayBuffer(0) };
      const response = await fetch(base + 'tiles/' + key + '.pbf',
        { signal: abortController.signal });
      if (!response.ok) throw new Error('tile ' + key + ': HTTP ' + response.status);
      return { data: await response.arrayBuffer() };
    });
  }

  function layerName(layer) { return language === 'en' ? layer.en : layer.zh; }

  function fieldName(role, field) {
    const names = state.site.names[role + '.' + field];
    return names ? names[language] : field;
  }

  function mapLayers(site) {
    const layers = [{ id: 'background', type: 'background', paint: { 'background-color': '#f3f1ec' } }];
    for (const layer of site.layers) {
      const common = { source: 'park', 'source-layer': layer.id };
      const dash = layer.dash ? { 'line-dasharray': layer.dash } : {};
      if (layer.id === 'findings') {
        layers.push({ ...common, id: 'findings-fill', type: 'fill',
          filter: ['==', ['geometry-type'], 'Polygon'],
          paint: { 'fill-color': '#e31a1c', 'fill-opacity': 0.25 } });
        // A finding's outline; not around the findings dissolved at a low zoom (no rule).
        layers.push({ ...common, id: 'findings-line', type: 'line',
          filter: ['all', ['!=', ['geometry-type'], 'Point'], ['has', 'rule']],
          paint: { 'line-color': '#e31a1c', 'line-width': 2.5, 'line-dasharray': [2, 1] } });
        layers.push({ ...common, id: 'findings-point', type: 'circle',
          filter: ['==', ['geometry-type'], 'Point'],
          paint: { 'circle-color': '#e31a1c', 'circle-radius': 7, 'circle-stroke-color': '#fff',
            'circle-stroke-width': 1.5 } });
      } else if (layer.geometry === 'polygon') {
        layers.push({ ...common, id: layer.id + '-fill', type: 'fill', filter: ['has', '_fill'],
          paint: { 'fill-color': ['get', '_fill'], 'fill-opacity': ['coalesce', ['get', '_fo'], 0.6] } });
        layers.push({ ...common, id: layer.id + '-line', type: 'line', filter: ['has', '_stroke'],
          paint: { 'line-color': ['get', '_stroke'], 'line-width': ['coalesce', ['get', '_sw'], 1], ...dash } });
      } else if (layer.geometry === 'line') {
        layers.push({ ...common, id: layer.id + '-line', type: 'line',
          layout: { 'line-cap': 'round', 'line-join': 'round' },
          paint: { 'line-color': ['coalesce', ['get', '_stroke'], '#525252'],
            'line-width': ['*', 1.5, ['coalesce', ['get', '_sw'], 1]], ...dash } });
      } else if (layer.geometry === 'point') {
        layers.push({ ...common, id: layer.id + '-point', type: 'circle',
          paint: { 'circle-color': ['coalesce', ['get', '_fill'], '#969696'], 'circle-radius': 6,
            'circle-stroke-color': ['coalesce', ['get', '_stroke'], '#252525'], 'circle-stroke-width': 1 } });
      }
    }
    return layers;
  }

  function styleLayerIds(layerId) {
    return state.map.getStyle().layers.map((l) => l.id).filter((id) => id.startsWith(layerId + '-'));
  }

  function renderPanel() {
    const site = state.site;
    document.documentElement.lang = language === 'en' ? 'en' : 'zh-CN';
    document.getElementById('language').textContent = t('language');
    document.getElementById('search').placeholder = t('search');
    document.getElementById('panel-toggle').title = t('panel');
    for (const node of document.querySelectorAll('[data-text]')) node.textContent = t(node.dataset.text);

    const list = document.getElementById('layer-list');
    list.replaceChildren();
    for (const layer of [...site.layers].reverse()) {
      const item = document.createElement('li');
      const label = document.createElement('label');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.dataset.layer = layer.id;
      box.checked = state.visible[layer.id] !== false;
      box.addEventListener('change', () => {
        state.visible[layer.id] = box.checked;
        for (const id of styleLayerIds(layer.id))
          state.map.setLayoutProperty(id, 'visibility', box.checked ? 'visible' : 'none');
        renderLegend();
      });
      const name = document.createElement('span');
      name.textContent = layerName(layer);
      const count = document.createElement('span');
      count.className = 'count';
      count.textContent = layer.count;
      label.append(box, name, count);
      item.append(label);
      list.append(item);
    }
    renderLegend();
    renderReports();

    const about = document.getElementById('about');
    const lines = [
      t('published') + ': ' + site.published,
      t('profile') + ': ' + t(site.profile),
      t('method') + ': ' + site.area_method,
    ];
    if (site.audit_date) lines.push(t('auditDate') + ': ' + site.audit_date);
    lines.push(t('source'));
    about.innerHTML = lines.map(escapeHtml).join('<br>');
    document.getElementById('stamp').textContent =
      (site.profile === 'public' ? t('public') + ' · ' : '') + t('published') + ' ' + site.published;
    document.title = site.title + ' — ParkAtlas';
  }

  function renderLegend() {
    const site = state.site;
    const legend = document.getElementById('legend');
    legend.replaceChildren();
    for (const layer of [...site.layers].reverse()) {
      if (state.visible[layer.id] === false) continue;
      const entries = site.legend.filter((entry) => entry.layer === layer.id);
      if (layer.id === 'findings') {
        entries.push({ label: layerName(layer), fill: '#e31a1c', stroke: '#e31a1c', count: layer.count });
      }
      if (!entries.length) continue;
      const group = document.createElement('li');
      group.className = 'group';
      group.textContent = layerName(layer);
      legend.append(group);
      for (const entry of entries) {
        const item = document.createElement('li');
        const swatch = document.createElement('span');
        swatch.className = 'swatch';
        swatch.style.background = entry.fill || 'transparent';
        swatch.style.borderColor = entry.stroke || entry.fill || '#999';
        const label = document.createElement('span');
        label.textContent = entry.label;
        const figures = document.createElement('span');
        figures.className = 'figures';
        figures.textContent = entry.area_mu !== undefined
          ? entry.area_mu + ' ' + t('mu') : entry.count + (t('features') ? ' ' + t('features') : '');
        item.append(swatch, label, figures);
        legend.append(item);
      }
    }
  }

  // The committee maps of `parkatlas report` (internal sites published with --reports), as
  // PDFs in reports/, each opened in a new tab.
  function renderReports() {
    const reports = state.site.reports || [];
    document.getElementById('reports-menu').hidden = reports.length === 0;
    const list = document.getElementById('report-list');
    list.replaceChildren();
    for (const report of reports) {
      const item = document.createElement('li');
      const link = document.createElement('a');
      link.href = base + report.file.split('/').map(encodeURIComponent).join('/');
      link.target = '_blank';
      link.rel = 'noopener';
      link.type = 'application/pdf';
      link.textContent = language === 'en' ? report.en : report.zh;
      const size = document.createElement('small');
      size.textContent = 'PDF ' + (report.bytes / 1048576).toFixed(1) + ' MB';
      link.append(size);
      item.append(link);
      list.append(item);
    }
  }

  // A role layer's fields are not in its tiles: data/attributes/LAYER/N.json holds them for
  // the features whose _fid / 1000 is N (written by the engine, fetched once each).
  const attributeChunks = new Map();
  async function propertiesOf(feature) {
    const layer = state.site.layers.find((l) => l.id === feature.sourceLayer);
    const p = feature.properties;
    if (!layer || !layer.attributes || p._fid === undefined) return p; // also a dissolved piece
    const fid = Number(p._fid);
    const key = layer.id + '/' + (fid >= 0 ? Math.floor(fid / 1000) : -1);
    if (!attributeChunks.has(key))
      attributeChunks.set(key, loadJson('data/attributes/' + key + '.json'));
    const values = (await attributeChunks.get(key))[String(fid)];
    if (!values) return p;
    const merged = { ...p };
    layer.fields.forEach((field, i) => { if (values[i] !== null) merged[field] = values[i]; });
    return merged;
  }

  // A piece of a layer dissolved at a low zoom (no feature id, no finding rule: site.json's
  // "detail_minzoom" says from which zoom its features are in the tiles): the class it shows,
  // the class's total from the legend, and a button to zoom in to the features.
  function isDissolved(feature) {
    const p = feature.properties;
    return p._fid === undefined && p.rule === undefined;
  }

  function dissolvedHtml(feature) {
    const role = feature.sourceLayer;
    const layer = state.site.layers.find((l) => l.id === role);
    const p = feature.properties;
    let html = '<h3>' + escapeHtml(layer ? layerName(layer) : role) + '</h3>';
    const entry = role === 'findings' ? null
      : state.site.legend.find((e) => e.layer === role && e.label === p._class);
    if (entry) {
      html += '<div class="class">' + escapeHtml(entry.label) + '</div>';
      html += '<div class="class-total">' + t('classTotal') + ' ' +
        escapeHtml(entry.area_mu !== undefined ? entry.area_mu + ' ' + t('mu') : String(entry.count)) +
        ' · ' + entry.count + (t('features') ? ' ' + t('features') : '') + '</div>';
    } else if (layer) {
      html += '<div class="class-total">' + layer.count + (t('features') ? ' ' + t('features') : '') + '</div>';
    }
    html += '<p class="hint">' + escapeHtml(t('dissolvedHint')) + '</p>';
    if (layer && layer.detail_minzoom !== undefined)
      html += '<button type="button" class="zoom-in" data-zoom="' + layer.detail_minzoom + '">' +
        escapeHtml(t('zoomIn')) + '</button>';
    return html;
  }

  function identifyHtml(feature, p) {
    if (isDissolved(feature)) return dissolvedHtml(feature);
    const role = feature.sourceLayer;
    const layer = state.site.layers.find((l) => l.id === role);
    let html = '<h3>' + escapeHtml(layer ? layerName(layer) : role) + '</h3>';
    if (role === 'findings') {
      html += '<div class="reason">' + escapeHtml(language === 'en' ? p.rule_en : p.rule_zh) + '</div>';
      if (p.area_mu !== undefined)
        html += '<div class="area" data-area-mu="' + escapeHtml(p.area_mu) + '">' + t('area') + ' ' +
          escapeHtml(p.area_mu) + ' ' + t('mu') + '</div>';
      html += '<div>' + escapeHtml((language === 'en' ? p.reason_en : p.reason) || '') + '</div>';
      if (p.clause) html += '<small>' + escapeHtml(p.clause) + '</small>';
      return html;
    }
    if (p.area_mu !== undefined)
      html += '<div class="area" data-area-mu="' + escapeHtml(p.area_mu) + '">' + t('area') + ' ' +
        escapeHtml(p.area_mu) + ' ' + t('mu') + '</div>';
    html += '<table>';
    for (const field of (layer ? layer.fields : [])) {
      const value = p[field];
      html += '<tr><th>' + escapeHtml(fieldName(role, field)) + '</th><td>' +
        escapeHtml(value === undefined || value === '' ? t('unknown') : value) + '</td></tr>';
    }
    return html + '</table>';
  }

  // The outline of the feature identified: its source and layer are added at the first click
  // (in the first style, the empty source's tiles were cut by MapLibre's worker beside the
  // park's first tiles: tests/web/first_frame.js).
  function select(features) {
    const map = state.map;
    const data = { type: 'FeatureCollection', features };
    const source = map.getSource('selection');
    if (source) { source.setData(data); return; }
    if (!features.length) return;
    map.addSource('selection', { type: 'geojson', data });
    map.addLayer({ id: 'selection', type: 'line', source: 'selection',
      paint: { 'line-color': '#00bcd4', 'line-width': 4 } });
  }

  async function identify(point, lngLat) {
    const ids = state.map.getStyle().layers.map((l) => l.id)
      .filter((id) => id !== 'background' && id !== 'selection');
    const box = [[point.x - 4, point.y - 4], [point.x + 4, point.y + 4]];
    const seen = new Set();
    // What is under the point first (the plot clicked on), then what is near it (a pipe, a
    // point), at most six.
    const features = [...state.map.queryRenderedFeatures(point, { layers: ids }),
      ...state.map.queryRenderedFeatures(box, { layers: ids })].filter((f) => {
      const key = f.sourceLayer + ':' + f.properties._fid + ':' + (f.properties.rule || '');
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    }).slice(0, 6);
    if (state.popup) state.popup.remove();
    const asked = ++state.identified;
    if (!features.length) {
      select([]);
      return;
    }
    // A dissolved piece is not a thing to select (it may be half the park).
    const picked = features.find((feature) => !isDissolved(feature));
    select(picked ? [{ type: 'Feature', geometry: picked.geometry, properties: {} }] : []);
    let properties;
    try {
      properties = await Promise.all(features.map(propertiesOf));
    } catch (error) {
      showMessage(t('loadError') + ': ' + error.message);
      return;
    }
    if (asked !== state.identified) return; // a later click won
    state.popup = new maplibregl.Popup({ maxWidth: '340px' }).setLngLat(lngLat)
      .setHTML('<div class="identify">' +
        features.map((feature, i) => identifyHtml(feature, properties[i])).join('<hr>') + '</div>')
      .addTo(state.map);
    const zoomIn = state.popup.getElement().querySelector('.zoom-in');
    if (zoomIn)
      zoomIn.addEventListener('click', () => {
        state.popup.remove();
        state.map.easeTo({ center: lngLat, zoom: Math.max(state.map.getZoom(), Number(zoomIn.dataset.zoom) + 0.5) });
      });
  }

  function runSearch(query) {
    const list = document.getElementById('search-results');
    list.replaceChildren();
    const text = query.trim().toLowerCase();
    if (!text) { list.hidden = true; return []; }
    const hits = [];
    for (const entry of state.search) {
      if (entry[0].toLowerCase().includes(text) || entry[1].toLowerCase().includes(text)) {
        hits.push(entry);
        if (hits.length >= 30) break;
      }
    }
    if (!hits.length) {
      const item = document.createElement('li');
      item.textContent = t('noHit');
      list.append(item);
    }
    for (const hit of hits) {
      const item = document.createElement('li');
      item.setAttribute('role', 'option');
      item.dataset.id = hit[0];
      item.innerHTML = escapeHtml(hit[0]) + '<small>' + escapeHtml([hit[1], hit[3],
        hit[2] ? hit[2] + ' ' + t('mu') : ''].filter(Boolean).join(' · ')) + '</small>';
      item.addEventListener('click', () => goTo(hit));
      list.append(item);
    }
    list.hidden = false;
    return hits;
  }

  function goTo(hit) {
    document.getElementById('search-results').hidden = true;
    document.body.classList.remove('panel-open');
    const bounds = [[hit[4], hit[5]], [hit[6], hit[7]]];
    state.lastSearch = hit;
    state.map.fitBounds(bounds, { padding: 60, maxZoom: 18, duration: 0 });
    state.map.once('idle', () => {
      const center = state.map.project([(hit[4] + hit[6]) / 2, (hit[5] + hit[7]) / 2]);
      identify(center, state.map.unproject(center));
    });
  }

  // The first view is painted when every tile of it is loaded, not once a tile as they arrive:
  // each of those frames drew again every tile loaded so far, and with a software WebGL (no
  // GPU: headless chromium's SwiftShader) they took most of the time to the first full-extent
  // frame of a big park (tests/web/first_frame.js). The map's very first frame (before any
  // tile) is painted: without it the canvas stayed blank. Once the first full frame is drawn
  // (state.ready) the map paints as usual. The painter is MapLibre's own (pinned in
  // web/package.json); without one the map paints as usual.
  function holdFirstFrame(map) {
    const painter = map.painter;
    if (!painter || typeof painter.render !== 'function') return;
    const render = painter.render;
    let painted = false;
    painter.render = function (...args) {
      if (painted && !state.ready && !map.areTilesLoaded()) return undefined;
      painted = true;
      return render.apply(this, args);
    };
  }

  async function start() {
    try {
      const [site, tiles] = await Promise.all([loadJson('data/site.json'), loadJson('data/tiles.json')]);
      state.site = site;
      state.tiles = new Set(tiles);
    } catch (error) {
      showMessage(t('loadError') + ': ' + error.message);
      throw error;
    }
    // The search index (a line a plot: 8 MB for a 100k park) loads once the first view is
    // drawn, or when the search box is used first: parsed beside the map it held the main
    // thread, which hands MapLibre's workers their tiles, for a second (tests/web/first_frame.js).
    let searchLoading = null;
    const loadSearch = () => {
      if (!searchLoading)
        searchLoading = loadJson('data/search.json').then((search) => { state.search = search; })
          .catch((error) => { showMessage(t('loadError') + ': ' + error.message); throw error; });
      return searchLoading;
    };
    const site = state.site;
    state.visible = {};
    document.getElementById('title').textContent = site.title;
    addTileProtocol();
    const bounds = [[site.bounds[0], site.bounds[1]], [site.bounds[2], site.bounds[3]]];
    const map = new maplibregl.Map({
      container: 'map',
      style: {
        version: 8,
        sources: {
          park: { type: 'vector', tiles: ['parkatlas://{z}/{x}/{y}'], minzoom: site.minzoom,
            maxzoom: site.maxzoom, bounds: site.bounds },
        },
        // The layers in the style from the start: added after 'load' they made the workers
        // parse every tile of the first view a second time.
        layers: mapLayers(site),
      },
      bounds, fitBoundsOptions: { padding: 20 },
      minZoom: Math.max(0, site.minzoom - 1), maxZoom: 20,
      attributionControl: false, dragRotate: false, pitchWithRotate: false,
    });
    state.map = map;
    holdFirstFrame(map);
    map.touchZoomRotate.disableRotation();
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    map.addControl(new maplibregl.ScaleControl({ unit: 'metric', maxWidth: 120 }), 'bottom-left');
    // Ready (for the tests and the benchmark): the first frame with every tile of the view drawn.
    map.once('idle', () => { state.ready = true; loadSearch(); });
    map.on('error', (event) => {
      console.error('map: ' + (event.error && event.error.message ? event.error.message : event.error));
    });
    map.on('click', (event) => identify(event.point, event.lngLat));
    map.on('mousemove', (event) => {
      const ids = map.getStyle().layers.map((l) => l.id).filter((id) => id !== 'background' && id !== 'selection');
      map.getCanvas().style.cursor = map.queryRenderedFeatures(event.point, { layers: ids }).length ? 'pointer' : '';
    });
    renderPanel();

    const input = document.getElementById('search');
    input.addEventListener('focus', loadSearch);
    input.addEventListener('input', async () => {
      await loadSearch();
      runSearch(input.value);
    });
    input.addEventListener('keydown', async (event) => {
      if (event.key === 'Enter') {
        await loadSearch();
        const hits = runSearch(input.value);
        if (hits.length) goTo(hits[0]);
      } else if (event.key === 'Escape') {
        document.getElementById('search-results').hidden = true;
      }
    });
    document.getElementById('language').addEventListener('click', () => {
      language = language === 'zh' ? 'en' : 'zh';
      localStorage.setItem('parkatlas.lang', language);
      renderPanel();
      if (state.popup) state.popup.remove();
      if (input.value) runSearch(input.value);
    });
    const reportsButton = document.getElementById('reports');
    reportsButton.addEventListener('click', (event) => {
      event.stopPropagation();
      const list = document.getElementById('report-list');
      list.hidden = !list.hidden;
      reportsButton.setAttribute('aria-expanded', list.hidden ? 'false' : 'true');
    });
    document.addEventListener('click', (event) => {
      if (!event.target.closest('#reports-menu')) {
        document.getElementById('report-list').hidden = true;
        reportsButton.setAttribute('aria-expanded', 'false');
      }
    });
    document.getElementById('panel-toggle').addEventListener('click', (event) => {
      const open = document.body.classList.toggle('panel-open');
      event.currentTarget.setAttribute('aria-expanded', open ? 'true' : 'false');
    });
  }

  state.runSearch = runSearch;
  state.goTo = goTo;
  start();
})();
