"""Benchmarks of `stance`: `python benchmarks/run.py --help`; see docs/PERFORMANCE.md."""
