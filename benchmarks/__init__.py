"""Benchmarks: scripts that print figures and compare with a peer in the same run (docs/benchmarks.md).

Run each from the project folder as ``python -m benchmarks.NAME``; they share the test suites' helpers
through the ``tests.support`` package."""
