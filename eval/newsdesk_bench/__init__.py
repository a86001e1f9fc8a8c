"""Benchmarks (`newsdesk bench <name>`): figures as ratios against an anchor measured in the same run."""
