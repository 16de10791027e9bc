"""paper-digest: turn daily digests of research papers into a fast, searchable static site."""

__version__ = "0.1.0"
