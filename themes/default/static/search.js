/* paper-digest search: the header box on every page ("/" focuses it), live results on search/index.html.
 *
 * The index is one Lunr index cut into parts (see generator/search.py): search/manifest.json names the term
 * buckets and periods; a query fetches only the buckets its words need (each decoded once into typed arrays)
 * and ranks straight from their postings with lunr.js's own matching and scoring rules and whole-archive
 * BM25 weights (Lunr's builder formula): the scores lunr.Index#query would give, without building a
 * lunr.Index per keystroke. lunr.js still provides the stemmer and the stop words. parse, clauses,
 * neededBuckets and weight mirror generator/search_query.py; the tests hold rank's whole answer to one lunr.py
 * index over the archive. Untrusted text (titles, authors, abstracts) only goes through textContent and
 * createTextNode.
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
  var manifest = null, fetched = {}, decoded = {}, shown = null, active = -1, sequence = 0, timer = 0;
  var bucketNames = null, sortedBuckets = null, bucketNumber = null; // from the manifest, for lookups

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
  // Highlighting stems every word of every result shown, and lunr.stemmer is a chain of regular expressions:
  // the same words come back keystroke after keystroke, so remember them (a bounded cache).
  var stemCache = new Map();
  function stem(word) {
    var found = stemCache.get(word);
    if (found === undefined) {
      if (stemCache.size > 20000) stemCache.clear();
      stemCache.set(word, (found = lunr.stemmer(new lunr.Token(word)).toString()));
    }
    return found;
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

  // The first index of the sorted strings ``sorted`` that is not below ``key`` (JS string order).
  function lowerBound(sorted, key) {
    var low = 0, high = sorted.length;
    while (low < high) {
      var middle = (low + high) >>> 1;
      if (sorted[middle] < key) low = middle + 1; else high = middle;
    }
    return low;
  }

  // The strings of ``sorted`` that start with ``prefix``: one contiguous run.
  function startingWith(sorted, prefix) {
    var found = [];
    for (var at = lowerBound(sorted, prefix); at < sorted.length && sorted[at].startsWith(prefix); at++) found.push(sorted[at]);
    return found;
  }

  function bucketOf(term) {
    for (var end = term.length; end > 0; end--) if (bucketNames.has(term.slice(0, end))) return term.slice(0, end);
    return null;
  }

  function neededBuckets(text) {
    var needed = new Set();
    parse(text).forEach(function (word) {
      clauses(word, []).forEach(function (clause) {
        var term = clause.usePipeline ? stem(clause.term) : clause.term, home = bucketOf(term);
        if (home !== null) needed.add(home);
        if (clause.wildcard) startingWith(sortedBuckets, term).forEach(function (name) { needed.add(name); });
      });
    });
    return needed;
  }

  // --- loading parts: each bucket fetched (every period of it) and decoded once ----------------------------
  function getJSON(path) {
    if (!fetched[path]) {
      fetched[path] = fetchJSON(path);
      fetched[path].catch(function () { delete fetched[path]; });
    }
    return fetched[path];
  }

  function fetchJSON(path) {
    return fetch(new URL(path, root)).then(function (response) {
      if (!response.ok) throw new Error(response.status + " " + response.statusText + " for " + path);
      return response.json();
    });
  }

  function partFile(period, bucket) {
    var name = /^[\x00-\x7f]*$/.test(bucket) ? bucket : "_" + Array.from(new TextEncoder().encode(bucket),
      function (byte) { return byte.toString(16).padStart(2, "0"); }).join("");
    return "search/terms/" + period + "/" + name + ".json";
  }

  // A bucket's terms over the whole archive: every period's part, decoded into typed arrays, kept for the next
  // keystroke (the parsed JSON is dropped). Periods are in date order, so each list's documents ascend.
  function loadBucket(name) {
    if (!decoded[name]) {
      var number = bucketNumber.get(name), files = [];
      manifest.periods.forEach(function (period) {
        if (manifest.present[period][number] === "1") files.push(partFile(period, name));
      });
      decoded[name] = Promise.all(files.map(fetchJSON)).then(decode);
      decoded[name].catch(function () { delete decoded[name]; });
    }
    return decoded[name];
  }

  function loadBuckets(names) {
    var list = Array.from(names);
    return Promise.all(list.map(loadBucket)).then(function (buckets) {
      var loaded = new Map();
      list.forEach(function (name, i) { loaded.set(name, buckets[i]); });
      return loaded;
    });
  }

  // parts: {term: [per field: flat [document delta, tf, field length, ...]]}, one per period, in date order.
  function decode(parts) {
    var pieces = new Map(), fields = manifest.fields.length, postings = new Map();
    parts.forEach(function (part) {
      Object.keys(part).forEach(function (term) {
        (pieces.get(term) || pieces.set(term, []).get(term)).push(part[term]);
      });
    });
    pieces.forEach(function (lists, term) {
      var entry = { docs: [], tf: [], lengths: [], weights: [], frequency: 0 };
      for (var field = 0; field < fields; field++) {
        var size = 0, n = 0;
        lists.forEach(function (perField) { size += perField[field].length / 3; });
        var docs = new Int32Array(size), tf = new Int32Array(size), lengths = new Int32Array(size);
        lists.forEach(function (perField) {
          var flat = perField[field];
          for (var at = 0, doc = 0; at < flat.length; at += 3, n++) {
            doc += flat[at]; // document numbers are delta-coded
            docs[n] = doc;
            tf[n] = flat[at + 1];
            lengths[n] = flat[at + 2];
          }
        });
        entry.docs.push(docs); entry.tf.push(tf); entry.lengths.push(lengths); entry.weights.push(null);
        entry.frequency += size; // Lunr's document frequency counts a document once per field it is in
      }
      postings.set(term, entry);
    });
    return { terms: Array.from(postings.keys()).sort(), postings: postings };
  }

  function weight(frequency, docs, tf, length, average, boost) {
    var idf = Math.log(1 + Math.abs((docs - frequency + 0.5) / (frequency + 0.5)));
    var score = idf * ((manifest.k1 + 1) * tf) / (manifest.k1 * (1 - manifest.b + manifest.b * (length / average)) + tf);
    score *= boost;
    return Math.round(score * 1000) / 1000; // as lunr.Builder#createFieldVectors
  }

  // A term's BM25 weights in one field, one per posting: computed on first use, then kept with the bucket.
  function weightsOf(entry, field) {
    var found = entry.weights[field];
    if (found) return found;
    var tf = entry.tf[field], lengths = entry.lengths[field], docs = manifest.docs;
    var average = manifest.lengths[field] / docs, boost = manifest.fields[field][1];
    found = new Float64Array(tf.length);
    for (var i = 0; i < tf.length; i++) found[i] = weight(entry.frequency, docs, tf[i], lengths[i], average, boost);
    return (entry.weights[field] = found);
  }

  // --- ranking: Lunr's matching and scoring, done directly on the postings ---------------------------------
  // lunr.Index#query (lunr.js 2.3.9) on an index of these terms would give the same scores, bit for bit: the
  // same query vector (per field, each clause adding its boost to each term it expands to), the same dot
  // products summed in the same term order, the same field scores summed in the order lunr.js first met each
  // (document, field), the same required and prohibited sets. Building that index, and lunr.js's generic
  // per-document objects, took most of a query's time when its words are in most papers.

  // The terms a clause expands to, in lunr.js's order: an exact term if the index has it; for a prefix, every
  // term starting with it in the order of lunr.TokenSet#toArray (a term before its extensions, otherwise
  // greater first), which decides the order in which a document's field scores are summed.
  function expand(clause, loaded) {
    var found = [];
    if (!clause.wildcard) {
      var term = stem(clause.term), home = loaded.get(bucketOf(term)), entry = home && home.postings.get(term);
      if (entry) found.push({ term: term, entry: entry });
      return found;
    }
    loaded.forEach(function (bucket, name) {
      if (!name.startsWith(clause.term) && !clause.term.startsWith(name)) return; // no term of it has the prefix
      startingWith(bucket.terms, clause.term).forEach(function (t) { found.push({ term: t, entry: bucket.postings.get(t) }); });
    });
    return found.sort(function (a, b) { return tokenSetOrder(a.term, b.term); });
  }

  function tokenSetOrder(a, b) {
    for (var i = 0, n = Math.min(a.length, b.length); i < n; i++) {
      if (a.charCodeAt(i) !== b.charCodeAt(i)) return b.charCodeAt(i) - a.charCodeAt(i);
    }
    return a.length - b.length;
  }

  // Results of ``text`` over the loaded buckets: the matching documents (found, unordered), each one's Lunr score
  // (scores[doc]) and whether it has every word (every[doc]); ``first`` orders them.
  function rank(text, loaded) {
    var fieldNames = manifest.fields.map(function (f) { return f[0]; }), F = fieldNames.length, N = manifest.docs;
    var queryWords = parse(text).filter(function (w) { return clauses(w, fieldNames).length; });
    var positive = queryWords.filter(function (w) { return w.presence !== P.PROHIBITED; });
    if (!positive.length) return results([], null, null, null);
    var all = [];
    queryWords.forEach(function (w) { all = all.concat(clauses(w, fieldNames)); });

    // Matching, clause by clause as lunr.js does. matchedIn: a bit per field a document matched in; order:
    // those fields in the order first met; seen: the matched documents.
    var matchedIn = new Uint8Array(N), fieldCount = new Uint8Array(N), order = new Uint8Array(N * F), seen = [];
    var query = new Map(), requiredClauses = 0, requiredHits = null, stamp = null, prohibited = null;
    for (var c = 0; c < all.length; c++) {
      var clause = all[c], expanded = expand(clause, loaded);
      var fields = clause.fields.map(function (name) { return fieldNames.indexOf(name); });
      if (clause.presence === P.REQUIRED) {
        if (!expanded.length) return results([], null, null, null); // lunr.js: then no document matches
        requiredClauses++;
        requiredHits = requiredHits || new Uint16Array(N);
        stamp = stamp || new Int32Array(N);
        forPostings(expanded, fields, function (doc) {
          if (stamp[doc] !== c + 1) { stamp[doc] = c + 1; requiredHits[doc]++; }
        });
      } else if (clause.presence === P.PROHIBITED) {
        prohibited = prohibited || new Uint8Array(N);
        forPostings(expanded, fields, function (doc) { prohibited[doc] = 1; });
        continue; // a prohibited clause neither matches nor scores
      }
      for (var e = 0; e < expanded.length; e++) {
        var item = expanded[e], entry = query.get(item.term);
        if (!entry) query.set(item.term, (entry = { entry: item.entry, boosts: new Float64Array(F) }));
        for (var k = 0; k < fields.length; k++) {
          var field = fields[k], first = entry.boosts[field] === 0, bit = 1 << field;
          entry.boosts[field] += clause.boost; // boosts are at least 1: 0 means "not in the query vector yet"
          if (!first) continue;
          var docs = item.entry.docs[field];
          for (var i = 0; i < docs.length; i++) {
            var doc = docs[i];
            if (matchedIn[doc] & bit) continue;
            if (!matchedIn[doc]) seen.push(doc);
            matchedIn[doc] |= bit;
            order[doc * F + fieldCount[doc]++] = field;
          }
        }
      }
    }

    // Scoring: per field, dot(query vector, document vector) / |query vector|, terms in lunr's index order.
    var terms = Array.from(query.keys()).sort(), dots = new Float64Array(N * F), magnitude = new Float64Array(F);
    terms.forEach(function (term) {
      var q = query.get(term);
      for (var field = 0; field < F; field++) {
        var boost = q.boosts[field];
        if (!boost) continue;
        magnitude[field] += boost * boost;
        var docs = q.entry.docs[field], weights = weightsOf(q.entry, field);
        for (var i = 0; i < docs.length; i++) dots[docs[i] * F + field] += boost * weights[i];
      }
    });
    for (var f = 0; f < F; f++) magnitude[f] = Math.sqrt(magnitude[f]);

    // All words first: a document has a word if it matched one of the word's terms (its stem, or while typing
    // a term with its prefix) in one of the word's fields, through any clause.
    var hits = new Uint16Array(N), wordStamp = new Int32Array(N);
    positive.forEach(function (word, w) {
      var exact = isStop(word.text) ? null : stem(word.text), allowed = word.fields.map(function (name) {
        return fieldNames.indexOf(name);
      });
      terms.forEach(function (term) {
        if (term !== exact && !(word.prefix && term.startsWith(word.text))) return;
        var q = query.get(term);
        for (var field = 0; field < F; field++) {
          if (!q.boosts[field] || (allowed.length && allowed.indexOf(field) < 0)) continue;
          var docs = q.entry.docs[field];
          for (var i = 0; i < docs.length; i++) {
            if (wordStamp[docs[i]] !== w + 1) { wordStamp[docs[i]] = w + 1; hits[docs[i]]++; }
          }
        }
      });
    });

    var scores = new Float64Array(N), keys = new Float64Array(N), every = new Uint8Array(N), found = [];
    for (var s = 0; s < seen.length; s++) {
      var d = seen[s];
      if ((requiredClauses && requiredHits[d] !== requiredClauses) || (prohibited && prohibited[d])) continue;
      var score = 0;
      for (var n = 0; n < fieldCount[d]; n++) {
        var field = order[d * F + n], part = dots[d * F + field] / magnitude[field] || 0; // lunr.Vector#similarity
        score = n ? score + part : part;
      }
      scores[d] = score;
      keys[d] = scoreKey(score);
      every[d] = hits[d] === positive.length ? 1 : 0;
      found.push(d);
    }
    return results(found, scores, keys, every);
  }

  function results(found, scores, keys, every) {
    return { found: found, scores: scores, keys: keys, every: every, sorted: [] };
  }

  // A score rounded to a multiple of 2**-30, as generator/search_query.py's score_key: scores equal on paper
  // often differ in the last bit, by the order a Lunr implementation adds their terms in, and that noise
  // must not decide the order (scaling by a power of two is exact, so Python gets the same number).
  function scoreKey(score) {
    return Math.floor(score * 1073741824 + 0.5);
  }

  // Whether document a comes before b: all words first, then Lunr's score, then newest first.
  function before(ranked, a, b) {
    var every = ranked.every, keys = ranked.keys;
    return every[a] !== every[b] ? every[a] > every[b] : keys[a] !== keys[b] ? keys[a] > keys[b] : a > b;
  }

  // The first ``count`` results, in order. The first page picks its documents in one pass over the matches;
  // sorting them all (thousands for common words) is left for when more is asked for.
  function first(ranked, count) {
    var found = ranked.found, sorted = ranked.sorted;
    if (sorted.length >= Math.min(count, found.length)) return sorted.slice(0, count);
    if (count <= PAGE) {
      ranked.sorted = sorted = [];
      for (var i = 0; i < found.length; i++) {
        var doc = found[i], at = sorted.length;
        if (at === count && !before(ranked, doc, sorted[at - 1])) continue;
        while (at > 0 && before(ranked, doc, sorted[at - 1])) at--;
        sorted.splice(at, 0, doc);
        if (sorted.length > count) sorted.pop();
      }
    } else {
      ranked.sorted = sorted = found.slice().sort(function (a, b) { return before(ranked, a, b) ? -1 : 1; });
    }
    return sorted.slice(0, count);
  }

  function forPostings(expanded, fields, visit) {
    expanded.forEach(function (item) {
      fields.forEach(function (field) {
        var docs = item.entry.docs[field];
        for (var i = 0; i < docs.length; i++) visit(docs[i]);
      });
    });
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
    var start = list.children.length, page = first(results, start + PAGE).slice(start);
    var stems = new Set(), prefixes = [];
    parse(text).forEach(function (w) {
      if (w.presence === P.PROHIBITED) return;
      if (!isStop(w.text)) stems.add(stem(w.text));
      if (w.prefix) prefixes.push(w.text);
    });
    var blocks = page.map(function (doc) { return getJSON("search/docs/" + Math.floor(doc / manifest.store) + ".json"); });
    return Promise.all(blocks).then(function (loaded) {
      if (mine !== sequence) return;
      page.forEach(function (doc, i) {
        list.appendChild(resultItem(loaded[i][doc % manifest.store], start + i, stems, prefixes));
      });
      more.hidden = list.children.length >= results.found.length;
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
      return loadBuckets(neededBuckets(text));
    }).then(function (loaded) {
      if (mine !== sequence) return;
      var ranking = performance.now();
      shown = rank(text, loaded);
      var ranked = performance.now();
      list.replaceChildren(); active = -1; box.removeAttribute("aria-activedescendant");
      // timings for the benchmark: from typing to results on the page, and the share of ranking them
      var timed = function () {
        list.dataset.rankMs = String(Math.round(ranked - ranking));
        list.dataset.queryMs = String(Math.round(performance.now() - started));
      };
      var count = shown.found.length;
      if (!count) {
        var meaningful = parse(text).some(function (w) { return clauses(w, []).length; });
        more.hidden = true;
        say(meaningful ? "No results for “" + text.trim() + "”." :
          "“" + text.trim() + "” is too common to search for: add another word.");
        timed();
        return;
      }
      return showPage(shown, text, mine).then(function () {
        if (mine !== sequence) return;
        say(count + (count === 1 ? " result" : " results") + " for “" + text.trim() + "”.");
        timed();
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
      bucketNames = new Set(m.buckets);
      sortedBuckets = m.buckets.slice().sort(); // JS string order, for lowerBound
      bucketNumber = new Map(m.buckets.map(function (name, i) { return [name, i]; }));
      manifest = m;
      return m;
    });
  }

  // The full ranking of a query as [document number, score] pairs: tests hold it to one Lunr index's answer.
  window.digestSearch.rank = function (text) {
    return loadManifest().then(function () { return loadBuckets(neededBuckets(text)); }).then(function (loaded) {
      var ranked = rank(text, loaded);
      return first(ranked, Infinity).map(function (doc) { return [doc, ranked.scores[doc]]; });
    });
  };

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
