"""``digest fetch``: download a day's raw digest (Hugging Face daily papers, arXiv API results) into digests/.

The raw answer is the record, saved as received; converting it stays the build's job. An answer is only saved
once its reader accepts it, and through a temporary file renamed into place, so a failed or bad fetch leaves
nothing behind. Transient failures (timeouts, dropped connections, 429 and 5xx) are retried with exponential
backoff, honouring Retry-After up to a cap; arXiv asks for 3 seconds between requests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from generator import __version__
from generator.config import SiteConfig, api_url
from generator.digests import decode, read_structured
from generator.digests.fields import Parsed
from generator.errors import InputError
from generator.output import write_bytes_atomically

if TYPE_CHECKING:
    import http.client

log = logging.getLogger("generator")

USER_AGENT = f"paper-digest/{__version__} (static site generator; digest fetch; Python urllib)"
ARXIV_GAP = 3.0  # seconds between requests to the arXiv API, as its terms of use ask
MAX_RETRY_AFTER = 60.0  # a server asking for longer than this gets this; CI jobs have time limits
MAX_BYTES = 64 * 1024 * 1024
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_CATEGORY = re.compile(r"[a-z][a-z-]*(?:\.[A-Za-z][A-Za-z-]*)?")


@dataclass(frozen=True)
class FetchOptions:
    """How patient to be: seconds per network wait, retries after the first try, first backoff delay."""

    timeout: float = 30.0
    retries: int = 3
    backoff: float = 1.0


class _TransientError(Exception):
    """A failure worth another try; ``retry_after`` is the server's Retry-After header, if any."""

    def __init__(self, reason: str, retry_after: str | None = None) -> None:
        super().__init__(reason)
        self.reason, self.retry_after = reason, retry_after


def retry_delay(attempt: int, retry_after: str | None, backoff: float, now: dt.datetime | None = None) -> float:
    """Seconds to wait before try ``attempt + 2``: the backoff doubled per try, or longer if the server says so.

    Retry-After is either seconds or an HTTP date; either way it is capped at MAX_RETRY_AFTER.
    """
    delay: float = backoff * 2**attempt
    asked: float | None = None
    if retry_after is not None and retry_after.strip().isdigit():
        asked = float(retry_after.strip())
    elif retry_after:
        import email.utils  # here, as the network modules below: every command imports this module for its options

        try:
            when = email.utils.parsedate_to_datetime(retry_after)
        except (TypeError, ValueError, IndexError):
            when = None
        if when is not None and when.tzinfo is not None:
            asked = (when - (now or dt.datetime.now(dt.UTC))).total_seconds()
    if asked is not None:
        delay = max(delay, min(asked, MAX_RETRY_AFTER))
    return delay


class Client:
    """GET requests with retries, keeping at least ``gap`` seconds between the starts of two requests."""

    def __init__(self, options: FetchOptions, gap: float = 0.0) -> None:
        self.options, self.gap = options, gap
        self._last: float | None = None

    def get(self, url: str, target: Path) -> bytes:
        """The body of a 200 answer; InputError naming ``target`` (not saved) when none comes."""
        attempt = 0
        while True:
            self._keep_gap()
            try:
                return self._once(url, target)
            except _TransientError as problem:
                if attempt >= self.options.retries:
                    tries = f"{attempt + 1} tr{'y' if attempt == 0 else 'ies'}"
                    raise InputError(target, f"not fetched: {url}: {problem.reason} ({tries}); nothing saved") from None
                delay = retry_delay(attempt, problem.retry_after, self.options.backoff)
                log.warning("warning: %s: %s; trying again in %.1f s", url, problem.reason, delay)
                time.sleep(delay)
                attempt += 1

    def _keep_gap(self) -> None:
        if self._last is not None:
            wait = self._last + self.gap - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        self._last = time.monotonic()

    def _once(self, url: str, target: Path) -> bytes:
        import http.client  # here: 0.02-0.04 s to import, and only fetch needs them
        import urllib.error
        import urllib.request

        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=self.options.timeout) as response:
                body = _read_all(response, target, url)
        except urllib.error.HTTPError as error:
            error.close()  # the error page is not needed, only its status and headers
            reason = f"HTTP {error.code} {error.reason}"
            if error.code in _RETRY_STATUS:
                raise _TransientError(reason, error.headers.get("Retry-After")) from None
            raise InputError(target, f"not fetched: {url}: {reason}; nothing saved") from None
        except TimeoutError:
            raise _TransientError(f"no answer within {self.options.timeout:g} s") from None
        except urllib.error.URLError as error:
            raise _TransientError(f"cannot connect ({error.reason})") from None
        except (http.client.HTTPException, ConnectionError) as error:
            raise _TransientError(f"connection broken ({type(error).__name__})") from None
        return body


def _read_all(response: http.client.HTTPResponse, target: Path, url: str) -> bytes:
    """The whole body, read in chunks up to MAX_BYTES.

    ``read(n)`` ends quietly where the connection does, so a body shorter than its Content-Length is checked
    here: it is a broken transfer, worth another try, not an answer.
    """
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read(1 << 16):
        size += len(chunk)
        if size > MAX_BYTES:
            raise InputError(target, f"not fetched: {url}: answer larger than {MAX_BYTES} bytes; nothing saved")
        chunks.append(chunk)
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and size < int(declared):
        raise _TransientError(f"answer cut short ({size} of {declared} bytes)")
    return b"".join(chunks)


def with_query(url: str, params: dict[str, str]) -> str:
    return url + ("&" if "?" in url else "?") + urlencode(params)


def fetch_hf(digests: Path, day: dt.date, options: FetchOptions, api: str) -> int:
    """Save the Hugging Face daily papers of ``day`` as digests/<day>-hf.json; the number of papers."""
    url = with_query(api, {"date": day.isoformat()})
    target = digests / f"{day.isoformat()}-hf.json"
    body = Client(options).get(url, target)
    return _save(target, url, body, _parse(target, url, body, "hf"))


def fetch_arxiv(
    digests: Path, categories: list[str], today: dt.date, options: FetchOptions, api: str, max_results: int
) -> int:
    """Save the newest submissions of each category as digests/<day>-arxiv-<category>.xml; papers saved."""
    for category in categories:
        if not _CATEGORY.fullmatch(category):
            raise InputError("--category", f"{category!r} is not an arXiv category like cs.CL or hep-th")
    client = Client(options, gap=ARXIV_GAP)
    saved = 0
    for category in categories:
        params = {"search_query": f"cat:{category}", "sortBy": "submittedDate", "sortOrder": "descending"}
        url = with_query(api, {**params, "start": "0", "max_results": str(max_results)})
        provisional = digests / f"{today.isoformat()}-arxiv-{category}.xml"
        body = client.get(url, provisional)
        parsed = _parse(provisional, url, body, "atom")  # checked before saving, and it names the day
        saved += _save(digests / f"{(parsed.date or today).isoformat()}-arxiv-{category}.xml", url, body, parsed)
    return saved


def _parse(target: Path, url: str, body: bytes, fmt: str) -> Parsed:
    try:
        return read_structured(target, decode(target, body), fmt)
    except InputError as error:
        raise InputError(target, f"bad answer from {url}: {error.message}; nothing saved", error.line) from None


def _save(target: Path, url: str, body: bytes, parsed: Parsed) -> int:
    """Keep ``body`` (read as ``parsed``) as ``target``, unless it holds no papers or is saved already."""
    count = len(parsed.entries)
    if not count:
        log.info("no papers at %s (an empty day); nothing saved", url)
        return 0
    if target.exists() and target.read_bytes() == body:
        log.info("%s is up to date (%d papers)", target, count)
        return count
    write_bytes_atomically(target, body, durable=True)
    log.info("saved %d papers from %s to %s", count, url, target)
    return count


def add_arguments(parser: argparse.ArgumentParser, date_type: Callable[[str], dt.date]) -> None:
    """The options of ``digest fetch``."""
    parser.add_argument("source", choices=("hf", "arxiv"), help="Hugging Face daily papers, or arXiv API results")
    parser.add_argument("--date", type=date_type, help="hf: the day to fetch, YYYY-MM-DD (default: today)")
    parser.add_argument("--category", action="append", help="arxiv: a category such as cs.CL (repeatable)")
    parser.add_argument("--max", type=_count, default=100, help="arxiv: newest submissions per category (100)")
    parser.add_argument("--api-url", help="ask this URL instead of site.yaml's hf_api / arxiv_api")
    parser.add_argument("--timeout", type=_seconds, default=30.0, help="seconds to wait for an answer (30)")
    parser.add_argument("--retries", type=_retries, default=3, help="tries after the first on failures (3)")
    parser.add_argument("--config", type=Path, help="config file (default: site.yaml in the site folder)")


def run(args: argparse.Namespace, digests: Path, config: SiteConfig, today: dt.date) -> int:
    """Carry out ``digest fetch``; exit 0 also when the day has no papers."""
    options = FetchOptions(timeout=args.timeout, retries=args.retries)
    api = args.api_url or (config.hf_api if args.source == "hf" else config.arxiv_api)
    try:
        api = api_url(api)
    except TypeError as error:
        raise InputError("--api-url", str(error)) from None
    if args.source == "hf":
        if args.category:
            raise InputError("--category", "is for arxiv; hf has one list a day")
        fetch_hf(digests, args.date or today, options, api)
        return 0
    if not args.category:
        raise InputError("--category", "arxiv needs at least one, e.g. --category cs.CL")
    if args.date:
        raise InputError("--date", "is for hf; the arXiv API answers with the newest submissions")
    fetch_arxiv(digests, args.category, today, options, api, args.max)
    return 0


def _count(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 2000:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number from 1 to 2000")
    return int(text)


def _retries(text: str) -> int:
    if not text.isdigit() or int(text) > 10:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number from 0 to 10")
    return int(text)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= 600:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds from 0 to 600")
    return value
