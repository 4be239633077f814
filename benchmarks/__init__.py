"""``make bench``: every stage timed against the floor openpyxl sets, at four sizes (see run.py)."""
