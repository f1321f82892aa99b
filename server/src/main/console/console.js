// Runnel's console: one page, routed by the URL's hash. Live figures come from /console/events (Server-Sent Events,
// once a second); everything else goes through the same APIs any client uses, by /console/api and /console/rest.
'use strict';

const HISTORY = 300; // seconds of rates kept for charts, as the server keeps them
const TAIL_BEHIND_MS = 10000; // how far behind a shard's newest record the newest-records view may fall

const state = {
  latest: null,          // the newest overview from the server
  rates: new Map(),      // "records/<stream>" or "bytes/<stream>" -> {t: [], v: []}
  series: new Map(),     // any other figure followed over time ("delivered/<name>", ...) -> {t: [], v: []}
  listeners: new Set(),  // the open page's own handlers of each overview
  events: null,
  watched: undefined,
  cleanups: [],
};

// ---- calls to the server -------------------------------------------------------------------------------------

async function api(target, body) {
  const r = await fetch('/console/api', {
    method: 'POST',
    headers: {'X-Amz-Target': target, 'Content-Type': 'application/x-amz-json-1.1'},
    body: JSON.stringify(body || {}),
  });
  return answer(r);
}

async function rest(path, body) {
  const r = await fetch('/console/rest', {
    method: 'POST',
    headers: {'X-Runnel-Path': path, 'Content-Type': 'application/json'},
    body: JSON.stringify(body || {}),
  });
  return answer(r);
}

async function answer(r) {
  const text = await r.text();
  let json = {};
  try { json = text ? JSON.parse(text) : {}; } catch (e) { json = {message: text}; }
  if (r.status === 401) {
    signIn();
  }
  if (!r.ok) {
    const type = (json.__type || '').split('#').pop();
    throw new Error((type ? type + ': ' : '') + (json.message || json.Message || r.statusText));
  }
  return json;
}

const kinesis = (op, body) => api('Kinesis_20131202.' + op, body);
const firehose = (op, body) => api('Firehose_20150804.' + op, body);
const analytics = (op, body) => api('KinesisAnalytics_20180523.' + op, body);

// ---- small helpers -------------------------------------------------------------------------------------------

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'class') e.className = v;
    else if (v !== undefined && v !== null) e.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c !== undefined && c !== null) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function number(n, digits) {
  if (n === undefined || n === null || Number.isNaN(n)) return '–';
  return Number(n).toLocaleString('en-US', {maximumFractionDigits: digits === undefined ? 1 : digits});
}

function bytes(n) {
  if (n === undefined || n === null) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return number(n, i === 0 ? 0 : 1) + ' ' + units[i];
}

function when(ms) {
  return ms ? new Date(ms).toLocaleString() : '–';
}

function duration(ms) {
  if (!ms) return '–';
  const s = Math.floor(ms / 1000);
  return (s >= 3600 ? Math.floor(s / 3600) + 'h ' : '') + (s >= 60 ? Math.floor(s / 60) % 60 + 'm ' : '') + s % 60 + 's';
}

function status(text) {
  return el('span', {class: 'status ' + text}, text);
}

function flash(container, error) {
  container.replaceChildren(el('p', {class: 'error'}, String(error.message || error)));
}

function decode(base64) {
  const raw = atob(base64);
  const bytes = Uint8Array.from(raw, c => c.charCodeAt(0));
  const text = new TextDecoder('utf-8', {fatal: false}).decode(bytes);
  try {
    return JSON.stringify(JSON.parse(text));
  } catch (e) {
    return text;
  }
}

function follow(key, t, v) {
  let s = state.series.get(key);
  if (!s) state.series.set(key, s = {t: [], v: []});
  s.t.push(t); s.v.push(v);
  if (s.t.length > HISTORY) { s.t.shift(); s.v.shift(); }
  return s;
}

// ---- charts (uPlot) ------------------------------------------------------------------------------------------

function sparkline(container, values) {
  const data = [values.map((_, i) => i), values];
  const chart = new uPlot({
    width: 140, height: 30, legend: {show: false}, cursor: {show: false},
    scales: {x: {time: false}}, axes: [{show: false}, {show: false}],
    series: [{}, {stroke: '#1a7f37', fill: 'rgba(26,127,55,.12)', width: 1, points: {show: false}}],
  }, data, container);
  return chart;
}

function timeChart(container, labels, height) {
  const colours = ['#0969da', '#1a7f37', '#9a6700', '#cf222e', '#8250df', '#1b7c83'];
  const series = [{}].concat(labels.map((l, i) => ({label: l, stroke: colours[i % colours.length], width: 2, scale: i === 1 && labels.length === 2 ? 'b' : 'y'})));
  const axes = [{}, {scale: 'y'}];
  if (labels.length === 2) axes.push({scale: 'b', side: 1, grid: {show: false}});
  const chart = new uPlot({
    width: Math.max(320, container.clientWidth || 900), height: height || 220,
    scales: {x: {time: true}}, series, axes,
  }, [[], ...labels.map(() => [])], container);
  const resize = () => chart.setSize({width: Math.max(320, container.clientWidth), height: height || 220});
  window.addEventListener('resize', resize);
  state.cleanups.push(() => { window.removeEventListener('resize', resize); chart.destroy(); });
  return chart;
}

// ---- live updates --------------------------------------------------------------------------------------------

function watch(stream) {
  if (state.events && state.watched === stream) return;
  if (state.events) state.events.close();
  state.watched = stream;
  const url = '/console/events' + (stream ? '?stream=' + encodeURIComponent(stream) : '');
  const events = new EventSource(url);
  state.events = events;
  const connection = document.getElementById('connection');
  events.addEventListener('history', e => {
    const h = JSON.parse(e.data);
    for (const [key, values] of Object.entries(h.series)) {
      const t = values.map((_, i) => (h.at - (values.length - i) * h.tickMs) / 1000);
      state.rates.set(key, {t, v: values.slice()});
    }
  });
  events.onmessage = e => {
    const overview = JSON.parse(e.data);
    state.latest = overview;
    const t = overview.at / 1000;
    for (const s of overview.streams) {
      for (const [kind, value] of [['records/', s.recordsPerSecond], ['bytes/', s.bytesPerSecond]]) {
        let r = state.rates.get(kind + s.name);
        if (!r) state.rates.set(kind + s.name, r = {t: [], v: []});
        r.t.push(t); r.v.push(value);
        if (r.t.length > HISTORY) { r.t.shift(); r.v.shift(); }
      }
    }
    connection.textContent = 'live · ' + new Date(overview.at).toLocaleTimeString();
    for (const listener of state.listeners) {
      try { listener(overview); } catch (err) { console.error(err); }
    }
  };
  events.onerror = () => {
    connection.textContent = 'reconnecting…';
    fetch('/console/session').then(r => r.json()).then(s => { if (s.authRequired && !s.signedIn) signIn(); });
  };
}

function onOverview(listener) {
  state.listeners.add(listener);
  if (state.latest) listener(state.latest);
}

// ---- pages ---------------------------------------------------------------------------------------------------

const main = document.getElementById('main');

function route() {
  for (const cleanup of state.cleanups.splice(0)) {
    try { cleanup(); } catch (e) { console.error(e); }
  }
  state.listeners.clear();
  const [, kind, name] = decodeURIComponent(location.hash.replace(/^#/, '')).split('/');
  main.replaceChildren();
  if (kind === 'streams' && name) streamPage(name);
  else if (kind === 'deliveries' && name) deliveryPage(name);
  else if (kind === 'applications' && name) applicationPage(name);
  else if (kind === 'video' && name) videoPage(name);
  else overviewPage();
}

function overviewPage() {
  watch(null);
  const streams = el('tbody', {id: 'stream-list'});
  const sparks = new Map();
  const deliveries = el('tbody', {id: 'delivery-list'});
  const applications = el('tbody', {id: 'application-list'});
  const cameras = el('tbody', {id: 'video-list'});
  const form = el('form', {class: 'row', id: 'create-stream'},
    el('input', {name: 'name', placeholder: 'stream name', required: '', pattern: '[a-zA-Z0-9_.-]+'}),
    el('input', {name: 'shards', type: 'number', min: '1', value: '1', style: 'width:5em', title: 'shards'}),
    el('button', {type: 'submit'}, 'Create stream'), el('span', {class: 'error', id: 'create-error'}));
  form.addEventListener('submit', async e => {
    e.preventDefault();
    try {
      await kinesis('CreateStream', {StreamName: form.name.value, ShardCount: Number(form.shards.value)});
      form.reset();
      form.querySelector('#create-error').textContent = '';
    } catch (err) {
      form.querySelector('#create-error').textContent = err.message;
    }
  });
  main.append(
    el('h1', {}, 'Overview'),
    el('section', {}, el('h2', {}, 'Data streams'), form,
      el('table', {}, el('thead', {}, el('tr', {}, ['Name', 'Status', 'Open shards', 'Retention', 'Records/s', 'Bytes/s', 'Last 5 minutes'].map(h => el('th', {}, h)))), streams)),
    el('section', {}, el('h2', {}, 'Delivery streams'),
      el('table', {}, el('thead', {}, el('tr', {}, ['Name', 'Source', 'Destination', 'Files', 'Bytes', 'Last delivery', 'Errors'].map(h => el('th', {}, h)))), deliveries)),
    el('section', {}, el('h2', {}, 'Applications'),
      el('table', {}, el('thead', {}, el('tr', {}, ['Name', 'Status', 'Job', 'Uptime', 'Records in', 'Records out', 'Checkpoints'].map(h => el('th', {}, h)))), applications)),
    el('section', {}, el('h2', {}, 'Video streams'),
      el('table', {}, el('thead', {}, el('tr', {}, ['Name', 'Status', 'Media type', 'Fragments', 'Fragments/min'].map(h => el('th', {}, h)))), cameras)));

  onOverview(o => {
    rows(streams, o.streams, s => s.name, s => {
      const spark = el('div', {class: 'spark'});
      return el('tr', {'data-stream': s.name},
        el('td', {}, el('a', {href: '#/streams/' + encodeURIComponent(s.name)}, s.name)),
        el('td', {'data-field': 'status'}), el('td', {class: 'num', 'data-field': 'openShards'}),
        el('td', {class: 'num'}, s.retentionHours + ' h'), el('td', {class: 'num', 'data-field': 'rate'}),
        el('td', {class: 'num', 'data-field': 'byteRate'}), el('td', {}, spark));
    }, (row, s) => {
      row.querySelector('[data-field=status]').replaceChildren(status(s.status));
      row.querySelector('[data-field=openShards]').textContent = s.openShards;
      row.querySelector('[data-field=rate]').textContent = number(s.recordsPerSecond);
      row.querySelector('[data-field=byteRate]').textContent = bytes(s.bytesPerSecond) + '/s';
      const values = (state.rates.get('records/' + s.name) || {v: []}).v.slice(-60);
      const spark = row.querySelector('.spark');
      if (!sparks.has(s.name)) sparks.set(s.name, sparkline(spark, values));
      else sparks.get(s.name).setData([values.map((_, i) => i), values]);
    });
    rows(deliveries, o.deliveryStreams, d => d.name, d => el('tr', {'data-delivery': d.name}), (row, d) => {
      row.replaceChildren(el('td', {}, el('a', {href: '#/deliveries/' + encodeURIComponent(d.name)}, d.name)),
        el('td', {}, d.source), el('td', {}, 's3://' + d.bucket + '/' + d.prefix), el('td', {class: 'num'}, number(d.objects, 0)),
        el('td', {class: 'num'}, bytes(d.bytes)), el('td', {}, when(d.lastDeliveryAt)), el('td', {class: 'num'}, number(d.errorObjects, 0)));
    });
    rows(applications, o.applications, a => a.name, a => el('tr', {'data-application': a.name}), (row, a) => {
      row.replaceChildren(el('td', {}, el('a', {href: '#/applications/' + encodeURIComponent(a.name)}, a.name)),
        el('td', {}, status(a.status)), el('td', {}, a.flinkJobUrl ? el('a', {href: a.flinkJobUrl, target: '_blank'}, a.jobState || 'Flink job') : '–'),
        el('td', {}, duration(a.uptimeMs)), el('td', {class: 'num'}, number(a.recordsIn, 0)), el('td', {class: 'num'}, number(a.recordsOut, 0)),
        el('td', {class: 'num'}, a.completedCheckpoints === undefined ? '–' : a.completedCheckpoints + ' / ' + a.failedCheckpoints + ' failed'));
    });
    rows(cameras, o.videoStreams, v => v.name, v => el('tr', {'data-video': v.name}), (row, v) => {
      row.replaceChildren(el('td', {}, el('a', {href: '#/video/' + encodeURIComponent(v.name)}, v.name)), el('td', {}, status(v.status)),
        el('td', {}, v.mediaType || '–'), el('td', {class: 'num'}, number(v.fragments, 0)), el('td', {class: 'num'}, number(v.fragmentsPerMinute, 0)));
    });
  });
}

/** Keeps a table's rows in step with a list: adds rows for new items, updates every row, drops rows of items gone. */
function rows(tbody, items, key, make, update) {
  const seen = new Set();
  for (const item of items) {
    const k = key(item);
    seen.add(k);
    let row = [...tbody.children].find(r => r.dataset.key === k);
    if (!row) {
      row = make(item);
      row.dataset.key = k;
      tbody.append(row);
    }
    update(row, item);
  }
  for (const row of [...tbody.children]) {
    if (!seen.has(row.dataset.key)) row.remove();
  }
  if (!items.length && !tbody.children.length) {
    const empty = el('tr', {}, el('td', {colspan: '8', class: 'muted'}, 'None yet.'));
    empty.dataset.key = '';
    tbody.append(empty);
  }
}

/**
 * The stream a SQL application writes: the table it inserts into, or the stream named in that table's WITH options
 * when the application creates it. Null when the code says no INSERT.
 */
function outputStream(code) {
  const part = '(?:`[^`]+`|"[^"]+"|[\\w-]+)';
  const insert = new RegExp('INSERT\\s+INTO\\s+(' + part + '(?:\\.' + part + ')*)', 'i').exec(code);
  if (!insert) return null;
  const table = insert[1].match(new RegExp(part, 'g')).pop().replace(/^[`"]|[`"]$/g, '');
  const escaped = table.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  const created = new RegExp('CREATE\\s+(?:TEMPORARY\\s+)?TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(?:' + part + '\\.)*[`"]?'
    + escaped + '[`"]?\\s*\\([\\s\\S]*?\\bWITH\\s*\\(([\\s\\S]*?)\\)\\s*;', 'i').exec(code);
  const stream = created && /'stream'\s*=\s*'([^']+)'/i.exec(created[1]);
  return stream ? stream[1] : table;
}

/** Adds to a choice of streams those that appeared; true the first time, when the choice was empty. */
function streamOptions(select, streams) {
  const first = select.options.length === 1;
  const known = new Set([...select.options].map(o => o.value));
  for (const s of streams) {
    if (!known.has(s.name)) select.append(el('option', {value: s.name}, s.name));
  }
  return first;
}

// ---- a data stream -------------------------------------------------------------------------------------------

function streamPage(name) {
  watch(name);
  const figures = el('div', {class: 'figures'});
  const chartBox = el('div', {id: 'throughput'});
  const shards = el('tbody', {id: 'shards'});
  const lineage = el('div', {id: 'lineage'});
  const readers = el('tbody', {id: 'readers'});
  const tail = el('tbody', {id: 'tail'});
  const message = el('p', {class: 'error', id: 'stream-error'});
  const target = el('input', {type: 'number', min: '1', value: '2', style: 'width:5em', id: 'target-shards'});
  main.append(
    el('p', {}, el('a', {href: '#/'}, '← Overview')),
    el('h1', {}, 'Data stream ', el('span', {id: 'stream-name'}, name)),
    el('section', {}, el('div', {class: 'row'},
      el('span', {id: 'stream-status'}),
      el('span', {class: 'muted', id: 'stream-summary'}),
      el('span', {style: 'flex:1'}),
      el('label', {}, 'Shards ', target), el('button', {id: 'reshard', onclick: reshard}, 'Reshard'),
      el('button', {class: 'danger', id: 'delete-stream', onclick: remove}, 'Delete')), message),
    el('section', {}, el('h2', {}, 'Incoming'), figures, chartBox),
    el('section', {}, el('h2', {}, 'Shards'),
      el('table', {}, el('thead', {}, el('tr', {}, ['Shard', 'State', 'Parents', 'Hash key range', 'Records put', ''].map(h => el('th', {}, h)))), shards),
      el('h2', {}, 'Lineage'), lineage),
    el('section', {}, el('h2', {}, 'Readers'),
      el('table', {}, el('thead', {}, el('tr', {}, ['Reader', 'Shard', 'Behind latest'].map(h => el('th', {}, h)))), readers),
      el('p', {class: 'muted'}, 'GetRecords callers share one row per shard; each enhanced fan-out consumer has its own.')),
    el('section', {}, el('h2', {}, 'Newest records'),
      el('table', {class: 'tail'}, el('thead', {}, el('tr', {}, ['Arrived', 'Shard', 'Partition key', 'Data'].map(h => el('th', {}, h)))), tail)));

  const chart = timeChart(chartBox, ['records/s', 'bytes/s']);
  let lastLineage = '';
  onOverview(o => {
    const s = o.streams.find(x => x.name === name);
    if (!s) {
      message.textContent = 'This stream does not exist (any more).';
      return;
    }
    document.getElementById('stream-status').replaceChildren(status(s.status));
    document.getElementById('stream-summary').textContent = s.mode + ' · ' + s.openShards + ' open shards · retention ' + s.retentionHours + ' h';
    figures.replaceChildren(
      el('div', {class: 'figure'}, el('b', {id: 'live-rate'}, number(s.recordsPerSecond)), el('span', {}, 'records/s')),
      el('div', {class: 'figure'}, el('b', {id: 'live-bytes'}, bytes(s.bytesPerSecond) + '/s'), el('span', {}, 'bytes/s')),
      el('div', {class: 'figure'}, el('b', {id: 'total-records'}, number(s.incomingRecords, 0)), el('span', {}, 'records put (this server)')),
      el('div', {class: 'figure'}, el('b', {}, bytes(s.incomingBytes)), el('span', {}, 'put (this server)')));
    const r = state.rates.get('records/' + name) || {t: [], v: []};
    const b = state.rates.get('bytes/' + name) || {t: [], v: []};
    chart.setData([r.t, r.v, b.v.slice(-r.t.length)]);
    if (!o.stream) return;
    rows(shards, o.stream.shards, x => x.shardId, x => el('tr', {'data-shard': x.shardId}), (row, x) => {
      const split = x.open ? el('button', {onclick: () => splitShard(x)}, 'Split') : '';
      row.replaceChildren(el('td', {}, x.shardId), el('td', {}, status(x.open ? 'open' : 'closed')),
        el('td', {}, [x.parentShardId, x.adjacentParentShardId].filter(Boolean).join(', ') || '–'),
        el('td', {class: 'muted'}, shortKey(x.startingHashKey) + ' – ' + shortKey(x.endingHashKey)),
        el('td', {class: 'num'}, number(x.incomingRecords, 0)), el('td', {}, split));
    });
    const shape = JSON.stringify(o.stream.shards.map(x => [x.shardId, x.open]));
    if (shape !== lastLineage) {
      lastLineage = shape;
      lineage.replaceChildren(drawLineage(o.stream.shards));
    }
    rows(readers, o.stream.readers, x => x.reader + '/' + x.shardId, () => el('tr'), (row, x) => {
      row.replaceChildren(el('td', {}, x.reader), el('td', {}, x.shardId), el('td', {class: 'num'}, number(x.millisBehindLatest, 0) + ' ms'));
    });
  });
  tailRecords(name, tail);

  async function reshard() {
    try {
      await kinesis('UpdateShardCount', {StreamName: name, TargetShardCount: Number(target.value), ScalingType: 'UNIFORM_SCALING'});
      message.textContent = '';
    } catch (err) {
      message.textContent = err.message;
    }
  }

  async function splitShard(shard) {
    const start = BigInt(shard.startingHashKey);
    const end = BigInt(shard.endingHashKey);
    try {
      await kinesis('SplitShard', {StreamName: name, ShardToSplit: shard.shardId, NewStartingHashKey: ((start + end) / 2n + 1n).toString()});
      message.textContent = '';
    } catch (err) {
      message.textContent = err.message;
    }
  }

  async function remove() {
    if (!confirm('Delete data stream ' + name + '? Its records are lost.')) return;
    try {
      await kinesis('DeleteStream', {StreamName: name, EnforceConsumerDeletion: true});
      location.hash = '#/';
    } catch (err) {
      message.textContent = err.message;
    }
  }
}

function shortKey(key) {
  return key.length > 12 ? key.slice(0, 5) + '…' + key.slice(-4) + ' (' + key.length + ' digits)' : key;
}

/** Shards as a graph: a column per generation, each shard at the height of its hash key range, lines from parents. */
function drawLineage(shards) {
  const byId = new Map(shards.map(s => [s.shardId, s]));
  const depth = new Map();
  const depthOf = s => {
    if (depth.has(s.shardId)) return depth.get(s.shardId);
    const parents = [s.parentShardId, s.adjacentParentShardId].filter(p => byId.has(p)).map(p => depthOf(byId.get(p)));
    const d = parents.length ? Math.max(...parents) + 1 : 0;
    depth.set(s.shardId, d);
    return d;
  };
  shards.forEach(depthOf);
  const max = 2n ** 128n;
  const columns = Math.max(...depth.values()) + 1;
  const width = Math.max(400, columns * 190);
  const height = 220;
  const boxW = 150;
  const place = s => {
    const top = Number(BigInt(s.startingHashKey) * 1000n / max) / 1000;
    const bottom = Number((BigInt(s.endingHashKey) + 1n) * 1000n / max) / 1000;
    return {x: 10 + depth.get(s.shardId) * 190, y: 6 + top * (height - 12), h: Math.max(16, (bottom - top) * (height - 12) - 4)};
  };
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'lineage');
  svg.setAttribute('id', 'lineage-graph');
  svg.setAttribute('width', width);
  svg.setAttribute('height', height);
  for (const s of shards) {
    const p = place(s);
    for (const parentId of [s.parentShardId, s.adjacentParentShardId]) {
      const parent = byId.get(parentId);
      if (!parent) continue;
      const q = place(parent);
      const path = document.createElementNS(ns, 'path');
      path.setAttribute('d', `M${q.x + boxW},${q.y + q.h / 2} C${q.x + boxW + 20},${q.y + q.h / 2} ${p.x - 20},${p.y + p.h / 2} ${p.x},${p.y + p.h / 2}`);
      path.setAttribute('data-edge', parentId + '>' + s.shardId);
      svg.append(path);
    }
  }
  for (const s of shards) {
    const p = place(s);
    const g = document.createElementNS(ns, 'g');
    g.setAttribute('data-shard', s.shardId);
    g.setAttribute('data-state', s.open ? 'open' : 'closed');
    const rect = document.createElementNS(ns, 'rect');
    Object.entries({x: p.x, y: p.y, width: boxW, height: p.h, rx: 3, class: s.open ? 'open' : 'closed'}).forEach(([k, v]) => rect.setAttribute(k, v));
    const text = document.createElementNS(ns, 'text');
    text.setAttribute('x', p.x + 6);
    text.setAttribute('y', p.y + Math.min(p.h / 2 + 4, 14));
    text.textContent = s.shardId + (s.open ? '' : ' (closed)');
    g.append(rect, text);
    svg.append(g);
  }
  return svg;
}

/**
 * Reads the newest records of every shard of a stream, as a consumer would: from a minute ago, then on each second,
 * skipping ahead on a shard busier than it reads. Shards that appear (a split) are read from their start.
 */
function tailRecords(name, tbody, onRecord) {
  const iterators = new Map();
  const openedAt = Date.now();
  let stopped = false;
  const shown = [];
  state.cleanups.push(() => { stopped = true; });
  const step = async () => {
    if (stopped) return;
    try {
      const shards = (await kinesis('ListShards', {StreamName: name})).Shards || [];
      for (const s of shards) {
        if (iterators.has(s.ShardId)) continue;
        const it = await kinesis('GetShardIterator', {StreamName: name, ShardId: s.ShardId, ShardIteratorType: 'AT_TIMESTAMP',
          Timestamp: (openedAt - 60000) / 1000});
        iterators.set(s.ShardId, it.ShardIterator);
      }
      for (const [shardId, iterator] of [...iterators]) {
        if (!iterator) continue;
        const r = await kinesis('GetRecords', {ShardIterator: iterator, Limit: 500});
        iterators.set(shardId, r.NextShardIterator || null);
        if (r.NextShardIterator && r.MillisBehindLatest > TAIL_BEHIND_MS) {
          // A shard busier than this view reads: skip to its last seconds rather than fall further behind.
          const skip = await kinesis('GetShardIterator', {StreamName: name, ShardId: shardId, ShardIteratorType: 'AT_TIMESTAMP',
            Timestamp: (Date.now() - 2000) / 1000});
          iterators.set(shardId, skip.ShardIterator);
        }
        for (const record of r.Records || []) {
          const data = decode(record.Data);
          shown.push({at: record.ApproximateArrivalTimestamp * 1000, shardId, key: record.PartitionKey, data});
          if (onRecord) onRecord(record, data);
        }
      }
      if (tbody) {
        shown.sort((a, b) => b.at - a.at);
        shown.splice(50);
        tbody.replaceChildren(...shown.map(x => el('tr', {}, el('td', {}, new Date(x.at).toLocaleTimeString()), el('td', {}, x.shardId),
          el('td', {}, x.key), el('td', {class: 'data'}, x.data.length > 600 ? x.data.slice(0, 600) + '…' : x.data))));
      }
    } catch (err) {
      if (tbody) tbody.replaceChildren(el('tr', {}, el('td', {colspan: '4', class: 'error'}, err.message)));
    }
    if (!stopped) setTimeout(step, 1000);
  };
  step();
}

// ---- a delivery stream ---------------------------------------------------------------------------------------

function deliveryPage(name) {
  watch(null);
  const info = el('div', {id: 'delivery-info'});
  const figures = el('div', {class: 'figures'});
  const chartBox = el('div');
  const files = el('tbody', {id: 'delivered-files'});
  const errors = el('tbody', {id: 'error-files'});
  const preview = el('pre', {id: 'error-preview', hidden: ''});
  main.append(el('p', {}, el('a', {href: '#/'}, '← Overview')), el('h1', {}, 'Delivery stream ', name),
    el('section', {}, info, figures),
    el('section', {}, el('h2', {}, 'Records delivered'), chartBox),
    el('section', {}, el('h2', {}, 'Newest files'),
      el('table', {}, el('thead', {}, el('tr', {}, ['Key', 'Size', 'Written'].map(h => el('th', {}, h)))), files)),
    el('section', {}, el('h2', {}, 'Records set aside'),
      el('table', {}, el('thead', {}, el('tr', {}, ['Key', 'Size', 'Written', ''].map(h => el('th', {}, h)))), errors), preview));
  firehose('DescribeDeliveryStream', {DeliveryStreamName: name}).then(d => {
    const s = d.DeliveryStreamDescription;
    const dest = (s.Destinations[0] || {}).ExtendedS3DestinationDescription || {};
    info.replaceChildren(el('div', {class: 'row'}, status(s.DeliveryStreamStatus), el('span', {}, s.DeliveryStreamType),
      el('span', {class: 'muted'}, '→ ' + (dest.BucketARN || '') + '/' + (dest.Prefix || ''))),
      s.FailureDescription ? el('p', {class: 'error'}, s.FailureDescription.Type + ': ' + s.FailureDescription.Details) : '');
  }).catch(err => flash(info, err));
  const chart = timeChart(chartBox, ['records delivered', 'files']);
  let listed = '';
  onOverview(o => {
    const d = o.deliveryStreams.find(x => x.name === name);
    if (!d) return;
    figures.replaceChildren(
      el('div', {class: 'figure'}, el('b', {id: 'delivered-objects'}, number(d.objects, 0)), el('span', {}, 'files')),
      el('div', {class: 'figure'}, el('b', {}, bytes(d.bytes)), el('span', {}, 'delivered')),
      el('div', {class: 'figure'}, el('b', {}, number(d.recordsDelivered, 0)), el('span', {}, 'records delivered')),
      el('div', {class: 'figure'}, el('b', {}, when(d.lastDeliveryAt)), el('span', {}, 'last delivery')),
      el('div', {class: 'figure'}, el('b', {}, number(d.errorObjects, 0)), el('span', {}, 'error files')));
    const r = follow('delivered/' + name, o.at / 1000, d.recordsDelivered || 0);
    const f = follow('files/' + name, o.at / 1000, d.objects || 0);
    chart.setData([r.t, r.v, f.v]);
    const counts = d.objects + '/' + d.errorObjects;
    if (counts !== listed) {
      listed = counts;
      loadFiles();
    }
  });

  async function loadFiles() {
    const r = await fetch('/console/delivered?name=' + encodeURIComponent(name));
    if (!r.ok) return;
    const d = await r.json();
    files.replaceChildren(...(d.newest || []).map(o => el('tr', {}, el('td', {}, o.key), el('td', {class: 'num'}, bytes(o.size)), el('td', {}, when(o.modified)))));
    errors.replaceChildren(...(d.newestErrors || []).map(o => el('tr', {}, el('td', {}, o.key), el('td', {class: 'num'}, bytes(o.size)),
      el('td', {}, when(o.modified)), el('td', {}, el('button', {onclick: () => look(o.key)}, 'Look')))));
  }

  async function look(key) {
    const r = await fetch('/console/object?name=' + encodeURIComponent(name) + '&key=' + encodeURIComponent(key));
    preview.hidden = false;
    preview.textContent = await r.text();
  }
}

// ---- an application ------------------------------------------------------------------------------------------

function applicationPage(name) {
  watch(null);
  const info = el('div', {id: 'application-info'});
  const figures = el('div', {class: 'figures'});
  const picker = el('select', {id: 'results-stream'}, el('option', {value: ''}, 'choose the stream it writes'));
  const columns = el('div', {class: 'row', id: 'result-columns'});
  const chartBox = el('div', {id: 'results-chart'});
  main.append(el('p', {}, el('a', {href: '#/'}, '← Overview')), el('h1', {}, 'Application ', name),
    el('section', {}, info, figures),
    el('section', {}, el('h2', {}, 'Results'), el('div', {class: 'row'}, el('label', {}, 'Output stream ', picker)), columns, chartBox));
  let written = null; // the table a SQL application inserts into: likely the stream to chart
  analytics('DescribeApplication', {ApplicationName: name}).then(d => {
    const a = d.ApplicationDetail;
    const code = ((((a.ApplicationConfigurationDescription || {}).ApplicationCodeConfigurationDescription || {})
      .CodeContentDescription || {}).TextContent) || '';
    written = outputStream(code);
    info.replaceChildren(el('div', {class: 'row'}, el('span', {id: 'application-status'}, status(a.ApplicationStatus)),
      el('span', {}, a.RuntimeEnvironment), el('span', {class: 'muted'}, a.ApplicationDescription || '')));
  }).catch(err => flash(info, err));
  onOverview(o => {
    const a = o.applications.find(x => x.name === name);
    if (!a) return;
    const status = document.getElementById('application-status');
    if (status) status.replaceChildren(el('span', {class: 'status ' + a.status}, a.status));
    figures.replaceChildren(
      el('div', {class: 'figure'}, el('b', {}, a.flinkJobUrl ? el('a', {href: a.flinkJobUrl, target: '_blank', id: 'flink-job'}, a.jobState || 'job') : '–'), el('span', {}, 'Flink job')),
      el('div', {class: 'figure'}, el('b', {}, duration(a.uptimeMs)), el('span', {}, 'uptime')),
      el('div', {class: 'figure'}, el('b', {}, number(a.recordsIn, 0)), el('span', {}, 'records in')),
      el('div', {class: 'figure'}, el('b', {}, number(a.recordsOut, 0)), el('span', {}, 'records out')),
      el('div', {class: 'figure'}, el('b', {}, a.completedCheckpoints === undefined ? '–' : number(a.completedCheckpoints, 0)), el('span', {}, 'checkpoints')),
      el('div', {class: 'figure'}, el('b', {}, when(a.lastCheckpointAt)), el('span', {}, 'last checkpoint')),
      a.failure ? el('p', {class: 'error'}, a.failure) : '');
    streamOptions(picker, o.streams);
    if (!picker.value) {
      const chosen = [localStorage.getItem('results/' + name), written].find(s => s && o.streams.some(x => x.name === s));
      if (chosen) {
        picker.value = chosen;
        plotResults(chosen);
      }
    }
  });
  picker.addEventListener('change', () => {
    localStorage.setItem('results/' + name, picker.value);
    if (picker.value) plotResults(picker.value);
  });

  let plotting = null;
  function plotResults(stream) {
    if (plotting) plotting();
    let stopped = false;
    plotting = () => { stopped = true; };
    const points = [];
    const numeric = new Set();
    const chosen = new Set();
    let chart = null;
    chartBox.replaceChildren();
    columns.replaceChildren();
    const redraw = () => {
      if (chart) chart.destroy();
      chartBox.replaceChildren();
      const names = [...chosen];
      if (!names.length) return;
      chart = new uPlot({width: Math.max(320, chartBox.clientWidth || 900), height: 240, scales: {x: {time: true}},
        series: [{}].concat(names.map((n, i) => ({label: n, stroke: ['#0969da', '#1a7f37', '#9a6700', '#cf222e', '#8250df'][i % 5], width: 2})))},
        [points.map(p => p.t), ...names.map(n => points.map(p => p.row[n] ?? null))], chartBox);
    };
    state.cleanups.push(() => { stopped = true; if (chart) chart.destroy(); });
    tailRecords(stream, null, (record, data) => {
      if (stopped) return;
      let row;
      try { row = JSON.parse(data); } catch (e) { return; }
      if (typeof row !== 'object' || row === null) return;
      points.push({t: record.ApproximateArrivalTimestamp, row});
      points.sort((a, b) => a.t - b.t);
      if (points.length > 2000) points.shift();
      for (const [k, v] of Object.entries(row)) {
        if (typeof v === 'number' && !numeric.has(k)) {
          numeric.add(k);
          const box = el('input', {type: 'checkbox', value: k, 'data-column': k});
          if (chosen.size < 2) { box.checked = true; chosen.add(k); }
          box.addEventListener('change', () => { box.checked ? chosen.add(k) : chosen.delete(k); redraw(); });
          columns.append(el('label', {}, box, ' ' + k));
        }
      }
      redraw();
    });
  }
}

// ---- a video stream ------------------------------------------------------------------------------------------

let hlsLoading = null;

function loadHls() {
  if (!hlsLoading) {
    hlsLoading = new Promise((resolve, reject) => {
      const s = el('script', {src: '/console/vendor/hls.min.js'});
      s.onload = () => resolve(window.Hls);
      s.onerror = () => reject(new Error('could not load the HLS player'));
      document.head.append(s);
    });
  }
  return hlsLoading;
}

function videoPage(name) {
  watch(null);
  const info = el('div', {id: 'video-info'});
  const video = el('video', {id: 'player', controls: '', muted: '', playsinline: ''});
  video.muted = true;
  const mode = el('select', {id: 'playback-mode'}, el('option', {value: 'LIVE'}, 'Live'), el('option', {value: 'ON_DEMAND'}, 'Last hour'));
  const figures = el('div', {class: 'figures'});
  const chartBox = el('div');
  const eventsPicker = el('select', {id: 'events-stream'}, el('option', {value: ''}, 'choose its events stream'));
  const timeline = el('div', {class: 'timeline', id: 'timeline'});
  const message = el('p', {class: 'error', id: 'player-error'});
  main.append(el('p', {}, el('a', {href: '#/'}, '← Overview')), el('h1', {}, 'Video stream ', name),
    el('section', {}, info, el('div', {class: 'row'}, el('label', {}, 'Play ', mode)), video, message),
    el('section', {}, el('h2', {}, 'Fragments'), figures, chartBox),
    el('section', {}, el('h2', {}, 'Analysis events'), el('div', {class: 'row'}, el('label', {}, 'Events stream ', eventsPicker)), timeline));
  rest('/describeStream', {StreamName: name}).then(d => {
    const s = d.StreamInfo;
    info.replaceChildren(el('div', {class: 'row'}, status(s.Status), el('span', {}, s.MediaType || ''),
      el('span', {class: 'muted'}, 'retention ' + s.DataRetentionInHours + ' h')));
  }).catch(err => flash(info, err));

  let hls = null;
  let started = 0;
  state.cleanups.push(() => { if (hls) hls.destroy(); });
  const play = async () => {
    message.textContent = '';
    try {
      // Producer times, as the analysis' events carry them: the playlist's fragment times are what clicking an event seeks by.
      const request = {StreamName: name, PlaybackMode: mode.value, DisplayFragmentTimestamp: 'ALWAYS',
        HLSFragmentSelector: {FragmentSelectorType: 'PRODUCER_TIMESTAMP'}};
      if (mode.value === 'ON_DEMAND') {
        const now = Date.now() / 1000;
        request.HLSFragmentSelector.TimestampRange = {StartTimestamp: now - 3600, EndTimestamp: now + 60};
      }
      const session = await rest('/getHLSStreamingSessionURL', request);
      const Hls = await loadHls();
      if (hls) hls.destroy();
      hls = new Hls({lowLatencyMode: false});
      window.runnelPlayer = hls; // the page's player, for scripts that drive the console
      hls.on(Hls.Events.ERROR, (_, data) => { if (data.fatal) message.textContent = 'Player: ' + data.type + ' ' + data.details; });
      hls.loadSource(session.HLSStreamingSessionURL);
      hls.attachMedia(video);
      hls.on(Hls.Events.MANIFEST_PARSED, () => video.play().catch(() => {}));
    } catch (err) {
      message.textContent = err.message;
    }
  };
  mode.addEventListener('change', play);
  play();

  const chart = timeChart(chartBox, ['fragments/min']);
  onOverview(o => {
    const v = o.videoStreams.find(x => x.name === name);
    if (v) {
      figures.replaceChildren(el('div', {class: 'figure'}, el('b', {id: 'fragments-per-minute'}, number(v.fragmentsPerMinute, 0)), el('span', {}, 'fragments/min')),
        el('div', {class: 'figure'}, el('b', {}, number(v.fragments, 0)), el('span', {}, 'fragments (this server)')));
      const s = follow('fpm/' + name, o.at / 1000, v.fragmentsPerMinute);
      chart.setData([s.t, s.v]);
    }
    if (streamOptions(eventsPicker, o.streams)) {
      const remembered = localStorage.getItem('events/' + name);
      if (remembered && o.streams.some(s => s.name === remembered)) {
        eventsPicker.value = remembered;
        showEvents(remembered);
      }
    }
  });
  eventsPicker.addEventListener('change', () => {
    localStorage.setItem('events/' + name, eventsPicker.value);
    if (eventsPicker.value) showEvents(eventsPicker.value);
  });

  /** Seeks the player to a producer time, by the fragment times the playlist carries. */
  function seek(ms) {
    if (!hls || !hls.levels || !hls.levels.length) return;
    const level = hls.levels[hls.currentLevel >= 0 ? hls.currentLevel : 0];
    const fragments = (level.details && level.details.fragments) || [];
    const fragment = fragments.filter(f => f.programDateTime && f.programDateTime <= ms).pop() || fragments[0];
    if (!fragment) return;
    video.currentTime = fragment.start + Math.max(0, (ms - (fragment.programDateTime || ms)) / 1000);
    video.play().catch(() => {});
  }

  let following = null;
  function showEvents(stream) {
    if (following) following();
    let stopped = false;
    following = () => { stopped = true; };
    state.cleanups.push(following);
    timeline.replaceChildren();
    tailRecords(stream, null, (record, data) => {
      if (stopped) return;
      let event;
      try { event = JSON.parse(data); } catch (e) { return; }
      if (event.stream && event.stream !== name) return;
      const at = event.start_ms || record.ApproximateArrivalTimestamp * 1000;
      const picture = event.thumbnail
        ? el('img', {src: '/console/thumbnail?uri=' + encodeURIComponent(event.thumbnail), alt: event.type, loading: 'lazy'})
        : el('div', {class: 'dot'}, event.type || 'event');
      const item = el('div', {class: 'event', 'data-at': at, title: JSON.stringify(event), onclick: () => seek(at)},
        picture, el('span', {}, (event.type || 'event') + ' ' + new Date(at).toLocaleTimeString()));
      const after = [...timeline.children].find(c => Number(c.dataset.at) > at);
      timeline.insertBefore(item, after || null);
    });
  }
}

// ---- signing in ----------------------------------------------------------------------------------------------

function signIn() {
  const dialog = document.getElementById('sign-in');
  if (!dialog.open) dialog.showModal();
}

document.getElementById('sign-in-form').addEventListener('submit', async e => {
  e.preventDefault();
  const form = e.target;
  const r = await fetch('/console/session', {method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({accessKeyId: form.accessKeyId.value, secretAccessKey: form.secretAccessKey.value})});
  if (r.ok) {
    document.getElementById('sign-in').close();
    document.getElementById('sign-out').hidden = false;
    if (state.events) state.events.close();
    state.events = null;
    route();
  } else {
    document.getElementById('sign-in-error').textContent = (await r.json()).message;
  }
});

document.getElementById('sign-out').addEventListener('click', async () => {
  await fetch('/console/session', {method: 'DELETE'});
  location.reload();
});

async function start() {
  const s = await (await fetch('/console/session')).json();
  document.getElementById('sign-out').hidden = !(s.authRequired && s.signedIn);
  if (s.authRequired && !s.signedIn) {
    signIn();
    return;
  }
  route();
}

window.addEventListener('hashchange', route);
start();
