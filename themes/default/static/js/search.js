// baipi search: a lazy, sharded CJK bigram index (see src/search.rs; keep the tokenizer in step).
(function () {
  'use strict';
  var root = document.getElementById('search-results');
  if (!root) return;
  var base = root.getAttribute('data-base') || '/';
  var form = document.getElementById('search-page-form');
  var input = document.getElementById('search-page-q');
  var status = document.getElementById('search-status');
  var meta = null, shards = {}, texts = {};

  function normalize(s) {
    var out = '';
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      out += (c >= 0xFF01 && c <= 0xFF5E) ? String.fromCharCode(c - 0xFEE0) : s[i];
    }
    return out.toLowerCase();
  }
  function isCjk(ch) {
    var c = ch.codePointAt(0);
    return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FFFF);
  }
  function isWord(ch) { return /[\p{L}\p{N}]/u.test(ch); }
  function runs(s) {
    var out = [], cur = '', kind = null;
    for (var ch of s) {
      var k = isCjk(ch) ? 'c' : (isWord(ch) ? 'w' : null);
      if (k !== kind && cur) { out.push([cur, kind]); cur = ''; }
      kind = k;
      if (k) cur += ch;
    }
    if (cur) out.push([cur, kind]);
    return out;
  }
  function queryTokens(q) {
    var toks = [];
    runs(normalize(q)).forEach(function (r) {
      if (r[1] === 'c') {
        var cs = Array.from(r[0]);
        if (cs.length === 1) toks.push(cs[0]);
        for (var i = 0; i + 1 < cs.length; i++) toks.push(cs[i] + cs[i + 1]);
      } else toks.push(r[0]);
    });
    return Array.from(new Set(toks));
  }
  function shardOf(tok, n) {
    var h = 0x811c9dc5, bytes = new TextEncoder().encode(tok);
    for (var i = 0; i < bytes.length; i++) { h ^= bytes[i]; h = Math.imul(h, 0x01000193) >>> 0; }
    return h % n;
  }
  function get(path) {
    return fetch(base + path).then(function (r) { if (!r.ok) throw new Error(path + ': ' + r.status); return r.json(); });
  }
  function loadShard(i) { return shards[i] || (shards[i] = get('search/s' + i + '.json')); }
  function loadText(p) { return texts[p] || (texts[p] = get('search/t' + p + '.json')); }
  function esc(s) { return s.replace(/[&<>"']/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]; }); }
  // Terms to confirm and highlight: the query's CJK runs and words.
  function terms(q) { return runs(normalize(q)).map(function (r) { return r[0]; }); }
  function snippet(text, ts) {
    var n = normalize(text), first = -1;
    ts.forEach(function (t) { var i = n.indexOf(t); if (i >= 0 && (first < 0 || i < first)) first = i; });
    var start = Math.max(0, first - 30), end = Math.min(text.length, first + 90);
    var part = text.slice(start, end), np = normalize(part), html = '', i = 0;
    while (i < part.length) {
      var hit = null;
      ts.forEach(function (t) { if (!hit && t && np.startsWith(t, i)) hit = t; });
      if (hit) { html += '<mark>' + esc(part.slice(i, i + hit.length)) + '</mark>'; i += hit.length; }
      else { html += esc(part[i]); i++; }
    }
    return (start > 0 ? '…' : '') + html + (end < text.length ? '…' : '');
  }
  function run(q) {
    q = q.trim();
    root.innerHTML = '';
    if (!q) { status.textContent = '请输入要搜索的词语。'; return; }
    var toks = queryTokens(q), ts = terms(q);
    if (!toks.length) { status.textContent = '请输入文字或数字。'; return; }
    status.textContent = '正在搜索……';
    (meta ? Promise.resolve(meta) : get('search/meta.json').then(function (m) { return (meta = m); }))
      .then(function (m) {
        return Promise.all(toks.map(function (t) { return loadShard(shardOf(t, m.shards)); })).then(function (ss) {
          var counts = {};
          toks.forEach(function (t, k) {
            var ids = ss[k][t] || [], id = 0;
            ids.forEach(function (d) { id += d; counts[id] = (counts[id] || 0) + 1; });
          });
          var hits = Object.keys(counts).filter(function (id) { return counts[id] === toks.length; }).map(Number);
          // A matching chapter has every token; its sections that hold every term are the results.
          return Promise.all(hits.map(function (id) {
            var pg = m.pages[id];
            return loadText(pg[2]).then(function (tx) {
              return (tx[pg[3]] || []).map(function (sec, k) {
                var title = sec[1], text = sec[2], hay = normalize(title + ' ' + text);
                if (!ts.every(function (t) { return hay.indexOf(t) >= 0; })) return null;
                var score = ts.filter(function (t) { return normalize(title).indexOf(t) >= 0; }).length * 10 +
                  ts.reduce(function (a, t) { return a + hay.split(t).length - 1; }, 0);
                return { url: pg[0] + sec[0], chapter: pg[1], title: title, text: text, score: score, id: id, k: k };
              }).filter(Boolean);
            });
          })).then(function (lists) { return [].concat.apply([], lists); });
        });
      })
      .then(function (rs) {
        rs.sort(function (a, b) { return b.score - a.score || a.id - b.id || a.k - b.k; });
        status.textContent = rs.length ? '找到 ' + rs.length + ' 处与“' + q + '”相关的内容。' : '没有找到与“' + q + '”相关的内容。';
        root.innerHTML = rs.slice(0, 50).map(function (r) {
          var title = r.title ? esc(r.chapter) + ' › ' + esc(r.title) : esc(r.chapter);
          return '<li><a href="' + esc(r.url) + '">' + title + '</a><p>' + snippet(r.text || r.title, ts) + '</p></li>';
        }).join('');
      })
      .catch(function (e) { status.textContent = '搜索索引加载失败：' + e.message; });
  }
  var q = new URLSearchParams(location.search).get('q') || '';
  if (input) input.value = q;
  if (form) form.addEventListener('submit', function (e) {
    e.preventDefault();
    var v = input.value;
    history.replaceState(null, '', '?q=' + encodeURIComponent(v));
    run(v);
  });
  document.getElementById('search-nojs').hidden = true;
  if (q) run(q);
})();
