"""Lets the tests import their helpers (vectors.py, fakes.py) by name."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
