// Live reload for `digest serve`: added to each HTML response by generator/serve.py, never written into site/.
// It long-polls /__livereload/<epoch>: a new epoch without an error reloads the page; with an error, the error
// is shown over the page (the last good build stays on screen) until a rebuild succeeds.
(() => {
  const state = DIGEST_SERVE_STATE;
  let epoch = state.epoch;
  function overlay(message) {
    let box = document.getElementById("digest-serve-error");
    if (!message) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("pre");
      box.id = "digest-serve-error";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;margin:0;padding:1em;" +
        "z-index:2147483647;background:#2b0b0b;color:#ffd7d7;font:14px/1.4 monospace;white-space:pre-wrap;" +
        "border-top:4px solid #e5484d";
      document.body.append(box);
    }
    box.textContent = "digest serve: the rebuild failed; this is the last good build.\n\n" + message;
  }
  async function poll() {
    for (;;) {
      try {
        const response = await fetch("/__livereload/" + epoch, {cache: "no-store"});
        const news = await response.json();
        if (news.epoch !== epoch) {
          epoch = news.epoch;
          if (!news.error) { location.reload(); return; }
          overlay(news.error);
        }
      } catch (error) {
        await new Promise((done) => setTimeout(done, 1000));
      }
    }
  }
  overlay(state.error);
  poll();
})();
