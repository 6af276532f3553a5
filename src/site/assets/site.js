// modreg site: the index's filter box. The table is complete without this script; with it,
// the text box and the status, type and tag menus filter the rows, the URL (?q=, ?status=,
// ?type=, ?tag=) carries the filter so a link shares the view, and long results are shown a
// page at a time so that ten thousand rows never stall the browser.
(function () {
  "use strict";
  var PAGE = 500;
  var started = performance.now();
  var table = document.getElementById("modules");
  var form = document.getElementById("filters");
  if (!table || !form) return;
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows).map(function (tr) {
    return {
      tr: tr,
      q: tr.getAttribute("data-q") || "",
      status: tr.getAttribute("data-status") || "",
      type: tr.getAttribute("data-type") || "",
      tags: (tr.getAttribute("data-tags") || "").split("\n")
    };
  });
  var fields = {
    q: document.getElementById("q"),
    status: document.getElementById("f-status"),
    type: document.getElementById("f-type"),
    tag: document.getElementById("f-tag")
  };
  var shownLine = document.getElementById("shown");
  var more = document.getElementById("more");
  var moreButton = document.getElementById("show-more");
  var limit = PAGE;
  var matched = rows;

  function fromUrl() {
    var params = new URLSearchParams(window.location.search);
    Object.keys(fields).forEach(function (k) {
      var v = params.get(k) || "";
      var f = fields[k];
      if (f.tagName === "SELECT" && v && !Array.prototype.some.call(f.options, function (o) { return o.value === v; })) {
        var o = document.createElement("option");
        o.textContent = v;
        f.appendChild(o);
      }
      f.value = v;
    });
  }

  function toUrl() {
    var params = new URLSearchParams();
    Object.keys(fields).forEach(function (k) {
      if (fields[k].value) params.set(k, fields[k].value);
    });
    var search = params.toString();
    try {
      history.replaceState(null, "", window.location.pathname + (search ? "?" + search : ""));
    } catch (e) { /* some browsers refuse it for file:// pages; the filter still works */ }
  }

  function render() {
    var t0 = performance.now();
    var frag = document.createDocumentFragment();
    var n = Math.min(limit, matched.length);
    for (var i = 0; i < n; i++) frag.appendChild(matched[i].tr);
    tbody.replaceChildren(frag);
    var total = rows.length;
    var text = matched.length === total ? total.toLocaleString("en") + " modules"
      : matched.length.toLocaleString("en") + " of " + total.toLocaleString("en") + " modules";
    if (n < matched.length) text += " (showing the first " + n.toLocaleString("en") + ")";
    shownLine.textContent = text;
    more.hidden = n >= matched.length;
    document.documentElement.setAttribute("data-render-ms", (performance.now() - t0).toFixed(1));
  }

  function apply() {
    var words = fields.q.value.toLowerCase().split(/\s+/).filter(Boolean);
    var status = fields.status.value, type = fields.type.value, tag = fields.tag.value;
    matched = rows.filter(function (r) {
      if (status && r.status !== status) return false;
      if (type && r.type !== type) return false;
      if (tag && r.tags.indexOf(tag) < 0) return false;
      for (var i = 0; i < words.length; i++) if (r.q.indexOf(words[i]) < 0) return false;
      return true;
    });
    limit = PAGE;
    render();
  }

  var timer = 0;
  fields.q.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { apply(); toUrl(); }, 120);
  });
  ["status", "type", "tag"].forEach(function (k) {
    fields[k].addEventListener("change", function () { apply(); toUrl(); });
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); apply(); toUrl(); });
  moreButton.addEventListener("click", function () { limit += PAGE; render(); });
  window.addEventListener("popstate", function () { fromUrl(); apply(); });

  fromUrl();
  apply();
  document.documentElement.setAttribute("data-ready-ms", (performance.now() - started).toFixed(1));
})();
