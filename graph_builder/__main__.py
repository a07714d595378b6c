"""``python -m graph_builder`` runs the ``heg`` command."""

from .cli import main

main()
