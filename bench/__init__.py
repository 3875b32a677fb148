"""Benchmarks of the Gaza Corridors Map: ``python -m bench`` (see docs/PERFORMANCE.md)."""
