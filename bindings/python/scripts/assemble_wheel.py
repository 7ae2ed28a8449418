"""Assembles one wheel of the `andopen` package from a library that scripts/natives.sh built and inspected.

A wheel is a zip archive (PEP 427): the package's Python sources (python/andopen/), the UniFFI module
generated from the library (andopen/_native/andopen_ffi.py, the same for every platform) and the library
itself (andopen/_native/), then the .dist-info folder: METADATA (the sdist's PKG-INFO, which maturin wrote
from pyproject.toml), WHEEL (the tags) and RECORD (a SHA-256 and a size per file). The library is
independent of the Python version (it is loaded with ctypes), so the tag is py3-none-<platform>.

    python3 assemble_wheel.py --platform linux-x86_64 --library LIB --generated ANDOPEN_FFI_PY \\
        --metadata PKG-INFO --source python/andopen --out DIR

Prints the wheel's path.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import sys
import zipfile
from dataclasses import dataclass
from email.parser import HeaderParser
from pathlib import Path


@dataclass(frozen=True)
class WheelPlatform:
    """Where a platform's library goes and which tags its wheel carries."""

    library: str
    tags: tuple[str, ...]


# scripts/natives.sh's platform -> the wheel. The glibc libraries need at most GLIBC_2.17 (manylinux2014,
# PEP 599, also spelt manylinux_2_17 since PEP 600); zig's musl is 1.2; the macOS minimums are the ones
# scripts/natives.sh writes into the libraries.
PLATFORMS = {
    "linux-x86_64": WheelPlatform("libandopen_ffi.so", ("manylinux_2_17_x86_64", "manylinux2014_x86_64")),
    "linux-aarch64": WheelPlatform("libandopen_ffi.so", ("manylinux_2_17_aarch64", "manylinux2014_aarch64")),
    "musl-x86_64": WheelPlatform("libandopen_ffi.so", ("musllinux_1_2_x86_64",)),
    "windows-x86_64": WheelPlatform("andopen_ffi.dll", ("win_amd64",)),
    "macos-x86_64": WheelPlatform("libandopen_ffi.dylib", ("macosx_10_12_x86_64",)),
    "macos-arm64": WheelPlatform("libandopen_ffi.dylib", ("macosx_11_0_arm64",)),
}

GENERATOR = "andopen bindings/python/scripts/assemble_wheel.py"
# Every file of the archive carries this date (the earliest a zip can hold), so that a wheel is the same
# bytes whenever it is assembled from the same inputs.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"sha256={digest}"


def wheel_file_name(name: str, version: str, tags: tuple[str, ...]) -> str:
    return f"{name}-{version}-py3-none-{'.'.join(tags)}.whl"


def package_files(source: Path) -> list[tuple[str, bytes]]:
    """The package's own files, as archive names: no byte-code, no library or module built in place."""
    files = []
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source.parent)
        if not path.is_file() or "__pycache__" in relative.parts or path.suffix == ".pyc":
            continue
        if relative.parts[:2] == ("andopen", "_native"):
            continue
        files.append((relative.as_posix(), path.read_bytes()))
    return files


def assemble(platform: str, library: Path, generated: Path, metadata: Path, source: Path, out: Path) -> Path:
    target = PLATFORMS[platform]
    headers = HeaderParser().parsestr(metadata.read_text(encoding="utf-8"), headersonly=True)
    name, version = headers["Name"], headers["Version"]
    if not name or not version:
        raise SystemExit(f"{metadata}: no Name or Version")
    dist_info = f"{name}-{version}.dist-info"

    files = package_files(source)
    files += [
        ("andopen/_native/__init__.py", b"from .andopen_ffi import *  # NOQA\n"),
        ("andopen/_native/andopen_ffi.py", generated.read_bytes()),
        (f"andopen/_native/{target.library}", library.read_bytes()),
        (f"{dist_info}/METADATA", metadata.read_bytes()),
    ]
    wheel = ["Wheel-Version: 1.0", f"Generator: {GENERATOR}", "Root-Is-Purelib: false"]
    wheel += [f"Tag: py3-none-{tag}" for tag in target.tags]
    files.append((f"{dist_info}/WHEEL", ("\n".join(wheel) + "\n").encode()))

    record = [f"{arcname},{record_hash(data)},{len(data)}" for arcname, data in files]
    record.append(f"{dist_info}/RECORD,,")
    files.append((f"{dist_info}/RECORD", ("\n".join(record) + "\n").encode()))

    out.mkdir(parents=True, exist_ok=True)
    path = out / wheel_file_name(name, version, target.tags)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for arcname, data in files:
            info = zipfile.ZipInfo(arcname, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            executable = arcname.endswith((".so", ".dylib", ".dll"))
            info.external_attr = (0o755 if executable else 0o644) << 16
            archive.writestr(info, data)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--platform", choices=sorted(PLATFORMS), required=True)
    parser.add_argument("--library", type=Path, required=True)
    parser.add_argument("--generated", type=Path, required=True)
    parser.add_argument("--metadata", type=Path, required=True)
    parser.add_argument("--source", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    print(assemble(args.platform, args.library, args.generated, args.metadata, args.source, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
