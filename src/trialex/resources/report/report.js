"use strict";
(function () {
  var data = JSON.parse(document.getElementById("trialex-data").textContent);
  var marks = data.marks;
  var body = document.getElementById("panel-body");
  var pinned = [];

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function segments(id) {
    return document.querySelectorAll('.hl[data-marks~="' + id + '"]');
  }

  function card(id) {
    var m = marks[id];
    var box = el("div", "rec");
    box.style.setProperty("--c", m.colour);
    var h = el("h3");
    h.appendChild(el("span", "chip", m.endpoint)).style.setProperty("--c", m.colour);
    h.appendChild(el("span", null, m.title));
    if (m.status) h.appendChild(el("span", "status " + m.status, m.status_label));
    box.appendChild(h);
    var dl = el("dl");
    m.fields.forEach(function (pair) {
      dl.appendChild(el("dt", null, pair[0]));
      dl.appendChild(el("dd", pair[0] === "text" || pair[0] === "evidence" ? "quote" : null, pair[1]));
    });
    box.appendChild(dl);
    m.warnings.forEach(function (w) {
      box.appendChild(el("div", "w" + (w.bad ? " bad" : ""), "\u26a0 " + w.code + ": " + w.message));
    });
    return box;
  }

  function show(ids) {
    body.replaceChildren();
    var known = ids.filter(function (id) { return marks[id]; });
    if (!known.length) {
      body.appendChild(el("p", "hint", "Click a highlighted span to see its record."));
      return;
    }
    if (known.length > 1) body.appendChild(el("p", "hint", known.length + " records cover this text."));
    known.forEach(function (id) { body.appendChild(card(id)); });
  }

  function select(ids, scroll) {
    document.querySelectorAll(".hl.sel").forEach(function (n) { n.classList.remove("sel"); });
    ids.forEach(function (id) {
      segments(id).forEach(function (n) { n.classList.add("sel"); });
    });
    pinned = ids;
    show(ids);
    if (scroll && ids.length) {
      var first = segments(ids[0])[0];
      if (first) first.scrollIntoView({ block: "center" });
    }
  }

  function idsAt(target) {
    var tag = target.closest(".tag[data-mark]");
    if (tag) return [tag.getAttribute("data-mark")];
    var hl = target.closest(".hl[data-marks]");
    return hl ? hl.getAttribute("data-marks").split(" ") : null;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-goto]");
    if (link) {
      event.preventDefault();
      var id = link.getAttribute("data-goto");
      select([id], true);
      if (history.replaceState) history.replaceState(null, "", "#m-" + id);
      return;
    }
    var ids = idsAt(event.target);
    if (ids) select(ids, false);
  });
  document.addEventListener("mouseover", function (event) {
    var ids = idsAt(event.target);
    if (ids) show(ids);
  });
  document.addEventListener("mouseout", function (event) {
    if (idsAt(event.target)) show(pinned);
  });

  var hash = decodeURIComponent(location.hash || "");
  if (hash.indexOf("#m-") === 0 && marks[hash.slice(3)]) select([hash.slice(3)], true);
  else show([]);
  document.body.setAttribute("data-ready", "1");
})();
