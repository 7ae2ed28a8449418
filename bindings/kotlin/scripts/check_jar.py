"""Checks that a built jar carries the native library of every desktop platform, where JNA looks for it.

    python3 bindings/kotlin/scripts/check_jar.py JAR NATIVES_DIR

Each of JNA's five resource folders must hold exactly its library, byte for byte the one scripts/natives.sh
built and inspected under NATIVES_DIR/<platform>/; no other native library may be in the jar. Exits 1
otherwise, naming what is wrong.
"""

import sys
import zipfile
from pathlib import Path

# JNA's resource folder -> scripts/natives.sh's platform and the library's file name there.
EXPECTED = {
    "linux-x86-64": ("linux-x86_64", "libandopen_ffi.so"),
    "linux-aarch64": ("linux-aarch64", "libandopen_ffi.so"),
    "win32-x86-64": ("windows-x86_64", "andopen_ffi.dll"),
    "darwin-x86-64": ("macos-x86_64", "libandopen_ffi.dylib"),
    "darwin-aarch64": ("macos-arm64", "libandopen_ffi.dylib"),
}
NATIVE_SUFFIXES = (".so", ".dll", ".dylib")


def main() -> int:
    jar, natives = Path(sys.argv[1]), Path(sys.argv[2])
    problems = []
    with zipfile.ZipFile(jar) as archive:
        names = {info.filename for info in archive.infolist() if not info.is_dir()}
        expected_entries = {f"{folder}/{lib}" for folder, (_, lib) in EXPECTED.items()}
        for entry in sorted(n for n in names if n.endswith(NATIVE_SUFFIXES) and n not in expected_entries):
            problems.append(f"unexpected native library {entry}")
        for folder, (platform, lib) in EXPECTED.items():
            entry = f"{folder}/{lib}"
            if entry not in names:
                problems.append(f"missing {entry}")
            elif archive.read(entry) != (natives / platform / lib).read_bytes():
                problems.append(f"{entry} differs from the inspected {platform} library")
    if problems:
        print(f"{jar.name}: " + "; ".join(problems), file=sys.stderr)
        return 1
    print(f"{jar.name}: the five desktop libraries under JNA's folders ({', '.join(EXPECTED)}), each the inspected one")
    return 0


if __name__ == "__main__":
    sys.exit(main())
