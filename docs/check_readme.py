#!/usr/bin/env python3
"""Checks that a README shows what the code prints and what the code is (label `docs`).

Every fenced block in a README is one of three things, and the line before it says which
(an HTML comment, invisible on GitHub and in the docs):

  <!-- output: COMMAND -->       the block is what COMMAND prints (stdout and stderr).
                                 COMMAND runs with bash from the repository root; a path
                                 that starts with `build/` or `./build/` means the build
                                 directory given with --build.
  <!-- code: FILE REGION -->     the block is the lines of FILE (from the repository root)
                                 between the two lines that hold the marker `[REGION]`
                                 (e.g. `// [REGION]`, the form Doxygen's \\snippet reads),
                                 with their common indentation removed.
  <!-- not output: REASON -->    neither, and why: a diagram, an excerpt of a longer log,
                                 output that takes an hour to make, ...

Formulas are written the way both GitHub and the docs render (docs/make_pages.py turns
them into Doxygen's): $`x^2`$ inline, a ```math block for display. Doxygen's own \\f$ and
\\f[ show raw on GitHub, so they fail the check.

The prose is checked for history-speak too ("the issue's target", "at commit b864c20",
"half an hour earlier"): a book speaks of its subject, not of how it was written.

A block with a language other than `text` (```sh, ```cpp, ...) needs no comment unless it
is `code:`; a bare ``` block always needs one, so no output can be pasted unnoticed.

The comparison of an output block with what the command prints goes through ONE
normalisation, applied to both sides (docs/README.md, "Outputs are tested"):
  1. the repository root and the build directory, written as absolute paths, become `.`
     and `build`;
  2. a number followed by a rate unit (`GFLOP/s`, `images/s`, `img/s`, `/s`) becomes
     `<rate>`; a number followed by a time unit (`ns`, `us`, `µs`, `ms`, `s`, `min`), or
     a clock's minutes and seconds (`1:41`), becomes `<time>`;
  3. the op profiler's table (the header `name  average (s)  count  total (s)`): its two
     time columns become `<time>`, and its rows, ordered by time, are compared as a set;
  4. in a line where 2. or 3. masked something, runs of spaces become one space (a time's
     width varies); trailing spaces go everywhere.
Nothing else differs: counts, losses, accuracies and gradients must match to the digit.

  check_readme.py --source ROOT --build BUILD README.md...           check, print diffs
  check_readme.py --source ROOT --build BUILD --update README.md...  rewrite stale blocks

Only the Python standard library is used.
"""

import argparse
import difflib
import os
import re
import subprocess
import sys

FENCE = re.compile(r"^(\s{0,3})(```+|~~~+)\s*([\w+-]*)")
MARKER = re.compile(r"^\s*<!--\s*(output|code|not output):\s*(.*?)\s*-->\s*$")
RATE = re.compile(r"\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?\s?(?:GFLOP/s|images/s|img/s|/s)")
TIME = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?:e[-+]?\d+)?\s?(?:ns|us|µs|ms|s|min)\b"
                  r"|(?<![\w.:])\d+:\d\d(?::\d\d)?(?![\w:])")  # or a clock, 1:41
# How a text was written, not what it is about: "the target", "at commit b864c20".
HISTORY = re.compile(r"\b(?:the issue\b|issue's|at commit|commits? (?:older|ago)|"
                     r"half an hour (?:earlier|later|ago)|earlier (?:the same|that) (?:day|afternoon))",
                     re.IGNORECASE)
PROFILE_HEADER = re.compile(r"^name\s+average \(s\)\s+count\s+total \(s\)\s*$")
PROFILE_ROW = re.compile(r"^(\S+)\s+\d+\.\d+\s+(\d+)\s+\d+\.\d+\s*$")


class Block:
    """One fenced block: where it is, its marker (kind, argument) and its lines."""

    def __init__(self, path, marker_line, kind, arg, first, last, indent):
        self.path, self.marker_line = path, marker_line
        self.kind, self.arg = kind, arg
        self.first, self.last = first, last  # line indices of the content, [first, last)
        self.indent = indent


def parse(path, lines):
    """The blocks of a README, and the errors of unmarked or badly marked ones."""
    blocks, errors = [], []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, language = m.group(1), m.group(2), m.group(3)
        end = i + 1
        while end < len(lines):
            close = FENCE.match(lines[end])
            if close and close.group(2)[0] == fence[0] and len(close.group(2)) >= len(fence) \
                    and not close.group(3):
                break
            end += 1
        prev = i - 1
        while prev >= 0 and not lines[prev].strip():
            prev -= 1
        marker = MARKER.match(lines[prev]) if prev >= 0 else None
        if marker:
            blocks.append(Block(path, prev + 1, marker.group(1), marker.group(2), i + 1, end,
                                indent))
        elif language in ("", "text"):
            errors.append(f"{path}:{i + 1}: a ``` block with no `<!-- output: COMMAND -->` "
                          "or `<!-- not output: REASON -->` on the line before it")
        i = end + 1
    fence = None
    for n, line in enumerate(lines):  # Doxygen's formula commands, outside fenced blocks
        m = FENCE.match(line)
        if m and (fence is None or m.group(2)[0] == fence[0]):
            fence = None if fence else m.group(2)
        elif fence is None and HISTORY.search(line):
            errors.append(f"{path}:{n + 1}: '{HISTORY.search(line).group(0)}': a book speaks of "
                          "its subject, not of issues, commits or when it was written")
        elif fence is None and re.search(r"\\f[$\[\]]", re.sub(r"(`+).+?\1", "", line)):
            errors.append(f"{path}:{n + 1}: a Doxygen formula (\\f$, \\f[) shows raw on GitHub: "
                          "write $`x`$ inline, or a ```math block")
    return blocks, errors


def normalise(text, source, build):
    """The one normalisation of the module docstring, applied to both sides."""
    text = text.replace(os.path.abspath(build), "build").replace(os.path.abspath(source), ".")
    out, table = [], None
    for line in text.splitlines():
        masked = RATE.sub("<rate>", line)
        if table is not None:
            row = PROFILE_ROW.match(line)
            if row:
                table.append(f"{row.group(1)} <time> {row.group(2)} <time>")
                continue
            if re.fullmatch(r"-+\s*", line):  # the rule under the header
                out.append(line.rstrip())
                continue
            out.extend(sorted(table))
            table = None
        if PROFILE_HEADER.match(line):
            table = []
        masked = TIME.sub("<time>", masked)
        if masked != line or table is not None:  # a masked number's width may vary
            masked = re.sub(r"\s+", " ", masked)
        out.append(masked.rstrip())
    if table is not None:
        out.extend(sorted(table))
    while out and not out[-1]:
        out.pop()
    return out


def run(command, source, build, timeout):
    """What COMMAND prints, run from the repository root with build/ meaning --build."""
    build = os.path.abspath(build)
    command = re.sub(r"(?<![\w./-])(?:\./)?build/", build + "/", command)
    env = dict(os.environ, LC_ALL="C", COLUMNS="80")
    env.pop("BYO_NO_COLOR", None)
    done = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=source, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
    return done.stdout.decode("utf-8", "replace")


def region(source, arg):
    """The lines of FILE between its two `[REGION]` markers, dedented, or an error."""
    parts = arg.split()
    if len(parts) != 2:
        return None, f"`code:` wants FILE REGION, got '{arg}'"
    path, name = parts
    try:
        with open(os.path.join(source, path), encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        return None, f"cannot read {path}: {e.strerror}"
    marks = [i for i, line in enumerate(lines) if f"[{name}]" in line]
    if len(marks) != 2:
        return None, f"{path} must have exactly two lines marked [{name}], has {len(marks)}"
    body = lines[marks[0] + 1:marks[1]]
    width = min((len(x) - len(x.lstrip()) for x in body if x.strip()), default=0)
    return [x[width:].rstrip() for x in body], None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", required=True, help="the repository root")
    parser.add_argument("--build", required=True, help="the build directory")
    parser.add_argument("--update", action="store_true",
                        help="rewrite the blocks that differ, instead of failing")
    parser.add_argument("--timeout", type=int, default=900, help="seconds per command")
    parser.add_argument("readmes", nargs="+", help="READMEs, relative to --source")
    args = parser.parse_args()

    failures = 0
    for readme in args.readmes:
        path = os.path.join(args.source, readme)
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
        blocks, errors = parse(readme, lines)
        for e in errors:
            print(e)
        failures += len(errors)
        checked = 0
        updates = []  # (block, new lines), applied bottom-up once every command has run
        for block in blocks:  # top-down: a command may use what an earlier one wrote
            shown = [x[len(block.indent):] if x.startswith(block.indent) else x
                     for x in lines[block.first:block.last]]
            where = f"{readme}:{block.marker_line}"
            if block.kind == "not output":
                if not block.arg:
                    print(f"{where}: `not output:` needs a reason")
                    failures += 1
                continue
            checked += 1
            if block.kind == "code":
                want, problem = region(args.source, block.arg)
                if problem:
                    print(f"{where}: {problem}")
                    failures += 1
                    continue
                got_cmp, shown_cmp, label = want, [x.rstrip() for x in shown], block.arg
                new = want
            else:
                try:
                    output = run(block.arg, args.source, args.build, args.timeout)
                except subprocess.TimeoutExpired:
                    print(f"{where}: `{block.arg}` ran longer than {args.timeout} s")
                    failures += 1
                    continue
                paths = output.replace(os.path.abspath(args.build), "build")
                paths = paths.replace(os.path.abspath(args.source), ".")
                new = [x.rstrip() for x in paths.rstrip("\n").splitlines()]
                got_cmp = normalise(output, args.source, args.build)
                shown_cmp = normalise("\n".join(shown), args.source, args.build)
                label = f"$ {block.arg}"
            if got_cmp == shown_cmp:
                continue
            if args.update:
                updates.append((block, [block.indent + x if x else x for x in new]))
                print(f"{where}: updated from `{block.arg}`")
                continue
            failures += 1
            what = (f"what `{block.arg}` prints (normalised; " if block.kind == "output" else
                     f"the marked region of {block.arg.replace(' ', ', region ')} (")
            print(f"{where}: the block differs from {what}'-' the README, '+' the truth):")
            sys.stdout.writelines(difflib.unified_diff(
                [x + "\n" for x in shown_cmp], [x + "\n" for x in got_cmp],
                fromfile=f"{readme} (line {block.first + 1})", tofile=label, n=2))
        for block, new in reversed(updates):  # bottom-up keeps the line numbers valid
            lines[block.first:block.last] = new
        if args.update:
            with open(path, "w", encoding="utf-8") as f:
                f.write("\n".join(lines) + "\n")
        print(f"{readme}: {checked} block(s) checked")
    if failures and not args.update:
        print(f"\n{failures} problem(s). To take the program's output as the new text: "
              f"{os.path.relpath(__file__, args.source)} --source . --build build --update "
              + " ".join(args.readmes))
    return 1 if failures and not args.update else 0


if __name__ == "__main__":
    sys.exit(main())
