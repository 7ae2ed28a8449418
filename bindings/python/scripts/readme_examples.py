"""Writes each Python example of a README that is a whole program (its block starts with ``import``)
to a file of its own, for the type checkers; prints which blocks it took and which it left.

    python readme_examples.py README.md OUT_DIR
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

_BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def main(readme: Path, out: Path) -> None:
    text = readme.read_text(encoding="utf-8")
    taken = 0
    for n, match in enumerate(_BLOCK.finditer(text), start=1):
        line = text.count("\n", 0, match.start()) + 1
        code = match.group(1)
        if not code.startswith(("import ", "from ")):
            print(f"README line {line}: a fragment, not checked")
            continue
        (out / f"readme_{n:02d}.py").write_text(code, encoding="utf-8")
        taken += 1
        print(f"README line {line}: checked as readme_{n:02d}.py")
    if taken == 0:
        sys.exit("no README example is a whole program")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
