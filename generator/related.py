"""Related papers: for every paper, the most similar papers of the whole archive, by TF-IDF cosine.

Each paper is a bag of words from its title (counted twice: a title says what a paper is about), abstract
and keywords (``extra["keywords"]`` or ``extra["ai_keywords"]`` when a source gives them). Weights are
sublinear TF-IDF, rows L2-normalised, so a sparse product of rows is their cosine. Terms in more than
``MAX_DF`` of the papers are dropped (as arxiv-sanity does): they say little and would make every product dense.

The model (vocabulary and IDF) is kept in ``.digest-cache/`` with each paper's row and top-k list, by the
paper's identity (see :mod:`generator.related_request`, which is what the build asks). A build that only adds
papers reuses it: new papers get their lists from one sparse product ``new x all``, and an old
paper's list changes only where a new paper beats its k-th score, which the transpose of that same product
tells. Papers removed or edited since are dropped from the lists they were in, and those lists computed again.

The approximation: the vocabulary and IDF stay those of the last full computation until the archive has
grown by ``REFIT_GROWTH`` (10%) since; words first seen after it are ignored until then. Within one model
the incremental result equals a full computation exactly (the same products in the same order).
Ties are broken by slug, so the result is deterministic.
"""

from __future__ import annotations

import os
import pickle
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from generator.output import load_cache, save_cache
from generator.related_request import CACHE_VERSION, IncompleteRequestError, Index, Request, needs_fit

TOP_K = 5
MAX_DF = 0.1  # share of papers a term may appear in; more common terms are stop words of the field
MIN_PAPERS_FOR_MAX_DF = 50  # below this a "common" term is noise of a small sample, so keep them all
BLOCK = 256  # rows per product block: bounds memory to BLOCK x papers floats (per worker)
WORKERS = max(1, min(4, os.cpu_count() or 1))
_WORD = re.compile(r"[^\W\d_][^\W_]+")
_STOP_WORDS = """a about above after again against all also an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having here how
    if in into is it its itself just more most no nor not of off on once only or other our out over own same
    should so some such than that the their them then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your via using use
    used based new show shows propose proposed paper approach method results"""
_STOP = frozenset(_STOP_WORDS.split())

Matrix = sp.csr_matrix
Neighbours = tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Model:
    """The vocabulary (term -> column) and IDF weights, fixed between full computations."""

    vocabulary: Mapping[str, int]
    idf: npt.NDArray[np.float32]
    papers_at_fit: int


@dataclass(frozen=True)
class State:
    """Everything the next build needs: the model, each paper's identity and row, and its neighbours."""

    model: Model
    slugs: tuple[str, ...]
    identities: tuple[str, ...]
    rows: Matrix
    neighbours: Mapping[str, Neighbours]

    def index(self) -> Index:
        return Index(dict(zip(self.slugs, self.identities, strict=True)), self.model.papers_at_fit)


def term(word: str) -> str | None:
    """A lower-cased word as an index term: stop words out (None), plurals folded ("curses" -> "curse")."""
    if word in _STOP:
        return None
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and len(word) > 3 and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _columns(texts: Iterable[str], columns: dict[str, int], grow: bool) -> tuple[list[int], list[int]]:
    """Every text's words as columns (-1 for words left out), flat, with each text's length.

    Each distinct word is made a term once (``seen``); with ``grow`` new terms get new columns.
    """
    seen: dict[str, int] = {}
    flat: list[int] = []
    lengths: list[int] = []
    for text in texts:
        words = _WORD.findall(text.lower())
        for word in set(words).difference(seen):
            t = term(word)
            if t is None:
                seen[word] = -1
            else:
                seen[word] = columns.setdefault(t, len(columns)) if grow else columns.get(t, -1)
        flat.extend(map(seen.__getitem__, words))
        lengths.append(len(words))
    return flat, lengths


def fit(texts: Sequence[str]) -> tuple[Model, Matrix]:
    """A model fitted to ``texts`` and their rows under it."""
    provisional: dict[str, int] = {}
    counts = _count_matrix(*_columns(texts, provisional, grow=True), len(provisional))
    df = np.bincount(counts.indices, minlength=len(provisional))
    keep = df >= 2  # a word of one paper cannot relate it to another
    if len(texts) >= MIN_PAPERS_FOR_MAX_DF:
        keep &= df <= MAX_DF * len(texts)
    kept = np.flatnonzero(keep)
    column = np.full(len(provisional), -1, dtype=np.int64)
    column[kept] = np.arange(len(kept))
    vocabulary = {term: int(column[i]) for term, i in provisional.items() if column[i] >= 0}
    idf = (np.log((1 + len(texts)) / (1 + df[kept])) + 1).astype(np.float32)
    model = Model(vocabulary, idf, len(texts))
    return model, _weigh(counts[:, kept], idf)


def vectorize(model: Model, texts: Iterable[str]) -> Matrix:
    """Rows for ``texts`` under a fitted model; words it does not know are left out."""
    counts = _count_matrix(*_columns(texts, dict(model.vocabulary), grow=False), len(model.vocabulary))
    return _weigh(counts, model.idf)


def _count_matrix(flat: list[int], lengths: list[int], width: int) -> Matrix:
    cols = np.array(flat, dtype=np.int64)
    rows = np.repeat(np.arange(len(lengths)), lengths)
    known = cols >= 0
    cols, rows = cols[known], rows[known]
    counts = sp.coo_matrix((np.ones(len(cols), dtype=np.float32), (rows, cols)), shape=(len(lengths), width))
    matrix = counts.tocsr()  # sums repeated words into term counts
    matrix.sum_duplicates()
    matrix.sort_indices()
    return matrix


def _weigh(counts: Matrix, idf: npt.NDArray[np.float32]) -> Matrix:
    matrix = counts.tocsr().astype(np.float32)  # astype copies: the counts are left as they were
    matrix.data = (1 + np.log(matrix.data)) * idf[matrix.indices]
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    matrix = sp.csr_matrix(sp.diags(1 / norms).astype(np.float32) @ matrix)
    matrix.sort_indices()
    return matrix


def top_neighbours(
    queries: Matrix,
    query_index: npt.NDArray[np.int64],
    rows: Matrix,
    k: int = TOP_K,
    transposed: Matrix | None = None,
) -> list[list[tuple[int, float]]]:
    """For each query row, the ``k`` rows (by index) most similar to it, itself excluded; ties to the lower index.
    ``transposed`` is ``rows.T`` as CSR, when the caller has made it already.

    Blocks of rows are independent, and scipy and numpy release the GIL in their loops, so threads share them out;
    results are gathered in block order, so the outcome does not depend on scheduling.
    """
    transposed = rows.T.tocsr() if transposed is None else transposed

    def block(start: int) -> list[list[tuple[int, float]]]:
        scores = (queries[start : start + BLOCK] @ transposed).toarray()
        own = query_index[start : start + BLOCK]
        scores[np.arange(len(own)), own] = 0
        return _best(scores, k)

    starts = range(0, queries.shape[0], BLOCK)
    if len(starts) < 2:
        return [pairs for start in starts for pairs in block(start)]
    with ThreadPoolExecutor(max_workers=min(WORKERS, len(starts))) as pool:
        return [pairs for found in pool.map(block, starts) for pairs in found]


def _best(scores: npt.NDArray[np.float32], k: int) -> list[list[tuple[int, float]]]:
    """Per row, up to ``k`` positive scores, best first, ties to the lower column."""
    if scores.shape[1] == 0:
        return [[] for _ in range(scores.shape[0])]
    kth = np.partition(scores, max(scores.shape[1] - k, 0), axis=1)[:, max(scores.shape[1] - k, 0)]
    rows, cols = np.nonzero((scores >= kth[:, None]) & (scores > 0))
    values = scores[rows, cols]
    order = np.lexsort((cols, -values, rows))
    out: list[list[tuple[int, float]]] = [[] for _ in range(scores.shape[0])]
    for r, c, v in zip(rows[order].tolist(), cols[order].tolist(), values[order].tolist(), strict=True):
        if len(out[r]) < k:
            out[r].append((c, v))
    return out


def compute(request: Request, previous: State | None = None) -> State:
    """Neighbours of every paper, reusing ``previous`` where it is still right. ``request`` holds the texts of
    the papers ``previous`` has no row for, and of all of them when it is None or outgrown."""
    slugs = tuple(sorted(request.identities))
    identities = tuple(request.identities[s] for s in slugs)
    if previous is None or needs_fit(previous.index(), len(slugs)):
        if len(request.texts) < len(slugs):
            raise IncompleteRequestError(f"{len(slugs) - len(request.texts)} papers' texts are missing")
        model, rows = fit([request.texts[s] for s in slugs])
        everyone = np.arange(len(slugs), dtype=np.int64)
        found = top_neighbours(rows, everyone, rows)
        neighbours = {s: _named(slugs, pairs) for s, pairs in zip(slugs, found, strict=True)}
        return State(model, slugs, identities, rows, neighbours)
    if (slugs, identities) == (previous.slugs, previous.identities):
        return previous
    return _update(previous, slugs, identities, request.texts)


def _named(slugs: Sequence[str], pairs: Sequence[tuple[int, float]]) -> Neighbours:
    return tuple((slugs[i], score) for i, score in pairs)


def _update(previous: State, slugs: tuple[str, ...], identities: tuple[str, ...], texts: Mapping[str, str]) -> State:
    old = dict(zip(previous.slugs, previous.identities, strict=True))
    kept = [i for i, (s, h) in enumerate(zip(slugs, identities, strict=True)) if old.get(s) == h]
    added = [i for i, (s, h) in enumerate(zip(slugs, identities, strict=True)) if old.get(s) != h]
    gone = set(previous.slugs) - {slugs[i] for i in kept}
    rows = _assemble(previous, slugs, kept, added, texts)
    # Lists that held a paper now gone or edited are computed again in full, like the new papers' own.
    stale = [i for i in kept if any(n in gone for n, _ in previous.neighbours[slugs[i]])]
    fresh = np.array(sorted(added + stale), dtype=np.int64)
    neighbours = {slugs[i]: previous.neighbours[slugs[i]] for i in kept}
    transposed = rows.T.tocsr()  # both the new lists and the offers to old ones read the columns
    for i, pairs in zip(fresh.tolist(), top_neighbours(rows[fresh], fresh, rows, transposed=transposed), strict=True):
        neighbours[slugs[i]] = _named(slugs, pairs)
    if added:
        _offer_new(rows, transposed, np.array(added, dtype=np.int64), set(stale), slugs, neighbours)
    return State(previous.model, slugs, identities, rows, neighbours)


def _assemble(
    previous: State, slugs: Sequence[str], kept: list[int], added: list[int], texts: Mapping[str, str]
) -> Matrix:
    """All rows in slug order: kept rows copied from the cache, new ones vectorized under the same model."""
    where = {s: i for i, s in enumerate(previous.slugs)}
    old_rows = previous.rows[[where[slugs[i]] for i in kept]]
    new_rows = vectorize(previous.model, [texts[slugs[i]] for i in added])
    stacked = sp.vstack([old_rows, new_rows], format="csr")
    order = np.argsort(np.array(kept + added, dtype=np.int64), kind="stable")
    rows = sp.csr_matrix(stacked[order])
    rows.sort_indices()
    return rows


def _offer_new(
    rows: Matrix,
    transposed: Matrix,
    added: npt.NDArray[np.int64],
    done: set[int],
    slugs: Sequence[str],
    neighbours: dict[str, Neighbours],
) -> None:
    """Merge the new papers into the lists of the old ones they beat: one product, new x all, read by column."""
    # A new paper can enter an old list only with a score at least that list's k-th (0 when the list is short).
    kth = np.array([_kth_score(neighbours.get(s)) for s in slugs], dtype=np.float32)
    skip = np.zeros(len(slugs), dtype=bool)
    skip[list(set(added.tolist()) | done)] = True
    for start in range(0, len(added), BLOCK):
        part = added[start : start + BLOCK]
        product = (rows[part] @ transposed).tocoo()
        hit = (product.data > 0) & (product.data >= kth[product.col]) & ~skip[product.col]
        pairs = zip(part[product.row[hit]].tolist(), product.col[hit].tolist(), product.data[hit].tolist(), strict=True)
        for new_i, old_i, score in pairs:
            current = neighbours[slugs[old_i]]
            if len(current) < TOP_K or (-score, slugs[new_i]) < (-current[-1][1], current[-1][0]):
                merged = sorted((*current, (slugs[new_i], score)), key=lambda pair: (-pair[1], pair[0]))
                neighbours[slugs[old_i]] = tuple(merged[:TOP_K])


def _kth_score(pairs: Neighbours | None) -> float:
    return pairs[-1][1] if pairs and len(pairs) >= TOP_K else 0.0


def load_state(path: Path) -> State | None:
    saved = load_cache(path, CACHE_VERSION)
    if not (isinstance(saved, tuple) and len(saved) == 2 and isinstance(saved[1], bytes)):
        return None
    try:
        state = pickle.loads(saved[1])
    except Exception:  # made by other code under the same version: computed again
        return None
    return state if isinstance(state, State) else None


def save_state(path: Path, state: State) -> None:
    """The state, after its index: the build reads the index alone (see :func:`related_request.read_index`)."""
    save_cache(path, (state.index(), pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)), CACHE_VERSION)


def related_papers(receive: Callable[[], Request], cache_file: Path) -> dict[str, tuple[str, ...]]:
    """Slugs of each paper's most similar papers, best first; the cache is read (before ``receive`` is called
    for what to compute) and brought up to date."""
    previous = load_state(cache_file)
    state = compute(receive(), previous)
    if state is not previous:
        save_state(cache_file, state)
    return {slug: tuple(s for s, _ in pairs) for slug, pairs in state.neighbours.items()}
