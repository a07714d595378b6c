"""What the test suites (and the benchmarks) share: one way to make apps (:mod:`.apps`) and releases
(:mod:`.releases`), `heg serve` as a real process (:mod:`.serving`), a real browser (:mod:`.browser`), a
counting loopback listener (:mod:`.loopback`), real and scripted stores (:mod:`.remote_servers`), and the
checks of the hardening and linked-data suites. Test modules import from here, never from each other.

Tests import it as ``support`` (pytest puts ``tests/`` on the path); benchmarks, run as
``python -m benchmarks.NAME`` from the project folder, as ``tests.support``.
"""
