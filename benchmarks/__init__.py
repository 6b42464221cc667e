"""`make bench`: the performance figures of the README, measured side by side in one process."""
