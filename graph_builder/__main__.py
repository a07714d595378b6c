"""``python -m graph_builder`` runs the ``heg`` command."""

from heg_core.cli import main

main()
