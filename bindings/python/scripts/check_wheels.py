"""Inspects the wheels and the sdist that wheels.sh made, and fails on any flaw.

For each wheel:
- its file name's tags, the Tag lines of its WHEEL file and the platform's tags (assemble_wheel.py) agree;
- RECORD lists every file with the right SHA-256 and size;
- it holds the package, the generated UniFFI module and exactly one library, under andopen/_native/, with
  the platform's file name, byte for byte the library scripts/natives.sh built, and that library passes
  scripts/natives/check.py's inspection again (format, CPU, UniFFI exports, glibc versions, no path);
- on Linux, `auditwheel show` finds it consistent with a policy no newer than its tag;
- on macOS, its tag's version is no older than the one the library declares (LC_BUILD_VERSION or
  LC_VERSION_MIN_MACOSX);
- no path of this machine in any file.
For the sdist: PKG-INFO, pyproject.toml with maturin's `bindings = "uniffi"`, the Rust workspace (the ffi
and core crates, Cargo.lock, and UniFFI's generator as a workspace member, which maturin runs), the Python
sources, and no path of this machine.

    python3 check_wheels.py --natives DIR --host-lib LIB --llvm-bin DIR [--auditwheel BIN] [--forbid PATH]... WHEELS_DIR
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[2] / "scripts" / "natives"))

import check  # noqa: E402  (scripts/natives/check.py)
from assemble_wheel import PLATFORMS  # noqa: E402

TAG_TO_PLATFORM = {tags[0]: platform for platform, wheel in PLATFORMS.items() for tags in [wheel.tags]}


class Flaw(Exception):
    """One rule a wheel or the sdist breaks."""


def verify_record(archive: zipfile.ZipFile, dist_info: str) -> None:
    lines = archive.read(f"{dist_info}/RECORD").decode().splitlines()
    listed = {}
    for line in lines:
        name, digest, size = line.rsplit(",", 2)
        listed[name] = (digest, size)
    names = {info.filename for info in archive.infolist() if not info.is_dir()}
    if names != set(listed):
        raise Flaw(f"RECORD lists {sorted(set(listed) ^ names)[:5]} differently from the archive")
    for name, (digest, size) in listed.items():
        if name == f"{dist_info}/RECORD":
            if digest or size:
                raise Flaw("RECORD carries a hash of itself")
            continue
        data = archive.read(name)
        expected = "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        if digest != expected or size != str(len(data)):
            raise Flaw(f"RECORD: {name} has another hash or size")


def policy_version(tag: str) -> tuple[int, int]:
    match = re.match(r"(?:many|musl)linux_(\d+)_(\d+)_", tag)
    if not match:
        raise Flaw(f"not a manylinux or musllinux tag: {tag}")
    return int(match.group(1)), int(match.group(2))


def inspect_wheel(path: Path, args: argparse.Namespace, host_symbols: set[str], forbidden: list[str]) -> list[str]:
    match = re.fullmatch(r"(?P<name>[^-]+)-(?P<version>[^-]+)-py3-none-(?P<tags>[^-]+)\.whl", path.name)
    if not match:
        raise Flaw("the file name is not name-version-py3-none-platform.whl")
    tags = tuple(match["tags"].split("."))
    platform = TAG_TO_PLATFORM.get(tags[0])
    if platform is None or PLATFORMS[platform].tags != tags:
        raise Flaw(f"unknown platform tags {tags}")
    expected = PLATFORMS[platform]
    dist_info = f"{match['name']}-{match['version']}.dist-info"
    facts = [f"tags py3-none-{'.'.join(tags)}"]

    with zipfile.ZipFile(path) as archive:
        wheel = archive.read(f"{dist_info}/WHEEL").decode()
        if tuple(re.findall(r"^Tag: py3-none-(\S+)$", wheel, re.M)) != tags:
            raise Flaw(f"WHEEL's tags differ from the file name's: {wheel!r}")
        if "Root-Is-Purelib: false" not in wheel:
            raise Flaw("WHEEL does not say Root-Is-Purelib: false")
        verify_record(archive, dist_info)
        names = archive.namelist()
        natives = [n for n in names if n.endswith((".so", ".dll", ".dylib"))]
        if natives != [f"andopen/_native/{expected.library}"]:
            raise Flaw(f"native libraries {natives}, expected andopen/_native/{expected.library}")
        for needed in ("andopen/__init__.py", "andopen/py.typed", "andopen/_native/__init__.py",
                       "andopen/_native/andopen_ffi.py", f"{dist_info}/METADATA"):
            if needed not in names:
                raise Flaw(f"{needed} is missing")
        for name in names:
            data = archive.read(name)
            for prefix in forbidden:
                if prefix.encode() in data:
                    raise Flaw(f"{name} holds a path of this machine")
        library = archive.read(natives[0])
    facts.append("RECORD verified")

    if library != (args.natives / platform / expected.library).read_bytes():
        raise Flaw(f"its library is not the one scripts/natives.sh built for {platform}")
    with tempfile.TemporaryDirectory() as tmp:
        extracted = Path(tmp) / expected.library
        extracted.write_bytes(library)
        facts += check.inspect(platform, extracted, host_symbols, args.llvm_bin, forbidden)[:2]

    if platform.startswith("macos-"):
        minimum = check.macos_minimum(library)
        declared = tuple(int(p) for p in re.match(r"macosx_(\d+)_(\d+)_", tags[0]).groups())  # type: ignore[union-attr]
        if declared < minimum:
            raise Flaw(f"tagged for macOS {declared}, the library needs {minimum}")
        facts.append(f"library needs macOS {minimum[0]}.{minimum[1]}, tagged {declared[0]}.{declared[1]}")

    if platform.startswith(("linux-", "musl-")) and args.auditwheel:
        result = subprocess.run([args.auditwheel, "show", str(path)], capture_output=True, text=True, timeout=300)
        text = " ".join(result.stdout.split())
        found = re.search(r'consistent with the following platform tag: "([^"]+)"', text)
        if result.returncode != 0 or not found:
            raise Flaw(f"auditwheel show: {text or result.stderr.strip()}")
        if found.group(1).split("_")[0] != tags[0].split("_")[0] or policy_version(found.group(1)) > policy_version(tags[0]):
            raise Flaw(f"auditwheel says {found.group(1)}, the wheel claims {tags[0]}")
        facts.append(f"auditwheel: consistent with {found.group(1)}")
    return facts


def inspect_sdist(path: Path, forbidden: list[str]) -> list[str]:
    with tarfile.open(path) as archive:
        members = {m.name.split("/", 1)[1]: m for m in archive.getmembers() if "/" in m.name and m.isfile()}
        for needed in ("PKG-INFO", "pyproject.toml", "Cargo.lock", "ffi/Cargo.toml", "ffi/src/lib.rs",
                       "core/src/lib.rs", "ffi/bindgen/main.rs"):
            if needed not in members:
                raise Flaw(f"{needed} is missing")
        if any("/target/" in f"/{name}" for name in members):
            raise Flaw("it holds build output (target/)")
        text = archive.extractfile(members["pyproject.toml"]).read().decode()  # type: ignore[union-attr]
        if not re.search(r'^bindings = "uniffi"$', text, re.M):
            raise Flaw('pyproject.toml lost maturin\'s bindings = "uniffi"')
        workspace = archive.extractfile(members["Cargo.toml"]).read().decode()  # type: ignore[union-attr]
        if '"ffi/bindgen"' not in workspace:
            raise Flaw("the workspace lost UniFFI's generator (ffi/bindgen): pip install would need one on the PATH")
        for name, member in members.items():
            data = archive.extractfile(member).read()  # type: ignore[union-attr]
            for prefix in forbidden:
                if prefix.encode() in data:
                    raise Flaw(f"{name} holds a path of this machine")
    return [f"{len(members)} files: PKG-INFO, maturin's uniffi build, the ffi and core crates, Cargo.lock, the generator",
            "no path of this machine"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--natives", type=Path, required=True)
    parser.add_argument("--host-lib", type=Path, required=True)
    parser.add_argument("--llvm-bin", type=Path, required=True)
    parser.add_argument("--auditwheel")
    parser.add_argument("--forbid", action="append", default=[])
    parser.add_argument("wheels", type=Path)
    args = parser.parse_args()
    forbidden = sorted({p.rstrip("/") for p in args.forbid if len(p.rstrip("/")) > 1})
    host_symbols = check.exported(args.host_lib, check.header(args.host_lib.read_bytes())[0], args.llvm_bin)

    failures = 0
    wheels = sorted(args.wheels.glob("*.whl"))
    sdists = sorted(args.wheels.glob("*.tar.gz"))
    if not wheels:
        print(f"no wheel in {args.wheels}", file=sys.stderr)
        return 1
    for path in [*wheels, *sdists]:
        try:
            facts = inspect_sdist(path, forbidden) if path.suffix == ".gz" else inspect_wheel(path, args, host_symbols, forbidden)
        except (Flaw, check.Flaw, KeyError, OSError, subprocess.SubprocessError) as error:
            print(f"{path.name}: FAILED: {error}")
            failures += 1
            continue
        print(f"{path.name}: {'; '.join(facts)}")
    if failures:
        print(f"wheels: {failures} failed", file=sys.stderr)
        return 1
    print(f"wheels: {len(wheels)} wheels and {len(sdists)} sdist inspected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
