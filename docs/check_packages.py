#!/usr/bin/env python3
"""Checks that the top README's `apt-get install` line lists exactly .ci/packages.txt.

.ci/run installs the packages of .ci/packages.txt; a reader copies the README's line. The
two must be the same list, or a new reader's build fails where CI's passes (test
docs_packages, label docs). Usage: check_packages.py --source ROOT
"""

import argparse
import re
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", required=True, help="the repository root")
    args = parser.parse_args()
    with open(f"{args.source}/.ci/packages.txt", encoding="utf-8") as f:
        listed = [re.sub(r"#.*", "", line).strip() for line in f]
    listed = [p for p in listed if p]
    with open(f"{args.source}/README.md", encoding="utf-8") as f:
        text = f.read().replace("\\\n", " ")  # join the continued lines
    lines = [x for x in text.splitlines() if re.search(r"\bapt-get install\b", x)]
    if len(lines) != 1:
        print(f"README.md: expected one `apt-get install` line, found {len(lines)}")
        return 1
    readme = lines[0].split("apt-get install", 1)[1].split()
    readme = [p for p in readme if not p.startswith("-")]
    missing = [p for p in listed if p not in readme]
    extra = [p for p in readme if p not in listed]
    if missing or extra:
        print("README.md's apt-get line and .ci/packages.txt differ:")
        if missing:
            print("  in .ci/packages.txt, not in the README: " + " ".join(missing))
        if extra:
            print("  in the README, not in .ci/packages.txt: " + " ".join(extra))
        return 1
    print(f"README.md's apt-get line lists the {len(listed)} packages of .ci/packages.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
