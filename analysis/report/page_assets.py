"""The report page's style sheet and script, inlined into the page (it must work offline,
from one file). The script filters the table of every printed number by paper, status,
evidence and location and by words typed in the search box, says how many rows it shows,
applies a filter named in a link (``data-filter-*`` attributes on the headline's counts),
and marks the body once images have loaded (the browser tests read these marks); and
:func:`e`, the one escape of text put into a page."""

from __future__ import annotations

import html

__all__ = ["SCRIPT", "STYLE", "e"]


def e(text: object) -> str:
    """HTML-escaped text."""
    return html.escape(str(text), quote=True)

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1150px;
margin:1.5em auto;padding:0 1em;color:#1d1d1d;line-height:1.45;overflow-wrap:break-word}
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:2px solid #ccc}h3{margin-top:1.5em}
a{color:#0b4f8a}nav.toc{background:#f6f8fa;border:1px solid #ddd;padding:.4em 1em}
nav.toc ul{margin:.2em 0;padding-left:1.2em}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;font-size:.86em;margin:.6em 0;width:100%}
th,td{border:1px solid #ccc;padding:3px 6px;vertical-align:top;text-align:left}
th{background:#eef0f2}td.num{font-variant-numeric:tabular-nums;white-space:nowrap}
.s-match{background:#e3f4e1}.s-match_other_method{background:#fff3cd}
.s-mismatch{background:#f8d7da}.s-depends_on_reading{background:#e7e0f5}.s-not_reproducible{background:#eceff1}
.s-pending{background:#ffffff}.e-by_construction{border-left:4px dashed #777}
.badge{padding:1px 5px;border:1px solid #888;border-radius:3px;font-size:.85em;
white-space:nowrap}
figure{margin:1em 0;border:1px solid #ccc;padding:.5em}figure img{max-width:100%;height:auto}
figcaption{font-size:.9em;color:#333}.small{font-size:.85em;color:#444}
.filters{display:flex;flex-wrap:wrap;gap:.5em;align-items:end;margin:.5em 0}
.filters label{display:flex;flex-direction:column;font-size:.85em}
.filters input,.filters select{font-size:1em;padding:2px}
.problem{border:1px solid #ccc;border-left:6px solid #b02a37;padding:.3em .8em;margin:1em 0}
.problem.other{border-left-color:#b8860b}
details summary{cursor:pointer}#provenance td{overflow-wrap:anywhere}
.cell-printed{font-weight:600}.cell-reproduced{color:#333}
table.fit{table-layout:fixed}table.fit td,table.fit th{overflow-wrap:break-word}
#conclusions-table th:nth-child(1){width:5em}#conclusions-table th:nth-child(2){width:21%}
#conclusions-table th:nth-child(3),#conclusions-table th:nth-child(4),
#conclusions-table th:nth-child(5),#conclusions-table th:nth-child(6){width:7.5%}
#conclusions-table th:nth-child(7){width:24%}
@media (max-width:600px){body{padding:0 .5em}table{font-size:.78em}
.wide{display:none}}
"""

SCRIPT = """
(function () {
  var FILTERS = ['paper', 'status', 'evidence', 'category', 'location'];
  function rows() { return document.querySelectorAll('#numbers tbody tr'); }
  function value(id) { var el = document.getElementById(id); return el ? el.value : ''; }
  function apply() {
    var want = {};
    FILTERS.forEach(function (k) { want[k] = value('filter-' + k); });
    var words = value('filter-search').toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0;
    rows().forEach(function (row) {
      var ok = Object.keys(want).every(function (k) {
        return !want[k] || row.getAttribute('data-' + k) === want[k]; });
      var text = row.getAttribute('data-text');
      ok = ok && words.every(function (w) { return text.indexOf(w) >= 0; });
      row.hidden = !ok;
      if (ok) { shown++; }
    });
    var counter = document.getElementById('shown-count');
    if (counter) { counter.textContent = shown; }
  }
  function choose(link) {
    FILTERS.forEach(function (k) {
      var el = document.getElementById('filter-' + k);
      if (el) { el.value = link.getAttribute('data-filter-' + k) || ''; }
    });
    var search = document.getElementById('filter-search');
    if (search) { search.value = ''; }
    apply();
  }
  document.addEventListener('DOMContentLoaded', function () {
    FILTERS.concat(['search']).forEach(function (k) {
      var el = document.getElementById('filter-' + k);
      if (el) { el.addEventListener('input', apply); el.addEventListener('change', apply); }
    });
    document.querySelectorAll('a[data-filter]').forEach(function (link) {
      link.addEventListener('click', function () { choose(link); });
    });
    apply();
  });
  window.addEventListener('load', function () {
    var images = document.querySelectorAll('img');
    var loaded = 0;
    images.forEach(function (img) { if (img.complete && img.naturalWidth > 0) { loaded++; } });
    document.body.setAttribute('data-images-total', images.length);
    document.body.setAttribute('data-images-loaded', loaded);
    document.body.setAttribute('data-rendered', 'yes');
  });
})();
"""
