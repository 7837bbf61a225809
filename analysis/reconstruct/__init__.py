"""The expensive step: record-level data rebuilt from the printed numbers, deterministically from a
seed, and written to data/reconstructed/ by the notebooks (participants, sessions, content
categories, interviews).
"""
