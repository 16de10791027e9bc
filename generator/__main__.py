"""``python -m generator`` runs the ``digest`` command line."""

from generator.cli import run

run()
