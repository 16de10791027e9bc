"""Screenshots of a built site in headless Chromium: phone (390x844) and desktop (1280x900), light and dark.

    python -m bench.screenshots SITE_DIR OUT_DIR PATH [PATH ...]

Serves SITE_DIR on 127.0.0.1 with Python's http.server for the duration, and writes
OUT_DIR/<name>-<phone|desktop>-<light|dark>.png for each site PATH (e.g. ``papers/x/``); ``--keys`` presses
keys first (to show keyboard triage).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench.browser import CHROMIUM, CHROMIUM_ARGS, static_server

VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 900)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("site", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--full-page", action="store_true")
    parser.add_argument("--keys", default="", help="keys to press after loading, space-separated (e.g. 'j j ?')")
    parser.add_argument("--suffix", default="", help="added to file names, e.g. '-triage'")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with static_server(args.site) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for device, (width, height) in VIEWPORTS.items():
            for scheme in ("light", "dark"):
                context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
                page = context.new_page()
                for path in args.paths:
                    page.goto(f"{url}/{path}", wait_until="networkidle")  # a search page fetches its results
                    for key in args.keys.split():
                        page.keyboard.press(key)
                    page.wait_for_timeout(400 if args.keys else 0)  # smooth scrolling settles
                    name = (path.strip("/").replace("/", "_") or "home") + args.suffix
                    page.screenshot(path=str(args.out / f"{name}-{device}-{scheme}.png"), full_page=args.full_page)
                context.close()
        browser.close()


if __name__ == "__main__":
    main()
