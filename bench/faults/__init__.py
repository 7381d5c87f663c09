"""The fault suite: worker kills, Redis restarts and wipes, a PostgreSQL restart and
malformed entries under load, each checked exactly against what was sent.

    python -m bench.faults [--short] [--case NAME ...]
"""
