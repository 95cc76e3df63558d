#!/usr/bin/env python3
"""Checks the build and test commands the book tells a reader to type (test docs_commands).

A README's ```sh blocks and the comments of the exercise stubs name CMake targets
(`cmake --build build --target ch06_grade`) and CTest labels (`ctest --test-dir build -L
ch06`). A renamed target or a label with no tests turns such a command into an error, or
worse into a command that "passes" having run nothing (`ctest -L` with an unknown label
exits 0). This script finds every such command and checks that each target exists in the
build directory and that each label selects at least one test.

  check_commands.py --source ROOT --build BUILD

Only the Python standard library is used.
"""

import argparse
import glob
import os
import re
import subprocess
import sys

FENCE = re.compile(r"^\s{0,3}(```+|~~~+)\s*([\w+-]*)")
TARGETS = re.compile(r"cmake\s+--build\s+\S+(?:\s+-j\s*\d*)?(?:\s+-j\d+)?\s+--target\s+"
                     r"((?:[A-Za-z_][\w.+-]*(?=\s|$)\s*)+)")
LABEL = re.compile(r"ctest\b[^#\n&|;]*?\s-L\s+([A-Za-z0-9_]+)")


def commands(source):
    """(where, line) for every command line of the READMEs' sh blocks and of the stubs."""
    readmes = ["README.md", "docs/README.md"]
    readmes += sorted(glob.glob("chapters/*/README.md", root_dir=source))
    readmes += sorted(glob.glob("chapters/*/going_further.md", root_dir=source))
    for readme in readmes:
        fence, language = None, ""
        with open(os.path.join(source, readme), encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                m = FENCE.match(line)
                if m and fence is None:
                    fence, language = m.group(1), m.group(2)
                elif m and line.strip() == fence:
                    fence = None
                elif fence is not None and language in ("sh", "bash", "console"):
                    yield f"{readme}:{n}", line
    stubs = glob.glob("chapters/*/exercises/*.h", root_dir=source)
    stubs += glob.glob("chapters/*/exercises/*.cpp", root_dir=source)
    for stub in sorted(stubs):
        with open(os.path.join(source, stub), encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if line.lstrip().startswith("//"):
                    yield f"{stub}:{n}", line


def known_targets(build):
    """The targets of the build directory, as its generator lists them."""
    if os.path.isfile(os.path.join(build, "build.ninja")):
        out = subprocess.run(["ninja", "-C", build, "-t", "targets", "all"], text=True,
                             stdout=subprocess.PIPE, check=True).stdout
        return {line.split(":")[0].strip() for line in out.splitlines()}
    out = subprocess.run(["cmake", "--build", build, "--target", "help"], text=True,
                         stdout=subprocess.PIPE, check=True).stdout
    return {line[4:].split()[0] for line in out.splitlines() if line.startswith("... ")}


def tests_with_label(build, label):
    out = subprocess.run(["ctest", "--test-dir", build, "-N", "-L", f"^{label}$"], text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT).stdout
    m = re.search(r"Total Tests: (\d+)", out)
    return int(m.group(1)) if m else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", required=True)
    parser.add_argument("--build", required=True)
    args = parser.parse_args()
    targets = known_targets(args.build)
    labels = {}
    problems = checked = 0
    for where, line in commands(args.source):
        for m in TARGETS.finditer(line):
            for target in m.group(1).split():
                checked += 1
                if target not in targets:
                    print(f"{where}: `cmake --build ... --target {target}`: no such target")
                    problems += 1
        for m in LABEL.finditer(line):
            label = m.group(1)
            checked += 1
            if label not in labels:
                labels[label] = tests_with_label(args.build, label)
            if labels[label] == 0:
                print(f"{where}: `ctest -L {label}` selects no test, so it passes having run "
                      "nothing")
                problems += 1
    print(f"check_commands: {checked} target(s) and label(s) named in the READMEs and stubs, "
          f"{problems} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
