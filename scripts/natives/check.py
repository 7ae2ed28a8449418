"""Inspects the cross-built native libraries of target/natives/ (scripts/natives.sh) and fails on any flaw.

For each platform's library:
- the file format and CPU read from its own header (ELF, PE or Mach-O; x86-64 or aarch64), and that it is
  a shared library (ELF shared object, PE DLL, Mach-O dylib);
- its exported UniFFI symbols (the scaffolding functions the bindings call and the metadata), as llvm-nm
  or llvm-readobj list them, equal to the host build's; any other export must be the host build's too,
  except on macOS, where zig's linker also exports Rust's own symbols (mangled, `_`-prefixed, and
  rust_eh_personality): harmless, a longer symbol table;
- for the glibc libraries, every GLIBC_ symbol version it needs at most 2.17 (manylinux2014); for the musl
  one, musl's libc and no glibc version at all; for macOS, the minimum version it declares, and for arm64 a
  code signature (Apple silicon loads no unsigned code);
- no path of this machine anywhere in the file (the workspace, cargo's registry, the home folder).
Then runs scripts/natives/probe.c against the linux-x86_64 library natively and the linux-aarch64 one under
qemu-user (compiled with zig for glibc 2.17), and the musl-x86_64 one natively with Debian's musl (compiled
with musl-gcc): it loads the library and calls the UniFFI functions; every run must print what the host
build prints.

    python3 scripts/natives/check.py --host-lib LIB --llvm-bin DIR --zig ZIG [--forbid PATH]... OUT PLATFORM...
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

GLIBC_MAX = (2, 17)
PROBE = Path(__file__).with_name("probe.c")


@dataclass(frozen=True)
class Expected:
    library: str
    format: str
    machine: str


EXPECTED = {
    "linux-x86_64": Expected("libandopen_ffi.so", "ELF", "x86-64"),
    "linux-aarch64": Expected("libandopen_ffi.so", "ELF", "aarch64"),
    "musl-x86_64": Expected("libandopen_ffi.so", "ELF", "x86-64"),
    "windows-x86_64": Expected("andopen_ffi.dll", "PE", "x86-64"),
    "macos-x86_64": Expected("libandopen_ffi.dylib", "Mach-O", "x86-64"),
    "macos-arm64": Expected("libandopen_ffi.dylib", "Mach-O", "aarch64"),
    # Built by bindings/kotlin/scripts/aar.sh with the Android NDK.
    "android-arm64-v8a": Expected("libandopen_ffi.so", "ELF", "aarch64"),
    "android-armeabi-v7a": Expected("libandopen_ffi.so", "ELF", "arm"),
    "android-x86_64": Expected("libandopen_ffi.so", "ELF", "x86-64"),
}

ELF_MACHINES = {40: "arm", 62: "x86-64", 183: "aarch64"}
PE_MACHINES = {0x8664: "x86-64", 0xAA64: "aarch64"}
MACHO_MACHINES = {0x01000007: "x86-64", 0x0100000C: "aarch64"}


UNIFFI_PREFIXES = ("uniffi_andopen_ffi_", "ffi_andopen_ffi_", "UNIFFI_META_")
METADATA = "UNIFFI_META_"


def is_uniffi(symbol: str) -> bool:
    return symbol.startswith(UNIFFI_PREFIXES)


class Flaw(Exception):
    """One rule a library breaks."""


def header(data: bytes) -> tuple[str, str]:
    """The format and CPU a library's header declares; a Flaw when it is not a little-endian shared library
    (64-bit, or 32-bit for Android's armeabi-v7a)."""
    if data[:4] == b"\x7fELF":
        if data[4] not in (1, 2) or data[5] != 1:
            raise Flaw("ELF: not a little-endian 32- or 64-bit object")
        e_type, e_machine = struct.unpack_from("<HH", data, 16)
        if e_type != 3:
            raise Flaw(f"ELF: type {e_type}, not a shared object (3)")
        machine = ELF_MACHINES.get(e_machine, f"machine {e_machine}")
        if (data[4] == 1) != (machine == "arm"):
            raise Flaw(f"ELF: {32 if data[4] == 1 else 64}-bit {machine}")
        return "ELF", machine
    if data[:2] == b"MZ":
        (pe_offset,) = struct.unpack_from("<I", data, 0x3C)
        if data[pe_offset : pe_offset + 4] != b"PE\0\0":
            raise Flaw("PE: no PE signature")
        machine, _, _, _, _, _, characteristics = struct.unpack_from("<HHIIIHH", data, pe_offset + 4)
        if not characteristics & 0x2000:
            raise Flaw("PE: not a DLL")
        return "PE", PE_MACHINES.get(machine, f"machine {machine:#x}")
    if data[:4] == b"\xcf\xfa\xed\xfe":
        _, cputype, _, filetype = struct.unpack_from("<IiII", data, 0)
        if filetype != 6:
            raise Flaw(f"Mach-O: file type {filetype}, not a dylib (6)")
        return "Mach-O", MACHO_MACHINES.get(cputype & 0xFFFFFFFF, f"cpu {cputype:#x}")
    raise Flaw(f"unknown file format (starts with {data[:4]!r})")


LC_CODE_SIGNATURE = 0x1D
LC_VERSION_MIN_MACOSX = 0x24
LC_BUILD_VERSION = 0x32


def macho_commands(data: bytes) -> list[tuple[int, int]]:
    """The load commands of a 64-bit Mach-O file: (command, offset of the command)."""
    (ncmds,) = struct.unpack_from("<I", data, 16)
    commands, offset = [], 32
    for _ in range(ncmds):
        cmd, size = struct.unpack_from("<II", data, offset)
        commands.append((cmd, offset))
        offset += size
    return commands


def macos_minimum(data: bytes) -> tuple[int, int]:
    """The oldest macOS a Mach-O library declares it runs on (LC_BUILD_VERSION or LC_VERSION_MIN_MACOSX)."""
    for cmd, offset in macho_commands(data):
        if cmd in (LC_BUILD_VERSION, LC_VERSION_MIN_MACOSX):
            (version,) = struct.unpack_from("<I", data, offset + (12 if cmd == LC_BUILD_VERSION else 8))
            return version >> 16, (version >> 8) & 0xFF
    raise Flaw("the library declares no minimum macOS version")


def run(args: list[str], **kwargs: object) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs).stdout  # type: ignore[call-overload]


def exported(path: Path, fmt: str, llvm_bin: Path) -> set[str]:
    """The names a library exports (Mach-O's leading underscore removed)."""
    if fmt == "PE":
        text = run([str(llvm_bin / "llvm-readobj"), "--coff-exports", str(path)])
        return set(re.findall(r"^\s*Name: (\S+)$", text, re.M))
    args = [str(llvm_bin / "llvm-nm"), "--defined-only", "--extern-only", "--format=just-symbols"]
    if fmt == "ELF":
        args.append("--dynamic")
    names = run([*args, str(path)]).split()
    if fmt == "Mach-O":
        names = [n[1:] for n in names if n.startswith("_")]
    return set(names)


def needed(path: Path, llvm_bin: Path) -> list[str]:
    text = run([str(llvm_bin / "llvm-readobj"), "--needed-libs", str(path)])
    return re.findall(r"^\s+(\S+\.so\S*)$", text, re.M)


def glibc_versions(data: bytes) -> list[tuple[int, ...]]:
    found = {tuple(int(p) for p in m.group(1).split(b".")) for m in re.finditer(rb"GLIBC_(\d+(?:\.\d+)+)", data)}
    return sorted(found)


def inspect(platform: str, path: Path, host_symbols: set[str], llvm_bin: Path, forbidden: list[str]) -> list[str]:
    """The facts checked about one library, as lines to print; a Flaw at the first broken rule."""
    expected = EXPECTED[platform]
    data = path.read_bytes()
    fmt, machine = header(data)
    if (fmt, machine) != (expected.format, expected.machine):
        raise Flaw(f"{fmt} {machine}, expected {expected.format} {expected.machine}")
    facts = [f"{fmt} {machine} shared library, {len(data):,} bytes"]

    symbols = exported(path, fmt, llvm_bin)
    ours, host_ours = {s for s in symbols if is_uniffi(s)}, {s for s in host_symbols if is_uniffi(s)}
    if ours != host_ours:
        raise Flaw(f"exported UniFFI symbols differ from the host build's: missing {sorted(host_ours - ours)[:5]} "
                   f"({len(host_ours - ours)}), extra {sorted(ours - host_ours)[:5]} ({len(ours - host_ours)})")
    others = symbols - ours - host_symbols
    if others and (fmt != "Mach-O" or not all(s.startswith("_") or s == "rust_eh_personality" for s in others)):
        raise Flaw(f"{len(others)} exports the host build does not have, such as {sorted(others)[:5]}")
    functions = sum(1 for s in ours if not s.startswith(METADATA))
    facts.append(f"the host build's {functions} UniFFI functions and {len(ours) - functions} metadata symbols exported"
                 + (f" (and {len(others)} Rust and runtime symbols)" if others else ", nothing else"))

    if platform.startswith("linux-"):
        versions = glibc_versions(data)
        if not versions:
            raise Flaw("no GLIBC_ symbol version: not linked against glibc")
        if versions[-1] > GLIBC_MAX:
            raise Flaw(f"needs GLIBC_{'.'.join(map(str, versions[-1]))}, above 2.17")
        facts.append(f"highest glibc symbol version GLIBC_{'.'.join(map(str, versions[-1]))} (at most 2.17)")
    if platform.startswith("musl-"):
        libs = needed(path, llvm_bin)
        if "libc.musl-x86_64.so.1" not in libs or glibc_versions(data):
            raise Flaw(f"not a musl library: needs {libs}, glibc versions {glibc_versions(data)}")
        facts.append(f"needs {', '.join(libs)} (musl) and no glibc version")

    if fmt == "Mach-O":
        minimum = macos_minimum(data)
        facts.append(f"for macOS {minimum[0]}.{minimum[1]}+")
        # Apple silicon runs no code without a signature: the linker must have signed it (ad hoc).
        if machine == "aarch64":
            if not any(cmd == LC_CODE_SIGNATURE for cmd, _ in macho_commands(data)):
                raise Flaw("an arm64 dylib without a code signature (LC_CODE_SIGNATURE): macOS would refuse it")
            facts.append("signed ad hoc")

    for prefix in forbidden:
        if prefix.encode() in data:
            raise Flaw(f"holds a path of this machine ({len(prefix)}-character prefix)")
    facts.append("no path of this machine")
    return facts


def probe_output(probe: Path, library: Path, runner: list[str]) -> str:
    return run([*runner, str(probe), str(library)], timeout=120)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host-lib", type=Path, required=True)
    parser.add_argument("--llvm-bin", type=Path, required=True)
    parser.add_argument("--zig", required=True)
    parser.add_argument("--forbid", action="append", default=[])
    parser.add_argument("out", type=Path)
    parser.add_argument("platforms", nargs="+")
    args = parser.parse_args()
    forbidden = sorted({p.rstrip("/") for p in args.forbid if len(p.rstrip("/")) > 1})

    host_data = args.host_lib.read_bytes()
    host_symbols = exported(args.host_lib, header(host_data)[0], args.llvm_bin)
    if not any(s.startswith("uniffi_") for s in host_symbols):
        print(f"the host library exports no UniFFI symbol ({len(host_symbols)} symbols)", file=sys.stderr)
        return 1

    failures = 0
    for platform in args.platforms:
        path = args.out / platform / EXPECTED[platform].library
        try:
            facts = inspect(platform, path, host_symbols, args.llvm_bin, forbidden)
        except (Flaw, OSError, subprocess.CalledProcessError) as error:
            print(f"{platform}: FAILED: {error}")
            failures += 1
            continue
        print(f"{platform}: {'; '.join(facts)}")

    linux = [p for p in args.platforms if p in ("linux-x86_64", "linux-aarch64", "musl-x86_64")]
    if linux:
        failures += run_probes(args, linux)
    if failures:
        print(f"natives: {failures} failed", file=sys.stderr)
        return 1
    print(f"natives: {len(args.platforms)} libraries inspected, {len(linux)} run")
    return 0


def run_probes(args: argparse.Namespace, platforms: list[str]) -> int:
    """Runs probe.c against the host build and each Linux library; 1 per run that differs or fails."""
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        def compile_probe(zig_target: str) -> Path:
            out = Path(tmp) / f"probe-{zig_target}"
            run([args.zig, "cc", "-target", zig_target, "-O1", "-o", str(out), str(PROBE), "-ldl"])
            return out

        host_probe = compile_probe("x86_64-linux-gnu.2.17")
        expected = probe_output(host_probe, args.host_lib, [])
        # The valid body (the third) has no problem, each of the three others at least one.
        counts = dict(re.findall(r"^body (\d): (\d+) problems$", expected, re.M))
        if counts.get("2") != "0" or not all(int(counts.get(i, "0")) > 0 for i in "013"):
            print(f"probe: the host build printed something unexpected:\n{expected}")
            return 1
        for platform in platforms:
            library = args.out / platform / EXPECTED[platform].library
            if platform == "linux-x86_64":
                probe, runner, how = host_probe, [], "natively"
            elif platform == "musl-x86_64":
                musl_gcc = shutil.which("musl-gcc")
                if musl_gcc is None:
                    print(f"{platform}: FAILED: musl-gcc (Debian's musl-tools) is missing")
                    failures += 1
                    continue
                probe = Path(tmp) / "probe-musl"
                run([musl_gcc, "-O1", "-o", str(probe), str(PROBE)])
                runner, how = [], "natively with musl"
            else:
                qemu = shutil.which("qemu-aarch64") or shutil.which("qemu-aarch64-static")
                sysroot = "/usr/aarch64-linux-gnu"
                if qemu is None or not os.path.isdir(sysroot):
                    print(f"{platform}: FAILED: qemu-aarch64 or the aarch64 C library is missing")
                    failures += 1
                    continue
                probe, runner, how = compile_probe("aarch64-linux-gnu.2.17"), [qemu, "-L", sysroot], "under qemu-aarch64"
            try:
                got = probe_output(probe, library, runner)
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
                print(f"{platform}: FAILED to run {how}: {error}")
                failures += 1
                continue
            if got != expected:
                print(f"{platform}: FAILED: run {how}, it printed\n{got}\ninstead of\n{expected}")
                failures += 1
                continue
            calls = len(expected.splitlines())
            print(f"{platform}: loaded and called {how}: {calls} answers, each equal to the host build's")
    return failures


if __name__ == "__main__":
    sys.exit(main())
