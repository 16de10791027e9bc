/* paper-digest search: the header box on every page ("/" focuses it), live results on search/index.html.
 *
 * The index is one Lunr index cut into parts (see generator/search.py): search/manifest.json names the term
 * buckets and periods; a query fetches only the buckets its words need, rebuilds a small lunr.Index from them
 * with whole-archive BM25 weights (Lunr's own formula), and lets lunr.js match and score. parse, clauses,
 * neededBuckets, weight and search mirror generator/search_query.py, which the tests hold to the same answers.
 * Untrusted text (titles, authors, abstracts) only ever goes through textContent and createTextNode.
 */
(function () {
  "use strict";

  var box = document.getElementById("search-box");
  if (!box) return;
  var script = document.currentScript;
  var root = new URL("../", script ? script.src : location.href); // static/search.js -> the site root

  document.addEventListener("keydown", function (event) {
    var target = event.target, tag = target && target.tagName;
    var editing = tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
    if (event.key === "/" && !editing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  });

  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!list || !status) return; // not the search page: the form takes the query there
  if (!window.lunr) {
    status.textContent = "Search could not start: lunr.min.js did not load.";
    return;
  }

  var lunr = window.lunr, P = lunr.Query.presence;
  var MIN_PREFIX = 3, PAGE = 20;
  var more = document.getElementById("search-more");
  var manifest = null, fetched = {}, shown = [], active = -1, sequence = 0, timer = 0;

  // --- text: the same folding, words and stop words as generator/search_text.py --------------------------
  function fold(text) {
    return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
  }
  function words(text) {
    return fold(text).match(/[\p{L}\p{N}]+/gu) || [];
  }
  function isStop(word) {
    return !lunr.stopWordFilter(new lunr.Token(word));
  }
  function stem(word) {
    return lunr.stemmer(new lunr.Token(word)).toString();
  }
  // The index terms of a text as this page derives them: tests hold it to generator/search_text.py's terms().
  window.digestSearch = {
    terms: function (text) {
      return words(text).filter(function (w) { return !isStop(w); }).map(stem);
    }
  };

  // --- query: Lunr syntax per word, stray syntax falls back to plain words ---------------------------------
  function parse(text) {
    var chunks = text.split(/\s+/).filter(Boolean), typing = text.length > 0 && !/\s$/.test(text), found = [];
    var fieldRe = new RegExp("^(" + manifest.fields.map(function (f) { return f[0]; }).join("|") + "):(.+)$");
    chunks.forEach(function (chunk, number) {
      var presence = P.OPTIONAL, fields = [], boost = 1, match;
      if ((chunk[0] === "+" || chunk[0] === "-") && chunk.length > 1) {
        presence = chunk[0] === "+" ? P.REQUIRED : P.PROHIBITED;
        chunk = chunk.slice(1);
      }
      if ((match = fieldRe.exec(chunk))) { fields = [match[1]]; chunk = match[2]; }
      if ((match = /\^([0-9]+)$/.exec(chunk))) {
        boost = Math.max(1, Math.min(parseInt(match[1], 10), 100));
        chunk = chunk.slice(0, match.index);
      }
      chunk = chunk.replace(/~[0-9]*$/, "");
      var prefix = chunk.slice(-1) === "*" || (typing && number === chunks.length - 1), split = words(chunk);
      split.forEach(function (word, position) {
        var last = position === split.length - 1;
        found.push({ text: word, fields: fields, presence: presence, boost: boost,
                     prefix: prefix && last && word.length >= MIN_PREFIX });
      });
    });
    return found;
  }

  function clauses(word, allFields) {
    var base = { fields: word.fields.length ? word.fields : allFields, boost: word.boost, presence: word.presence };
    var found = [];
    if (!isStop(word.text)) found.push(Object.assign({ term: word.text, usePipeline: true }, base));
    if (word.prefix && (word.presence !== P.REQUIRED || !found.length)) {
      found.push(Object.assign({ term: word.text, usePipeline: false, wildcard: lunr.Query.wildcard.TRAILING }, base));
    }
    return found;
  }

  function bucketOf(term, names) {
    for (var end = term.length; end > 0; end--) if (names.has(term.slice(0, end))) return term.slice(0, end);
    return null;
  }

  function neededBuckets(text) {
    var names = new Set(manifest.buckets), needed = new Set();
    parse(text).forEach(function (word) {
      clauses(word, []).forEach(function (clause) {
        var term = clause.usePipeline ? stem(clause.term) : clause.term, home = bucketOf(term, names);
        if (home !== null) needed.add(home);
        if (clause.wildcard) manifest.buckets.forEach(function (name) { if (name.startsWith(term)) needed.add(name); });
      });
    });
    return needed;
  }

  // --- loading parts ---------------------------------------------------------------------------------------
  function getJSON(path) {
    if (!fetched[path]) {
      fetched[path] = fetch(new URL(path, root)).then(function (response) {
        if (!response.ok) throw new Error(response.status + " " + response.statusText + " for " + path);
        return response.json();
      });
      fetched[path].catch(function () { delete fetched[path]; });
    }
    return fetched[path];
  }

  function partFile(period, bucket) {
    var name = /^[\x00-\x7f]*$/.test(bucket) ? bucket : "_" + Array.from(new TextEncoder().encode(bucket),
      function (byte) { return byte.toString(16).padStart(2, "0"); }).join("");
    return "search/terms/" + period + "/" + name + ".json";
  }

  function partsFor(buckets) {
    var files = [];
    manifest.periods.forEach(function (period) {
      manifest.buckets.forEach(function (bucket, i) {
        if (buckets.has(bucket) && manifest.present[period][i] === "1") files.push(partFile(period, bucket));
      });
    });
    return Promise.all(files.map(getJSON));
  }

  function weight(frequency, docs, tf, length, average, boost) {
    var idf = Math.log(1 + Math.abs((docs - frequency + 0.5) / (frequency + 0.5)));
    var score = idf * ((manifest.k1 + 1) * tf) / (manifest.k1 * (1 - manifest.b + manifest.b * (length / average)) + tf);
    score *= boost;
    return Math.round(score * 1000) / 1000; // as lunr.Builder#createFieldVectors
  }

  function buildIndex(parts, wanted) {
    var fields = manifest.fields.map(function (f) { return f[0]; }), postings = {};
    parts.forEach(function (part) {
      Object.keys(part).forEach(function (term) {
        if (!wanted(term)) return;
        var merged = postings[term] || (postings[term] = fields.map(function () { return []; }));
        part[term].forEach(function (flat, field) {
          for (var at = 0, doc = 0; at < flat.length; at += 3) {
            doc += flat[at]; // document numbers are delta-coded
            merged[field].push(doc, flat[at + 1], flat[at + 2]);
          }
        });
      });
    });
    var terms = Object.keys(postings).sort(), inverted = {}, vectors = {};
    terms.forEach(function (term, number) {
      var lists = postings[term], frequency = 0;
      lists.forEach(function (flat) { frequency += flat.length / 3; });
      inverted[term] = { _index: number };
      lists.forEach(function (flat, field) {
        var name = fields[field], posting = (inverted[term][name] = {});
        var average = manifest.lengths[field] / manifest.docs, boost = manifest.fields[field][1];
        for (var at = 0; at < flat.length; at += 3) {
          var ref = String(flat[at]), key = name + "/" + ref;
          posting[ref] = {};
          (vectors[key] || (vectors[key] = new lunr.Vector())).insert(
            number, weight(frequency, manifest.docs, flat[at + 1], flat[at + 2], average, boost));
        }
      });
    });
    var pipeline = new lunr.Pipeline();
    pipeline.add(lunr.stemmer);
    return new lunr.Index({ invertedIndex: inverted, fieldVectors: vectors, tokenSet: lunr.TokenSet.fromArray(terms),
                            fields: fields, pipeline: pipeline });
  }

  // --- ranking: all words first, then Lunr's score, then newest first ------------------------------------
  function run(index, list) {
    return index.query(function (query) {
      list.forEach(function (clause) { query.term(clause.term, Object.assign({}, clause)); });
    });
  }

  function search(index, text) {
    var fields = index.fields;
    var queryWords = parse(text).filter(function (w) { return clauses(w, fields).length; });
    var positive = queryWords.filter(function (w) { return w.presence !== P.PROHIBITED; });
    if (!positive.length) return [];
    var all = [];
    queryWords.forEach(function (w) { all = all.concat(clauses(w, fields)); });
    var found = run(index, all), every = new Set();
    found.forEach(function (r) {
      if (positive.every(function (w) { return has(w, r.matchData.metadata); })) every.add(Number(r.ref));
    });
    return found.map(function (r) { return [Number(r.ref), r.score]; }).sort(function (a, b) {
      return (every.has(a[0]) ? 0 : 1) - (every.has(b[0]) ? 0 : 1) || b[1] - a[1] || b[0] - a[0];
    });
  }

  // Whether a result matched a word: one of its matched terms is the word's stem or has its prefix.
  function has(word, matched) {
    var exact = isStop(word.text) ? null : stem(word.text);
    return Object.keys(matched).some(function (term) {
      return (term === exact || (word.prefix && term.startsWith(word.text))) &&
        Object.keys(matched[term]).some(function (field) { return !word.fields.length || word.fields.indexOf(field) >= 0; });
    });
  }

  // The exact terms and prefixes a query can match: the only terms worth putting in its index.
  function wantedTerms(text) {
    var exact = new Set(), prefixes = [];
    parse(text).forEach(function (word) {
      clauses(word, []).forEach(function (clause) {
        if (clause.wildcard) prefixes.push(clause.term); else exact.add(stem(clause.term));
      });
    });
    return function (term) {
      return exact.has(term) || prefixes.some(function (p) { return term.startsWith(p); });
    };
  }

  // --- display -------------------------------------------------------------------------------------------
  function highlighted(text, stems, prefixes) {
    var fragment = document.createDocumentFragment(), last = 0, re = /[\p{L}\p{N}]+/gu, match;
    while ((match = re.exec(text))) {
      var folded = fold(match[0]);
      var hit = stems.has(stem(folded)) || prefixes.some(function (p) { return folded.startsWith(p); });
      if (!hit) continue;
      fragment.appendChild(document.createTextNode(text.slice(last, match.index)));
      var mark = document.createElement("mark");
      mark.textContent = match[0];
      fragment.appendChild(mark);
      last = match.index + match[0].length;
    }
    fragment.appendChild(document.createTextNode(text.slice(last)));
    return fragment;
  }

  function resultItem(doc, number, stems, prefixes) {
    var item = document.createElement("li"), link = document.createElement("a");
    item.id = "search-result-" + number;
    link.href = new URL(doc[0], root).href;
    link.appendChild(highlighted(doc[1], stems, prefixes));
    var meta = document.createElement("p"), time = document.createElement("time");
    meta.className = "meta";
    time.dateTime = doc[2];
    time.textContent = doc[2];
    meta.appendChild(time);
    if (doc[3]) meta.appendChild(document.createTextNode(" · " + doc[3]));
    var snippet = document.createElement("p");
    snippet.className = "snippet";
    snippet.appendChild(highlighted(doc[4], stems, prefixes));
    item.append(link, meta, snippet);
    return item;
  }

  function showPage(results, text, mine) {
    var start = list.children.length, page = results.slice(start, start + PAGE), stems = new Set(), prefixes = [];
    parse(text).forEach(function (w) {
      if (w.presence === P.PROHIBITED) return;
      if (!isStop(w.text)) stems.add(stem(w.text));
      if (w.prefix) prefixes.push(w.text);
    });
    var blocks = page.map(function (r) { return getJSON("search/docs/" + Math.floor(r[0] / manifest.store) + ".json"); });
    return Promise.all(blocks).then(function (loaded) {
      if (mine !== sequence) return;
      page.forEach(function (r, i) {
        list.appendChild(resultItem(loaded[i][r[0] % manifest.store], start + i, stems, prefixes));
      });
      more.hidden = list.children.length >= results.length;
    });
  }

  function say(message) {
    status.textContent = message;
  }

  function select(number) {
    var items = list.children;
    if (active >= 0 && items[active]) { items[active].classList.remove("active"); items[active].removeAttribute("aria-selected"); }
    active = items.length ? Math.max(-1, Math.min(number, items.length - 1)) : -1;
    if (active >= 0) {
      items[active].classList.add("active");
      items[active].setAttribute("aria-selected", "true");
      items[active].scrollIntoView({ block: "nearest" });
      box.setAttribute("aria-activedescendant", items[active].id);
    } else {
      box.removeAttribute("aria-activedescendant");
    }
  }

  function update() {
    var text = box.value, mine = ++sequence;
    var url = new URL(location.href);
    if (text.trim()) url.searchParams.set("q", text); else url.searchParams.delete("q");
    history.replaceState(null, "", url.href);
    if (!text.trim()) {
      list.replaceChildren(); more.hidden = true; active = -1;
      say("Type to search " + (status.dataset.papers || "all") + " papers.");
      return Promise.resolve();
    }
    var started = performance.now();
    return loadManifest().then(function () {
      return partsFor(neededBuckets(text));
    }).then(function (parts) {
      if (mine !== sequence) return;
      var loaded = performance.now(), index = buildIndex(parts, wantedTerms(text)), built = performance.now();
      shown = search(index, text);
      list.replaceChildren(); active = -1; box.removeAttribute("aria-activedescendant");
      // timings for the benchmark: total, and the share of building the query's index from its parts
      list.dataset.queryMs = String(Math.round(performance.now() - started));
      list.dataset.buildMs = String(Math.round(built - loaded));
      if (!shown.length) {
        var meaningful = parse(text).some(function (w) { return clauses(w, []).length; });
        more.hidden = true;
        say(meaningful ? "No results for “" + text.trim() + "”." :
          "“" + text.trim() + "” is too common to search for: add another word.");
        return;
      }
      return showPage(shown, text, mine).then(function () {
        if (mine !== sequence) return;
        say(shown.length + (shown.length === 1 ? " result" : " results") + " for “" + text.trim() + "”.");
      });
    }).catch(function (error) {
      if (mine !== sequence) return;
      say(location.protocol === "file:"
        ? "Search cannot load its index from a file:// page in this browser. Serve the site over HTTP (for example: digest serve)."
        : "Search could not load its index (" + error.message + "). Try reloading the page.");
    });
  }

  function loadManifest() {
    return manifest ? Promise.resolve(manifest) : getJSON("search/manifest.json").then(function (m) {
      manifest = m;
      return m;
    });
  }

  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(update, 60);
  });
  box.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      select(active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter") {
      event.preventDefault(); // results are already live: no reload
      var chosen = active >= 0 && list.children[active] && list.children[active].querySelector("a");
      if (chosen) location.href = chosen.href;
    } else if (event.key === "Escape") {
      select(-1);
    }
  });
  more.addEventListener("click", function () { showPage(shown, box.value, sequence); });

  box.setAttribute("aria-controls", "search-results");
  box.value = new URLSearchParams(location.search).get("q") || "";
  update();
})();
