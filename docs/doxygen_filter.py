#!/usr/bin/env python3
"""Doxygen's INPUT_FILTER for byotorch: prints the file named by argv[1], adjusted.

In a header, a member group opened with `/// @{` right above a member's `/// @brief`

    /// @name Factories
    /// @{
    /// @brief All zeros.
    static NDArray zeros(const Shape& shape);

is one comment block to Doxygen, so the brief goes to the group and the member counts as
undocumented. This filter writes each lone `/// @{` or `/// @}` line as `/**@{*/` or
`/**@}*/`, a block of its own, so headers can use the natural layout above. Every other
line, and every line count, stays as it is (warnings keep their line numbers).
"""

import re
import sys

GROUP_MARK = re.compile(r"^(\s*)///\s*@([{}])\s*$")


def main():
    path = sys.argv[1]
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        text = f.read()
    if path.endswith((".h", ".hpp")):
        lines = text.split("\n")
        for i, line in enumerate(lines):
            m = GROUP_MARK.match(line)
            if m:
                lines[i] = f"{m.group(1)}/**@{m.group(2)}*/"
        text = "\n".join(lines)
    sys.stdout.buffer.write(text.encode("utf-8", errors="surrogateescape"))


if __name__ == "__main__":
    main()
