"""``digest new DIR``: a fresh site folder that builds, with every setting written out and explained."""

from __future__ import annotations

from pathlib import Path

from generator.errors import InputError

SITE_YAML = """\
# Settings of this site. Every key is optional; the values below are the defaults.
title: Paper Digest
description: A daily digest of research papers.
# Where the site is published: https://user.github.io/repo/ for a project page, or / at a domain root.
# Feeds, sitemap.xml and canonical links need an absolute base_url (https://...); with a path they are left out.
base_url: /
theme: default
language: en
# Papers per page on tag pages.
papers_per_page: 50
# How many earlier days the home page links to.
home_days: 30
# Used to resolve dates given without a year.
timezone: UTC
# Tags given to new papers whose title or abstract holds one of the words or phrases (any case).
tag_rules: {}
#  reasoning: [reasoning, chain-of-thought]
# Tags given to papers from richer sources (Hugging Face, arXiv) by their keywords or arXiv categories (any case).
source_tags: {}
#  nlp: [cs.CL]
#  distillation: [knowledge distillation]
# Where `digest fetch hf` and `digest fetch arxiv` ask (change them to use a mirror or a test server).
hf_api: https://huggingface.co/api/daily_papers
arxiv_api: https://export.arxiv.org/api/query
# A custom domain (e.g. papers.example.org): the build writes it to site/CNAME. On GitHub Pages deployed by
# Actions, also set it under Settings > Pages > Custom domain, and use https://papers.example.org/ as base_url.
cname: null
# The search page, its index and the search box in every page's header.
search: true
"""

GITIGNORE = "site/\n.site.new/\n.site.old/\n.digest-cache/\n"

DIGESTS_README = """\
Put raw digests here, one file per day, e.g. 2025-05-29.txt: a date line, then each paper's title,
a blank line and its abstract. Hugging Face daily papers JSON, arXiv API (Atom) and RSS feeds and YAML/JSON
lists work too (see the README, "Digest sources"); `digest fetch hf` saves the day's list here.
`digest build` converts new or changed files into content/.
"""


def new_site(target: Path) -> None:
    """Create ``target`` with site.yaml, digests/, content/ and templates/; refuse a folder already in use."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InputError(target, "exists and is not an empty folder; choose a new folder")
    for sub in ("digests", "content/papers", "content/digests", "templates"):
        (target / sub).mkdir(parents=True, exist_ok=True)
    (target / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    (target / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    (target / "digests" / "README.md").write_text(DIGESTS_README, encoding="utf-8")
