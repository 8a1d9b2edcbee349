"use strict";
(function () {
  var data = JSON.parse(document.getElementById("trialex-data").textContent);
  var marks = data.marks;
  var order = data.order;
  var body = document.getElementById("panel-body");
  var msg = document.getElementById("msg");
  var token = new URLSearchParams(location.search).get("token") || "";
  var api = "../api/doc/" + encodeURIComponent(data.doc_key) + "/";
  var current = null;
  var busy = false;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function segments(id) {
    return document.querySelectorAll('.hl[data-marks~="' + id + '"]');
  }

  function say(text, kind) {
    msg.textContent = text || "";
    msg.className = kind || "";
  }

  // Review status on every highlighted piece (the last mark covering it wins).
  Object.keys(marks).forEach(function (id) {
    segments(id).forEach(function (n) { n.classList.add("rv-" + marks[id].review); });
  });

  function button(label, key, action) {
    var b = el("button", null, label);
    b.type = "button";
    b.setAttribute("data-action", key);
    b.addEventListener("click", action);
    return b;
  }

  function card(id) {
    var m = marks[id];
    var box = el("div", "rec");
    box.setAttribute("data-id", id);
    box.style.setProperty("--c", m.colour);
    var h = el("h3");
    h.appendChild(el("span", "chip", m.endpoint)).style.setProperty("--c", m.colour);
    h.appendChild(el("span", null, m.title));
    h.appendChild(el("span", "review-status " + m.review, m.review_label));
    box.appendChild(h);
    var actions = el("div", "actions");
    actions.appendChild(button("Accept (a)", "accept", function () { decide("accept"); }));
    actions.appendChild(button("Reject (r)", "reject", function () { decide("reject"); }));
    actions.appendChild(button("Edit (e)", "edit", function () { editForm(); }));
    actions.appendChild(button("Undo (u)", "undo", undo));
    box.appendChild(actions);
    var dl = el("dl");
    m.fields.forEach(function (pair) {
      dl.appendChild(el("dt", null, pair[0]));
      dl.appendChild(el("dd", pair[0] === "text" ? "quote" : null, pair[1]));
    });
    box.appendChild(dl);
    m.warnings.forEach(function (w) {
      box.appendChild(el("div", "w" + (w.bad ? " bad" : ""), "\u26a0 " + w.code + ": " + w.message));
    });
    return box;
  }

  function select(id, scroll) {
    document.querySelectorAll(".hl.sel").forEach(function (n) { n.classList.remove("sel"); });
    current = id && marks[id] ? id : null;
    body.replaceChildren();
    if (!current) {
      body.appendChild(el("p", "hint", "Click a highlighted span, or press j."));
      return;
    }
    segments(current).forEach(function (n) { n.classList.add("sel"); });
    body.appendChild(card(current));
    if (history.replaceState) history.replaceState(null, "", "#m-" + current);
    if (scroll) {
      var first = segments(current)[0];
      if (first) first.scrollIntoView({ block: "center" });
    }
  }

  function step(delta) {
    if (!order.length) return;
    var k = order.indexOf(current);
    k = k === -1 ? (delta > 0 ? 0 : order.length - 1) : (k + delta + order.length) % order.length;
    select(order[k], true);
  }

  function nextAfter(id) {
    var k = order.indexOf(id);
    return k === -1 || k + 1 >= order.length ? id : order[k + 1];
  }

  function post(path, payload, focus) {
    if (busy) return;
    busy = true;
    say("saving\u2026", "");
    fetch(api + path + "?token=" + encodeURIComponent(token), {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Trialex-Token": token },
      body: JSON.stringify(payload),
      credentials: "omit",
      cache: "no-store",
    })
      .then(function (response) {
        return response.json().then(function (answer) { return [response.ok, answer]; });
      })
      .then(function (pair) {
        busy = false;
        if (!pair[0]) {
          say(pair[1].error || "refused", "error");
          return;
        }
        var target = focus === undefined ? pair[1].focus : focus;
        location.hash = target ? "m-" + target : "";
        location.reload();
      })
      .catch(function (error) {
        busy = false;
        say("not saved: " + error, "error");
      });
  }

  function decide(action) {
    if (!current) return say("select a record first (j)", "error");
    post("decide", { action: action, mark: current }, action === "accept" || action === "reject" ? nextAfter(current) : current);
  }

  function undo() {
    post("undo", {});
  }

  function field(form, name, value) {
    var choices = data.choices[name];
    var input;
    if (choices) {
      input = el("select");
      choices.forEach(function (c) {
        var o = el("option", null, c === "" ? "(none)" : c);
        o.value = c;
        input.appendChild(o);
      });
    } else {
      input = el("input");
      input.type = "text";
      input.autocomplete = "off";
      if (name === "timepoint") input.placeholder = "1 years";
    }
    input.name = name;
    input.id = "f-" + name;
    input.value = value || "";
    var label = el("label", null, name);
    label.htmlFor = input.id;
    form.appendChild(label);
    form.appendChild(input);
  }

  function form(title, values, quote, submit) {
    body.replaceChildren();
    var f = el("form", "rv");
    f.id = "rv-form";
    f.appendChild(el("h3", "quote", title));
    if (quote) f.appendChild(el("div", "quote", quote));
    data.editable.forEach(function (name) { field(f, name, values[name]); });
    var row = el("div", "row");
    var save = el("button", null, "Save (Enter)");
    save.type = "submit";
    save.id = "rv-save";
    row.appendChild(save);
    row.appendChild(button("Cancel (Esc)", "cancel", function () { select(current, false); }));
    f.appendChild(row);
    f.addEventListener("submit", function (event) {
      event.preventDefault();
      var changes = {};
      data.editable.forEach(function (name) { changes[name] = f.elements[name].value; });
      submit(changes);
    });
    body.appendChild(f);
    var first = f.elements.value;
    first.focus();
    first.select();
  }

  function editForm() {
    if (!current) return say("select a record first (j)", "error");
    var id = current;
    form("Edit " + marks[id].endpoint + " " + marks[id].title, marks[id].form, null, function (changes) {
      post("decide", { action: "edit", mark: id, changes: changes }, id);
    });
  }

  // Offset of a selection boundary in normalised characters from the start of its section's text.
  function boundary(node, offset) {
    var host = node.nodeType === 1 ? node : node.parentNode;
    var section = host.closest(".doc-section");
    var text = section && section.querySelector(".text");
    if (!text || !text.contains(node)) return null;
    var range = document.createRange();
    range.setStart(text, 0);
    range.setEnd(node, offset);
    return { section: section, at: range.toString().length };
  }

  function addForm() {
    var sel = window.getSelection();
    if (!sel || sel.isCollapsed || !sel.rangeCount) return say("select the text of the missed value first", "error");
    var range = sel.getRangeAt(0);
    var a = boundary(range.startContainer, range.startOffset);
    var b = boundary(range.endContainer, range.endOffset);
    if (!a || !b || a.section !== b.section) return say("select text inside one section", "error");
    var selected = range.toString();
    var lead = selected.length - selected.replace(/^\s+/, "").length;
    var trimmed = selected.trim();
    if (!trimmed) return say("the selection is blank", "error");
    var from = a.at + lead;
    var to = from + trimmed.length;
    var sectionStart = parseInt(a.section.getAttribute("data-start"), 10);
    var number = (trimmed.match(/\d+(?:\.\d+)?/) || [""])[0];
    var values = { endpoint: "other", statistic: "proportion", value: number, origin: "this_study", section: a.section.getAttribute("data-kind") || "other" };
    form("Add a missed record", values, trimmed, function (changes) {
      post("decide", {
        action: "add",
        selection: { section_start: sectionStart, from: from, to: to, text: trimmed },
        changes: changes,
      });
    });
  }

  function idAt(target) {
    var tag = target.closest(".tag[data-mark]");
    if (tag) return tag.getAttribute("data-mark");
    var hl = target.closest(".hl[data-marks]");
    if (!hl) return null;
    var ids = hl.getAttribute("data-marks").split(" ");
    return ids[ids.length - 1];
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest("#panel")) return;
    var sel = window.getSelection();
    if (sel && !sel.isCollapsed) return; // a text selection, not a click on a record
    var id = idAt(event.target);
    if (id) select(id, false);
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var typing = event.target.closest && event.target.closest("input, select, textarea");
    if (event.key === "Escape") {
      event.preventDefault();
      select(current, false);
      return;
    }
    if (typing) return;
    var handlers = {
      j: function () { step(1); },
      k: function () { step(-1); },
      a: function () { decide("accept"); },
      r: function () { decide("reject"); },
      e: editForm,
      u: undo,
      n: addForm,
    };
    var handler = handlers[event.key];
    if (handler) {
      event.preventDefault();
      handler();
    }
  });

  var add = document.getElementById("rv-add");
  add.addEventListener("mousedown", function (event) { event.preventDefault(); }); // keep the selection
  add.addEventListener("click", addForm);

  var hash = decodeURIComponent(location.hash || "");
  if (hash.indexOf("#m-") === 0 && marks[hash.slice(3)]) select(hash.slice(3), true);
  else select(null, false);
  if (data.stale) say(data.stale + " stale review(s): see the top of the page", "error");
  document.body.setAttribute("data-ready", "1");
})();
