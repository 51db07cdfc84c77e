// baipi search: a lazy, sharded CJK bigram index (see src/search.rs; keep the tokenizer in step).
(function () {
  'use strict';
  var root = document.getElementById('search-results');
  if (!root) return;
  var base = root.getAttribute('data-base') || '/';
  var form = document.getElementById('search-page-form');
  var input = document.getElementById('search-page-q');
  var status = document.getElementById('search-status');
  var more = document.getElementById('search-more') || { hidden: true };
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
  // Where term `t` is in normalized text `n` (from `from`), or -1: a CJK term anywhere, a word
  // only whole, as the index has it (the “r” of “R&D” is not the r in “year”).
  function isWordChar(ch) { return !!ch && isWord(ch) && !isCjk(ch); }
  function whole(n, t, i) { return isCjk(t) || (!isWordChar(n[i - 1]) && !isWordChar(n[i + t.length])); }
  function find(n, t, from) {
    var i = n.indexOf(t, from);
    while (i >= 0 && !whole(n, t, i)) i = n.indexOf(t, i + 1);
    return i;
  }
  function count(n, t) { var c = 0, i = find(n, t, 0); while (i >= 0) { c++; i = find(n, t, i + t.length); } return c; }
  function snippet(text, ts) {
    var n = normalize(text), first = -1;
    ts.forEach(function (t) { var i = find(n, t, 0); if (i >= 0 && (first < 0 || i < first)) first = i; });
    var start = Math.max(0, first - 30), end = Math.min(text.length, first + 90);
    var part = text.slice(start, end), np = normalize(part), html = '', i = 0;
    while (i < part.length) {
      var hit = null;
      ts.forEach(function (t) { if (!hit && t && np.startsWith(t, i) && whole(np, t, i)) hit = t; });
      if (hit) { html += '<mark>' + esc(part.slice(i, i + hit.length)) + '</mark>'; i += hit.length; }
      else { html += esc(part[i]); i++; }
    }
    return (start > 0 ? '…' : '') + html + (end < text.length ? '…' : '');
  }
  // The sections of chapter `id` that hold every term, scored (title hits first).
  // The text file of chapter `id`: the last block that starts at or before it.
  function blockOf(m, id) {
    var lo = 0, hi = m.blocks.length - 1;
    while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (m.blocks[mid] <= id) lo = mid; else hi = mid - 1; }
    return lo;
  }
  function sectionsOf(m, id, ts, phrase) {
    var b = blockOf(m, id);
    return loadText(b).then(function (tx) {
      // [url, chapter title, [[“#id” or “”, section title, text], …]]
      var pg = tx[id - m.blocks[b]] || ['', '', []];
      return pg[2].map(function (sec, k) {
        var title = sec[1], text = sec[2], hay = normalize(title + ' ' + text), nt = normalize(title);
        if (!ts.every(function (t) { return find(hay, t, 0) >= 0; })) return null;
        // Terms in the title count most, then the whole query as typed, then each term's uses.
        var score = ts.filter(function (t) { return find(nt, t, 0) >= 0; }).length * 10 +
          (ts.length > 1 && hay.indexOf(phrase) >= 0 ? 5 : 0) +
          ts.reduce(function (a, t) { return a + count(hay, t); }, 0);
        return { url: pg[0] + sec[0], chapter: pg[1], title: title, text: text, score: score, id: id, k: k };
      }).filter(Boolean);
    });
  }
  function byScore(a, b) { return (b.top || 0) - (a.top || 0) || b.score - a.score || a.id - b.id || a.k - b.k; }
  function item(r, ts) {
    var title = r.title ? esc(r.chapter) + ' › ' + esc(r.title) : esc(r.chapter);
    return '<li><a href="' + esc(r.url) + '">' + title + '</a><p>' + snippet(r.text || r.title, ts) + '</p></li>';
  }
  // Text files a search may fetch at once. A small site's matches fit in a few and are all
  // ranked together; on a large one a common word matches thousands of chapters, so their
  // texts are fetched a batch of chapters at a time, as the reader asks for more.
  var ALL_AT_ONCE = 6, BATCH = 20;
  var pending = null;
  function run(q) {
    q = q.trim();
    root.innerHTML = '';
    more.hidden = true;
    pending = null;
    if (!q) { status.textContent = '请输入要搜索的词语。'; return; }
    var toks = queryTokens(q), ts = terms(q), phrase = normalize(q);
    if (!toks.length) { status.textContent = '请输入文字或数字。'; return; }
    status.textContent = '正在搜索……';
    var query = {};
    pending = query;
    (meta ? Promise.resolve(meta) : get('search/meta.json').then(function (m) { return (meta = m); }))
      .then(function (m) {
        // An index from another version of baipi (say, a stale cached copy) is not read wrongly.
        if (m.v !== 3) throw new Error('索引版本不符，请刷新页面');
        return Promise.all(toks.map(function (t) { return loadShard(shardOf(t, m.shards)); })).then(function (ss) {
          var counts = {};
          toks.forEach(function (t, k) {
            var ids = ss[k][t] || [], id = 0;
            ids.forEach(function (d) { id += d; counts[id] = (counts[id] || 0) + 1; });
          });
          // A matching chapter has every token; its sections that hold every term are the results.
          var hits = Object.keys(counts).filter(function (id) { return counts[id] === toks.length; }).map(Number);
          var blocks = {};
          hits.forEach(function (id) { blocks[blockOf(m, id)] = true; });
          if (Object.keys(blocks).length <= ALL_AT_ONCE) {
            return Promise.all(hits.map(function (id) { return sectionsOf(m, id, ts, phrase); })).then(function (lists) {
              if (pending !== query) return;
              var rs = [].concat.apply([], lists).sort(byScore);
              status.textContent = rs.length ? '找到 ' + rs.length + ' 处与“' + q + '”相关的内容。' : '没有找到与“' + q + '”相关的内容。';
              root.innerHTML = rs.slice(0, 50).map(function (r) { return item(r, ts); }).join('');
            });
          }
          // Chapters whose title has every token first (the shards list title tokens as “^token”),
          // then in the paper's order.
          var titled = {};
          toks.forEach(function (t, k) {
            var ids = ss[k]['^' + t] || [], id = 0;
            ids.forEach(function (d) { id += d; titled[id] = (titled[id] || 0) + 1; });
          });
          var inTitle = function (id) { return titled[id] === toks.length ? 1 : 0; };
          hits.sort(function (a, b) { return (inTitle(b) - inTitle(a)) || a - b; });
          var next = 0, shown = 0;
          function page() {
            var ids = hits.slice(next, next + BATCH);
            next += ids.length;
            more.hidden = true;
            return Promise.all(ids.map(function (id) { return sectionsOf(m, id, ts, phrase); })).then(function (lists) {
              if (pending !== query) return;
              var rs = [].concat.apply([], lists);
              rs.forEach(function (r) { r.top = inTitle(r.id); });
              rs.sort(byScore);
              shown += rs.length;
              root.insertAdjacentHTML('beforeend', rs.map(function (r) { return item(r, ts); }).join(''));
              status.textContent = hits.length + ' 章含有“' + q + '”的全部字词；已查看其中 ' + next + ' 章，找到 ' + shown + ' 处相关内容。';
              if (next < hits.length) {
                more.hidden = false;
                more.onclick = function () {
                  status.textContent = '正在搜索……';
                  page().catch(function (e) { status.textContent = '搜索索引加载失败：' + e.message; });
                };
              }
            });
          }
          return page();
        });
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
  if (q) run(q);
})();
