/* Copy to the clipboard: the Clipboard API where the page may use it, else a hidden textarea and
   execCommand("copy"), else a prompt the reader can copy from. Wires up every [data-copy-target] button. */
(function () {
  "use strict";

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    area.remove();
    if (!ok) { window.prompt("Copy this text:", text); }
    return ok;
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(function () { return true; }, function () { return fallbackCopy(text); });
    }
    return Promise.resolve(fallbackCopy(text));
  }

  function announce(button, message) {
    var status = button.parentElement && button.parentElement.querySelector(".copy-status");
    if (status) {
      status.textContent = message;
      window.setTimeout(function () { status.textContent = ""; }, 2500);
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy-target]");
    if (!button) { return; }
    var source = document.getElementById(button.getAttribute("data-copy-target"));
    if (!source) { return; }
    copyText(source.textContent).then(function (ok) { announce(button, ok ? "Copied." : "Copy it by hand."); });
  });

  window.paperDigest = window.paperDigest || {};
  window.paperDigest.copyText = copyText;
})();
