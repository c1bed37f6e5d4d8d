// The desk's small script: the live queue (Server-Sent Events), a title
// change and a soft tone when tickets arrive, and keyboard shortcuts.
// Every page works without it.
(function () {
  "use strict";

  var unseen = 0;
  var baseTitle = document.title;

  function tone() {
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) { return; }
      var ac = new Ctx();
      var o = ac.createOscillator();
      var g = ac.createGain();
      o.frequency.value = 660;
      g.gain.setValueAtTime(0.04, ac.currentTime);
      g.gain.exponentialRampToValueAtTime(0.0001, ac.currentTime + 0.25);
      o.connect(g);
      g.connect(ac.destination);
      o.start();
      o.stop(ac.currentTime + 0.25);
    } catch (e) { /* no sound is fine */ }
  }

  function live() {
    var el = document.getElementById("live");
    var rows = document.getElementById("rows");
    if (!el || !rows || !window.EventSource) { return; }
    var newTitle = el.getAttribute("data-new-title");
    var src = new EventSource(el.getAttribute("data-events"));
    src.addEventListener("ticket", function (ev) {
      var tpl = document.createElement("template");
      tpl.innerHTML = ev.data.trim();
      var tr = tpl.content.firstElementChild;
      if (!tr || rows.querySelector('tr[data-ref="' + tr.getAttribute("data-ref") + '"]')) { return; }
      tr.classList.add("new");
      rows.insertBefore(tr, rows.firstChild);
      var empty = document.getElementById("empty");
      if (empty) { empty.hidden = true; }
      unseen++;
      document.title = newTitle.replace("{n}", unseen) + " " + baseTitle;
      tone();
    });
    function seen() { unseen = 0; document.title = baseTitle; }
    window.addEventListener("focus", seen);
    document.addEventListener("keydown", seen);
  }

  function keys() {
    document.addEventListener("keydown", function (ev) {
      var t = ev.target;
      if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
      if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT")) { return; }
      var links = Array.prototype.slice.call(document.querySelectorAll("a.ref"));
      var i = links.indexOf(document.activeElement);
      if (ev.key === "/") {
        ev.preventDefault();
        var q = document.getElementById("q");
        if (q) { q.focus(); } else { window.location.href = "/desk/find"; }
      } else if (ev.key === "j" && links.length) {
        links[Math.min(i + 1, links.length - 1)].focus();
      } else if (ev.key === "k" && links.length) {
        links[Math.max(i - 1, 0)].focus();
      } else if (ev.key === "g") {
        window.location.href = "/desk/";
      }
    });
  }

  live();
  keys();
}());
