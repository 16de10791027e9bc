"""The ``digest`` command line: build, import, fetch, new.

Exit codes: 0 success, 2 bad input or configuration (the message names the file and line), 1 internal error.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from generator import __version__
from generator.build import BuildReport, SiteFolder, build, import_digests, today_in
from generator.config import load_config
from generator.digests import FORMATS
from generator.errors import InputError
from generator.fetch import add_arguments as add_fetch_arguments
from generator.fetch import run as run_fetch
from generator.render import Progress
from generator.scaffold import new_site

log = logging.getLogger("generator")


class _StderrHandler(logging.Handler):
    """Writes to whatever sys.stderr is at the time, so in-process callers can capture it."""

    def emit(self, record: logging.LogRecord) -> None:
        sys.stderr.write(self.format(record) + "\n")


def _configure_logging(level: int) -> None:
    if not any(isinstance(h, _StderrHandler) for h in log.handlers):
        log.addHandler(_StderrHandler())
    log.setLevel(level)
    log.propagate = False


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2025-05-29") from None


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-C", dest="dir", type=Path, default=argparse.SUPPRESS, help="site folder (default: .)")
    common.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help="only errors")
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="say more")
    parser = argparse.ArgumentParser(
        prog="digest", description="Turn daily digests of research papers into a static site.", parents=[common]
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = commands.add_parser("build", parents=[common], help="convert new digests and render site/")
    p.add_argument("--base-url", help="override base_url, e.g. https://user.github.io/repo/")
    p.add_argument("--config", type=Path, help="config file (default: site.yaml in the site folder)")

    p = commands.add_parser("import", parents=[common], help="convert the named digest files into content/")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument("--date", type=_date, help="the digest's day, YYYY-MM-DD (overrides the file)")
    p.add_argument("--format", choices=FORMATS, help="the files' format (default: detected from the content)")
    p.add_argument("--config", type=Path, help="config file (default: site.yaml in the site folder)")

    p = commands.add_parser("fetch", parents=[common], help="download a day's raw digest into digests/")
    add_fetch_arguments(p, _date)
    p = commands.add_parser("serve", parents=[common], help="build, preview site/ and rebuild on change (live reload)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")

    p = commands.add_parser("new", parents=[common], help="make a fresh site folder")
    p.add_argument("target", type=Path, metavar="DIR")
    return parser


def run() -> NoReturn:
    """The ``digest`` command: :func:`main`, then end the process at once.

    Every file is written and closed by then; tearing down the heap a large build leaves took 0.05 s more
    (mypy ends the same way)."""
    code = main()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError):  # a closed pipe: there is no one left to tell
            stream.flush()
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    verbose, quiet = getattr(args, "verbose", False), getattr(args, "quiet", False)
    _configure_logging(logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO)
    folder = SiteFolder(getattr(args, "dir", Path()))
    try:
        return _run(args, folder, quiet)
    except InputError as error:
        log.error("error: %s", error)
        return 2
    except KeyboardInterrupt:
        log.error("interrupted")
        return 130
    except Exception as error:  # a bug, not bad input: say so plainly
        log.error("internal error: %s: %s", type(error).__name__, error, exc_info=verbose)
        if not verbose:
            log.error("run again with -v for the traceback, and please report it")
        return 1


def _run(args: argparse.Namespace, folder: SiteFolder, quiet: bool) -> int:
    if args.command == "new":
        new_site(args.target)
        log.info(
            "made a new site in %s; add digests to %s/digests/ and run: digest -C %s build",
            args.target,
            args.target,
            args.target,
        )
        return 0
    if not folder.root.is_dir():
        raise InputError(folder.root, "site folder not found")
    if args.command == "serve":
        from generator.serve import serve  # imported here: the web server and file watcher serve no other command

        return serve(folder, args.host, args.port)
    if args.command == "import":
        config = load_config(folder.root, args.config)
        report = import_digests(folder, config, args.files, args.date, args.format)
        _tell(report, f"converted {report.digests_read} digest(s): {report.content_written} content file(s) written")
        return 0
    if args.command == "fetch":
        config = load_config(folder.root, args.config)
        return run_fetch(args, folder.digests, config, today_in(config))
    started = time.perf_counter()
    config = load_config(folder.root, args.config, args.base_url)
    report = build(folder, config, progress=None if quiet else _progress())
    seconds = time.perf_counter() - started
    if report.up_to_date:
        summary = f"site/ is up to date: nothing new ({seconds:.2f} s)"
    else:
        summary = (
            f"built {report.papers} papers over {report.days} day(s): {report.pages} pages, "
            f"{report.rendered} rendered, in {seconds:.2f} s -> {folder.output}"
        )
    _tell(report, summary)
    if config.absolute_base is None and not report.up_to_date:
        log.info("note: feed.xml, sitemap.xml and canonical links need an absolute base_url (https://...): left out")
    return 0


def _tell(report: BuildReport, summary: str) -> None:
    _clear_progress()
    for warning in report.warnings:
        log.warning("warning: %s", warning)
    for stage, seconds in report.timings.items():
        log.debug("  %-14s %6.3f s", stage, seconds)
    log.info("%s", summary)


def _interactive() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


def _progress() -> Progress | None:
    if not _interactive():
        return None

    def show(stage: str, done: int, total: int) -> None:
        sys.stderr.write(f"\r{stage}: {done}/{total} ({100 * done // total}%)\033[K")
        sys.stderr.flush()

    return show


def _clear_progress() -> None:
    if _interactive():
        sys.stderr.write("\r\033[K")
