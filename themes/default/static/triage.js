/* Keyboard triage on digest pages: j/k move between papers, o opens one, b copies its BibTeX, x marks it read
   or unread, ? shows the keys. Read papers are dimmed; the list lives in localStorage (one per site, keyed by
   its base path) and can be exported and imported as JSON. Keys do nothing while typing or with modifiers. */
(function () {
  "use strict";
  var papers = Array.prototype.slice.call(document.querySelectorAll("li.paper"));
  if (!papers.length) { return; }
  var base = new URL("..", document.currentScript ? document.currentScript.src : location.href).pathname;
  var storeKey = "paper-digest:read:" + base;
  var current = -1;
  var dialog = null;

  function readSet() {
    try {
      var list = JSON.parse(localStorage.getItem(storeKey) || "[]");
      return new Set(Array.isArray(list) ? list.filter(function (s) { return typeof s === "string"; }) : []);
    } catch (e) { return new Set(); }
  }
  function saveSet(set) {
    try { localStorage.setItem(storeKey, JSON.stringify(Array.from(set).sort())); } catch (e) { /* private mode */ }
  }
  function showRead() {
    var set = readSet();
    papers.forEach(function (li) { li.classList.toggle("is-read", set.has(li.id)); });
  }
  function markRead(li, read) {
    var set = readSet();
    if (read) { set.add(li.id); } else { set.delete(li.id); }
    saveSet(set);
    showRead();
  }

  function move(to) {
    if (current >= 0) { papers[current].classList.remove("is-current"); }
    current = Math.max(0, Math.min(papers.length - 1, to));
    var li = papers[current];
    li.classList.add("is-current");
    li.focus({ preventScroll: true });
    li.scrollIntoView({ block: "start", behavior: "smooth" });
  }

  function flash(li, message) {
    var note = li.querySelector(".triage-note");
    if (!note) {
      note = document.createElement("span");
      note.className = "triage-note";
      note.setAttribute("role", "status");
      li.querySelector(".paper-title").appendChild(note);
    }
    note.textContent = message;
    window.setTimeout(function () { note.textContent = ""; }, 2000);
  }

  function copyBib(li) {
    fetch(li.getAttribute("data-bib"))
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
      .then(function (text) { return window.paperDigest.copyText(text); })
      .then(function (ok) { flash(li, ok ? "BibTeX copied" : "Copy failed"); }, function () { flash(li, "No BibTeX"); });
  }

  function exportRead() {
    var blob = new Blob([JSON.stringify({ read: Array.from(readSet()).sort() }, null, 1)], { type: "application/json" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "paper-digest-read.json";
    link.click();
    URL.revokeObjectURL(link.href);
  }
  function importRead(file) {
    file.text().then(function (text) {
      var data = JSON.parse(text);
      var list = Array.isArray(data) ? data : data && data.read;
      if (!Array.isArray(list)) { throw new Error("no list"); }
      var set = readSet();
      var slugs = list.filter(function (s) { return typeof s === "string"; });
      slugs.forEach(function (s) { set.add(s); });
      saveSet(set);
      showRead();
      dialog.querySelector(".triage-status").textContent = "Imported " + slugs.length + (slugs.length === 1 ? " paper." : " papers.");
    }).catch(function () { dialog.querySelector(".triage-status").textContent = "That file is not a read list."; });
  }

  var KEYS = [["j", "next paper"], ["k", "previous paper"], ["o", "open the paper (marks it read)"],
    ["b", "copy its BibTeX"], ["x", "mark read / unread"], ["?", "show this help"], ["Esc", "close"]];

  function help() {
    if (!dialog) {
      dialog = document.createElement("dialog");
      dialog.className = "triage-help";
      dialog.setAttribute("aria-labelledby", "triage-help-title");
      var rows = KEYS.map(function (k) { return "<dt><kbd>" + k[0] + "</kbd></dt><dd>" + k[1] + "</dd>"; }).join("");
      dialog.innerHTML = '<h2 id="triage-help-title">Keyboard</h2><dl>' + rows + "</dl>" +
        '<p class="triage-actions"><button type="button" data-act="export">Export read list</button> ' +
        '<label class="file-button">Import read list <input type="file" accept="application/json,.json"></label></p>' +
        '<p class="triage-status" role="status"></p>' +
        '<form method="dialog"><button>Close</button></form>';
      dialog.querySelector("[data-act=export]").addEventListener("click", exportRead);
      dialog.querySelector("input[type=file]").addEventListener("change", function (e) {
        if (e.target.files[0]) { importRead(e.target.files[0]); }
        e.target.value = "";  // so that choosing the same file again imports it again
      });
      document.body.appendChild(dialog);
    }
    if (!dialog.open) { dialog.showModal(); }
  }

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    if (dialog && dialog.open) { return; }
    var li = papers[current];
    switch (event.key) {
      case "j": move(current + 1); break;
      case "k": move(current < 0 ? 0 : current - 1); break;
      case "o": if (li) { markRead(li, true); location.href = li.querySelector(".paper-title a").href; } break;
      case "b": if (li) { copyBib(li); } break;
      case "x": if (li) { markRead(li, !li.classList.contains("is-read")); } break;
      case "?": help(); break;
      default: return;
    }
    event.preventDefault();
  });
  papers.forEach(function (li, i) {
    li.addEventListener("focusin", function () {
      if (current !== i) { if (current >= 0) { papers[current].classList.remove("is-current"); } current = i; li.classList.add("is-current"); }
    });
    li.querySelector(".paper-title a").addEventListener("click", function () { markRead(li, true); });
  });
  showRead();
})();
