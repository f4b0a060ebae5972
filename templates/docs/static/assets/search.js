// Client-side search over datasets and fields. The index (search-index.js) sets window.CONTRACTGEN_SEARCH, so
// it works from file:// with no network. Results are built with DOM methods: no text is parsed as HTML.
(function () {
  'use strict';
  var index = window.CONTRACTGEN_SEARCH || [];
  var input = document.getElementById('search');
  var results = document.getElementById('results');
  if (!input || !results) return;

  function item(href, label, detail) {
    var li = document.createElement('li');
    var a = document.createElement('a');
    a.href = href;
    a.textContent = label;
    li.appendChild(a);
    if (detail) {
      var span = document.createElement('span');
      span.className = 'detail';
      span.textContent = ' ' + detail;
      li.appendChild(span);
    }
    return li;
  }

  function search(q) {
    var terms = q.toLowerCase().split(/\s+/).filter(Boolean);
    var found = [];
    if (!terms.length) return found;
    var hit = function (text) {
      var t = text.toLowerCase();
      return terms.every(function (w) { return t.indexOf(w) >= 0; });
    };
    index.forEach(function (d) {
      if (hit(d.name + ' ' + d.title + ' ' + d.description)) found.push(item(d.href, d.title, d.description));
      d.fields.forEach(function (f) {
        if (hit(d.name + ' ' + f.name + ' ' + f.type + ' ' + f.description)) found.push(item(f.href, d.name + '.' + f.name, f.type + (f.description ? ': ' + f.description : '')));
      });
    });
    return found;
  }

  function render() {
    while (results.firstChild) results.removeChild(results.firstChild);
    var found = search(input.value);
    found.slice(0, 50).forEach(function (li) { results.appendChild(li); });
    if (input.value.trim() && !found.length) results.appendChild(item('#', 'No match', ''));
  }

  input.disabled = false;
  input.addEventListener('input', render);
  render();
})();
