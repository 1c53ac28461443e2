// The live dashboard's client: subscribes to /api/v1/events and redraws charts and tables in place; untrusted text only ever goes through textContent.
(() => {
  const SERIES_WINDOW = '6h';
  // Coarse enough that a quiet topic still has several items per bucket.
  const SERIES_BUCKET = '10m';
  const state = {
    topics: readTopicsFromHash(),
    charts: new Map(),
    source: null,
    knownTopics: [],
    lastSnapshotAt: null,
  };

  // ---------- formatting (numbers with units, red/green semantics)

  const minus = '\u2212';
  const intFormat = new Intl.NumberFormat('en-US');

  function fmtScore(v) {
    if (v === null || v === undefined || Number.isNaN(v)) return '–';
    const text = Math.abs(v).toFixed(2);
    if (Math.abs(v) < 0.005) return text;
    return (v < 0 ? minus : '+') + text;
  }
  function fmtShare(v) {
    if (v === null || v === undefined || Number.isNaN(v)) return '–';
    return `${(v * 100).toFixed(v > 0 && v < 0.1 ? 1 : 0)} %`;
  }
  function fmtCount(v) {
    return v === null || v === undefined ? '–' : intFormat.format(v);
  }
  function fmtTime(iso) {
    const d = new Date(iso);
    return `${d.toISOString().slice(5, 10)} ${d.toISOString().slice(11, 16)}`;
  }
  function scoreClass(v) {
    if (v === null || v === undefined) return 'neutral';
    if (v <= -0.05) return 'neg';
    if (v >= 0.05) return 'pos';
    return 'neutral';
  }

  // ---------- DOM helpers

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props ?? {})) {
      if (v === undefined || v === null) continue;
      if (k === 'class') node.className = v;
      else if (k === 'text') node.textContent = v;
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const child of children) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }
  const byId = (id) => document.getElementById(id);
  const topicId = (t) => `${t.kind}:${t.key}`;

  function topicChip(t) {
    return el('span', {
      class: `chip ${t.kind}`,
      text: t.kind === 'ticker' ? t.key : `${t.kind}:${t.key}`,
      title: `Chart ${t.kind}:${t.key}`,
      onclick: () => addTopic(t),
    });
  }

  // The sentiment toward one company the headline names, which can differ from the headline's own.
  const LABEL_ARROWS = { negative: '\u25bc', positive: '\u25b2', neutral: '\u25c6' };
  function entityChip(e) {
    return el('span', {
      class: `chip entity ${scoreClass(e.score)}`,
      'data-ticker': e.ticker,
      'data-label': e.label,
      text: `${e.ticker} ${LABEL_ARROWS[e.label] ?? ''} ${fmtScore(e.score)}`,
      title: `${e.company} (“${e.mention}”): ${e.label}; chart ticker:${e.ticker}`,
      onclick: () => addTopic({ kind: 'ticker', key: e.ticker }),
    });
  }
  function entityChips(item) {
    return (item.entities ?? []).map(entityChip);
  }

  // ---------- topic selection (kept in the URL hash so a reload keeps it)

  function readTopicsFromHash() {
    const match = /(?:^|[#&])t=([^&]*)/.exec(location.hash);
    if (!match) return [];
    return decodeURIComponent(match[1])
      .split(',')
      .map(parseTopic)
      .filter((t) => t !== null);
  }
  function writeTopicsToHash() {
    const value = state.topics.map(topicId).join(',');
    history.replaceState(null, '', `#t=${encodeURIComponent(value)}`);
  }
  function parseTopic(text) {
    const trimmed = text.trim();
    const colon = trimmed.indexOf(':');
    if (colon <= 0 || colon === trimmed.length - 1) return null;
    return { kind: trimmed.slice(0, colon), key: trimmed.slice(colon + 1) };
  }
  function addTopic(t) {
    if (state.topics.some((x) => topicId(x) === topicId(t))) return;
    if (state.topics.length >= 6) state.topics.shift();
    state.topics.push(t);
    writeTopicsToHash();
    connect();
    void loadSeries(t);
  }

  // Draws a new chart at once instead of waiting for the stream's next snapshot.
  async function loadSeries(t) {
    const params = new URLSearchParams({ bucket: SERIES_BUCKET });
    if (state.lastSnapshotAt) {
      const to = Date.parse(state.lastSnapshotAt);
      params.set('to', String(to));
      params.set('from', String(to - 6 * 3_600_000));
    }
    try {
      const res = await fetch(
        `/api/v1/topics/${encodeURIComponent(t.kind)}/${encodeURIComponent(t.key)}/series?${params}`,
      );
      if (!res.ok) return;
      const body = await res.json();
      // A snapshot that arrived meanwhile is newer: keep it.
      if (state.charts.get(topicId(t))?.card.dataset.points === undefined) updateChart(body);
    } catch {
      // The next snapshot brings the series anyway.
    }
  }
  function removeTopic(id) {
    state.topics = state.topics.filter((t) => topicId(t) !== id);
    writeTopicsToHash();
    connect();
  }

  byId('topic-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = byId('topic-input');
    const raw = input.value.trim();
    const t = parseTopic(raw.includes(':') ? raw : `ticker:${raw.toUpperCase()}`);
    if (t) addTopic(t);
    input.value = '';
  });

  async function loadTopicList() {
    try {
      const res = await fetch('/api/v1/topics?window=24h&limit=300');
      if (!res.ok) return;
      const body = await res.json();
      state.knownTopics = body.topics;
      const list = byId('topic-list');
      list.replaceChildren(
        ...body.topics.map((t) =>
          el('option', { value: topicId(t), label: `${fmtCount(t.count)} items` }),
        ),
      );
    } catch {
      // The list only helps typing; the page works without it.
    }
  }

  // ---------- charts (one uPlot per topic, updated with setData)

  function chartWidth(container) {
    return Math.max(320, container.clientWidth - 4);
  }

  function makeChart(t) {
    const id = topicId(t);
    const stats = {
      score: el('b', { text: '–' }),
      share: el('b', { text: '–' }),
      count: el('b', { text: '–' }),
    };
    const plot = el('div', { class: 'chart-plot' });
    const card = el(
      'div',
      { class: 'chart', 'data-topic': id },
      el(
        'div',
        { class: 'chart-head' },
        el('span', { class: 'topic' }, el('span', { class: 'kind', text: t.kind }), t.key),
        el('span', { class: 'stat' }, 'score ', stats.score),
        el('span', { class: 'stat' }, 'negative ', stats.share),
        el('span', { class: 'stat' }, 'items ', stats.count),
        el('button', {
          type: 'button',
          class: 'topic-headlines',
          text: 'headlines',
          onclick: () => showTopicItems(t),
        }),
        el('button', {
          type: 'button',
          class: 'topic-remove',
          text: 'remove',
          onclick: () => removeTopic(id),
        }),
      ),
      plot,
    );
    byId('charts').append(card);
    const axisFont = '11px system-ui, sans-serif';
    const uplot = new uPlot(
      {
        width: chartWidth(byId('charts')),
        height: 190,
        legend: { show: false },
        // Times on the axis in UTC, like every other time on the page.
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        cursor: { drag: { x: false, y: false } },
        scales: {
          x: { time: true },
          score: { range: [-1, 1] },
          share: { range: [0, 1] },
          // Volume bars stay in the lower part of the plot, under the lines.
          count: { range: (_u, _min, max) => [0, Math.max(1, max) * 2.5] },
        },
        axes: [
          {
            font: axisFont,
            stroke: '#6b7485',
            grid: { stroke: '#eef0f3' },
            values: [
              [86400, '{MM}-{DD}', null, null, null, null, null, null, 1],
              [60, '{HH}:{mm}', null, null, '\n{MM}-{DD}', null, null, null, 1],
              [1, '{HH}:{mm}:{ss}', null, null, null, null, null, null, 1],
            ],
          },
          {
            scale: 'score',
            font: axisFont,
            stroke: '#2f5bd3',
            grid: { stroke: '#eef0f3' },
            values: (_u, ticks) => ticks.map((v) => fmtScore(v)),
          },
          {
            scale: 'share',
            side: 1,
            font: axisFont,
            stroke: '#c62828',
            grid: { show: false },
            values: (_u, ticks) => ticks.map((v) => `${Math.round(v * 100)}%`),
          },
        ],
        series: [
          {},
          {
            label: 'items',
            scale: 'count',
            fill: 'rgba(150,160,178,0.35)',
            stroke: 'rgba(150,160,178,0.6)',
            paths: uPlot.paths.bars({ size: [0.8, 40] }),
            points: { show: false },
          },
          {
            label: 'mean score',
            scale: 'score',
            stroke: '#2f5bd3',
            width: 2,
            spanGaps: false,
            // Dots, so that a bucket with no neighbours (an isolated point) is still visible.
            points: { show: true, size: 4 },
          },
          {
            label: 'negative share',
            scale: 'share',
            stroke: '#c62828',
            width: 1.5,
            dash: [5, 3],
            spanGaps: false,
            points: { show: true, size: 3 },
          },
        ],
      },
      [[], [], [], []],
      plot,
    );
    const chart = { uplot, stats, card };
    state.charts.set(id, chart);
    return chart;
  }

  function syncCharts() {
    const wanted = new Set(state.topics.map(topicId));
    for (const [id, chart] of state.charts) {
      if (!wanted.has(id)) {
        chart.uplot.destroy();
        chart.card.remove();
        state.charts.delete(id);
      }
    }
    for (const t of state.topics) if (!state.charts.has(topicId(t))) makeChart(t);
    byId('charts-empty').hidden = state.topics.length > 0;
  }

  function updateChart(series) {
    const chart = state.charts.get(topicId(series.topic));
    if (!chart) return;
    const pts = series.points;
    const xs = pts.map((p) => Date.parse(p.t) / 1000);
    chart.uplot.setData([
      xs,
      // Empty buckets draw no bar (a zero-height bar would look like data on the axis).
      pts.map((p) => (p.count > 0 ? p.count : null)),
      pts.map((p) => p.meanScore),
      pts.map((p) => p.negativeShare),
    ]);
    let n = 0;
    let neg = 0;
    let sum = 0;
    for (const p of pts) {
      n += p.count;
      neg += p.negatives;
      if (p.meanScore !== null) sum += p.meanScore * p.count;
    }
    const mean = n > 0 ? sum / n : null;
    chart.stats.score.textContent = fmtScore(mean);
    chart.stats.score.className = scoreClass(mean);
    chart.stats.share.textContent = fmtShare(n > 0 ? neg / n : null);
    chart.stats.count.textContent = fmtCount(n);
    chart.card.dataset.points = String(n);
  }

  window.addEventListener('resize', () => {
    const width = chartWidth(byId('charts'));
    for (const chart of state.charts.values()) chart.uplot.setSize({ width, height: 190 });
  });

  // ---------- tables

  function moverRow(m) {
    return el(
      'tr',
      { 'data-topic': topicId(m) },
      el('td', {}, topicChip(m)),
      el('td', { class: 'num', text: fmtCount(m.count) }),
      el('td', { class: 'num', text: fmtShare(m.negativeShare) }),
      el('td', { class: `num ${scoreClass(m.meanScore)}`, text: fmtScore(m.meanScore) }),
      el('td', {
        class: `num ${scoreClass(m.meanScoreChange)}`,
        text: fmtScore(m.meanScoreChange),
      }),
    );
  }
  function renderMovers(movers) {
    const fill = (id, rows) => {
      const body = byId(id).tBodies[0];
      body.replaceChildren(
        ...(rows.length > 0
          ? rows.map(moverRow)
          : [
              el(
                'tr',
                {},
                el('td', { colspan: '5', class: 'neutral', text: 'none in the window' }),
              ),
            ]),
      );
    };
    fill('movers-negative', movers.negative);
    fill('movers-positive', movers.positive);
  }

  // The source has its own column, a company name repeats its ticker when both are there, and a company
  // with an entity chip needs no plain chip beside it.
  function headlineTopics(item) {
    const topics = item.topics;
    const hasTicker = topics.some((t) => t.kind === 'ticker');
    const rated = new Set(
      (item.entities ?? []).flatMap((e) => [`ticker:${e.ticker}`, `company:${e.company}`]),
    );
    return topics.filter(
      (t) => t.kind !== 'source' && !(hasTicker && t.kind === 'company') && !rated.has(topicId(t)),
    );
  }

  // Ingest keeps only http(s) links, but rows stored before it did may hold javascript: or data: URLs.
  function webLink(url) {
    if (typeof url !== 'string') return undefined;
    try {
      const { protocol } = new URL(url);
      return protocol === 'http:' || protocol === 'https:' ? url : undefined;
    } catch {
      return undefined;
    }
  }

  // A story with its copies, oldest first, in the story card under the headlines.
  async function showStory(storyId) {
    const res = await fetch(`/api/v1/stories/${encodeURIComponent(storyId)}`);
    if (!res.ok) return setStatus('error', `story ${storyId}: HTTP ${res.status}`);
    const story = await res.json();
    const rows = story.items.map((item) =>
      el(
        'tr',
        { 'data-id': item.id },
        el('td', { class: 'time', text: fmtTime(item.publishedAt) }),
        el('td', { class: 'neutral', text: item.source }),
        el('td', {}, item.title, ' ', ...entityChips(item)),
        el('td', { class: 'hint', text: item.story?.first ? 'first' : '' }),
      ),
    );
    byId('story-title').textContent =
      `Story ${story.storyId}: ${story.items.length} item${story.items.length === 1 ? '' : 's'}`;
    byId('story-items').tBodies[0].replaceChildren(...rows);
    byId('story-card').hidden = false;
  }

  // One topic's latest headlines with the sentiment that topic got from each (its company's entity score
  // where the scorer rated one: what the chart and alerts counted), beside the headline's own.
  async function showTopicItems(t) {
    const params = new URLSearchParams({ kind: t.kind, key: t.key, limit: '20' });
    const res = await fetch(`/api/v1/items?${params}`);
    if (!res.ok) return setStatus('error', `headlines of ${topicId(t)}: HTTP ${res.status}`);
    const body = await res.json();
    const rows = body.items.map((item) => {
      const got = item.topicSentiment ?? {
        label: item.label,
        score: item.score,
        fromEntity: false,
      };
      return el(
        'tr',
        { 'data-id': item.id, 'data-from-entity': String(got.fromEntity) },
        el('td', { class: 'time', text: fmtTime(item.publishedAt) }),
        el('td', {
          class: `num score topic-score ${scoreClass(got.score)}`,
          text: fmtScore(got.score),
          title: `${got.label}, ${got.fromEntity ? 'toward this company' : 'the headline’s'}`,
        }),
        el('td', {
          class: `num score ${scoreClass(item.score)}`,
          text: fmtScore(item.score),
          title: item.label,
        }),
        el('td', {}, item.title, ' ', ...entityChips(item)),
        el('td', { class: 'neutral', text: item.source }),
      );
    });
    byId('topic-items-title').textContent = `Headlines about ${topicId(t)}`;
    byId('topic-items').tBodies[0].replaceChildren(...rows);
    byId('topic-items-card').hidden = false;
  }

  // Copies of a story are marked with how many earlier ones the day holds; one click lists them all.
  function storyBadge(story) {
    if (!story) return null;
    const copies = story.earlier24h;
    return el('button', {
      type: 'button',
      class: 'story-badge',
      text: story.first ? 'story' : `copy +${copies}`,
      title: story.first ? 'first of its story' : `${copies} earlier item(s) of this story today`,
      onclick: () => showStory(story.id),
    });
  }

  const seenItems = new Set();
  function renderItems(items) {
    const first = seenItems.size === 0;
    const rows = items.map((item) => {
      const href = webLink(item.url);
      const title = href
        ? el('a', {
            href,
            target: '_blank',
            rel: 'noopener noreferrer',
            text: item.title,
          })
        : el('span', { text: item.title });
      const row = el(
        'tr',
        { 'data-id': item.id, class: !first && !seenItems.has(item.id) ? 'fresh' : undefined },
        el('td', { class: 'time', text: fmtTime(item.publishedAt) }),
        el('td', {
          class: `num score ${scoreClass(item.score)}`,
          text: fmtScore(item.score),
          title: item.label,
        }),
        el('td', {}, title, ' ', storyBadge(item.story)),
        el('td', {}, ...entityChips(item), ...headlineTopics(item).map(topicChip)),
        el('td', { class: 'neutral', text: item.source }),
      );
      return row;
    });
    seenItems.clear();
    for (const item of items) seenItems.add(item.id);
    byId('items').tBodies[0].replaceChildren(...rows);
  }

  // The same label names the store reads a topic from.
  function alertTopic(a) {
    const kind = a.labels.topic_kind ?? a.labels.kind;
    const key = a.labels.topic_key ?? a.labels.topic ?? a.labels.key;
    return kind && key ? { kind, key } : null;
  }
  function renderAlerts(alerts, fresh) {
    const freshIds = new Set(fresh.map((a) => `${a.at}|${a.fingerprint}|${a.to}`));
    const items = alerts.map((a) => {
      const t = alertTopic(a);
      const value = a.value === undefined ? '' : ` · value ${a.value.toFixed(3)}`;
      const summary = a.annotations.summary ?? a.annotations.description ?? '';
      return el(
        'li',
        {
          class:
            freshIds.has(`${a.at}|${a.fingerprint}|${a.to}`) && state.lastSnapshotAt
              ? 'fresh'
              : undefined,
          'data-state': a.to,
          'data-rule': a.rule,
        },
        el('span', { class: `state ${a.to}`, text: a.to }),
        el('span', { class: 'what' }, t ? topicChip(t) : '', ` ${a.rule}`),
        el('span', { class: 'when', text: fmtTime(a.at) }),
        el('span', {
          class: 'detail',
          text: `${a.from} → ${a.to} · ${a.severity}${value}${summary ? ` · ${summary}` : ''}`,
        }),
      );
    });
    byId('alerts').replaceChildren(...items);
    byId('alerts-empty').hidden = alerts.length > 0;
  }

  function renderSummary(s) {
    const total = s.items;
    byId('kpi-items').textContent = fmtCount(total);
    const neg = byId('kpi-negative');
    neg.textContent = total > 0 ? fmtShare(s.negatives / total) : '–';
    const pos = byId('kpi-positive');
    pos.textContent = total > 0 ? fmtShare(s.positives / total) : '–';
    const firing = byId('kpi-firing');
    firing.textContent = fmtCount(s.firing);
    firing.className = s.firing > 0 ? 'neg' : 'pos';
    byId('kpi-stored').textContent = fmtCount(s.storedItems);
  }

  // ---------- live connection

  function setStatus(kind, text) {
    byId('status').dataset.state = kind;
    byId('status-text').textContent = text;
  }

  function onSnapshot(event) {
    const snap = JSON.parse(event.data);
    renderSummary(snap.summary);
    renderMovers(snap.movers);
    renderItems(snap.items);
    renderAlerts(snap.alerts, snap.newAlerts);
    for (const s of snap.series) updateChart(s);
    state.lastSnapshotAt = snap.at;
    setStatus('live', `live · as of ${fmtTime(snap.at)} UTC`);
    if (state.topics.length === 0) chooseDefaultTopics(snap);
  }

  function chooseDefaultTopics(snap) {
    const pick = snap.movers.negative[0] ?? state.knownTopics.find((t) => t.kind === 'ticker');
    if (pick) addTopic({ kind: pick.kind, key: pick.key });
  }

  function connect() {
    syncCharts();
    if (state.source) state.source.close();
    const params = new URLSearchParams({ window: SERIES_WINDOW, bucket: SERIES_BUCKET });
    for (const t of state.topics) params.append('topic', topicId(t));
    const source = new EventSource(`/api/v1/events?${params}`);
    source.addEventListener('snapshot', onSnapshot);
    source.addEventListener('problem', () => setStatus('error', 'store query failed, retrying'));
    source.addEventListener('error', () => setStatus('error', 'disconnected, reconnecting…'));
    state.source = source;
  }

  loadTopicList().finally(connect);
})();
