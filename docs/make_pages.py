#!/usr/bin/env python3
"""Turns the repository's READMEs into Doxygen pages (run by the `docs` target).

Reads, from the source tree:
  README.md                    -> pages/index.md      the main page
  chapters/NN_x/README.md      -> pages/chapterNN.md  one page per chapter, label chapterNN
  examples/README.md           -> pages/first_program.md  after the last chapter
  chapters/NN_x/going_further.md -> pages/furtherNN.md the chapter's deep dives, the page
                                                     after it (label furtherNN), if it has one
  docs/README.md               -> pages/docs_howto.md "How the docs are built"
  chapters/NN_x/exercises/     -> pages/exercises.md  every exercise, with its grading command
  chapters/NN_x/byo/, common/  -> pages/api.md        the API reference, grouped by chapter
and copies the part of MathJax the pages use (--mathjax) into html/mathjax, so formulas
render offline. It writes, into the output directory, those pages plus `inputs.doxy`: the part of the
Doxygen configuration that depends on which chapters exist (INPUT, IMAGE_PATH,
STRIP_FROM_INC_PATH).

Each page gets:
  - its first level-1 heading labelled with the page's label ({#chapterNN}), and every
    other heading labelled <page>_<GitHub's anchor for it>, so that links to headings work;
  - relative links rewritten (docs/README.md states the rule for authors):
      to a chapter README, the top README or docs/README.md -> a link to that page
      (with #heading: to that heading);
      to #heading                                           -> a link to that heading;
      ![alt](picture.svg|png|jpg|gif) in the repository     -> the picture, copied;
      to any other file or folder in the repository         -> its path as a code span;
      http(s):, mailto:                                     -> unchanged;
    a link to a file or heading that does not exist is an error;
  - chapters and the pages after them: a footer with Previous / Contents / Next links.
The main page ends with the reading order, and the pages are given to Doxygen in that
order, so the navigation tree lists the chapters in order. Fenced code blocks and code
spans are never touched. Errors are printed as `file:line: error: text`; every page is
still written, then the script fails.

Only the Python standard library is used.
"""

import argparse
import os
import re
import shutil
import sys

IMAGE_EXTENSIONS = (".svg", ".png", ".jpg", ".jpeg", ".gif")
CHAPTER_DIR = re.compile(r"^(\d\d)_[A-Za-z0-9_]+$")
# [text](target) or ![alt](target "title"); text may hold code spans and one level of
# brackets ("shape [2, 1]").
LINK = re.compile(r'(!?)\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)')
BACKTICKS = re.compile(r"`+")
CODE_SPAN = re.compile(r"(`+)(.+?)\1")
FENCE = re.compile(r"^\s{0,3}(```+|~~~+)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*(?:\{#([^}]*)\})?\s*#*\s*$")

ERRORS = []


def error(where, message):
    print(f"{where}: error: {message}", file=sys.stderr)
    ERRORS.append(message)


def github_anchor(heading):
    """The anchor GitHub gives a heading: lower case, punctuation dropped, '-' for ' '."""
    text = LINK.sub(lambda m: m.group(2), heading)  # a link's text, not its target
    text = re.sub(r"[^\w\- ]", "", text.lower())
    return text.replace(" ", "-")


def outside_fences(lines):
    """Yields (index, line) for every line that is not inside a fenced code block."""
    fence = None
    for i, line in enumerate(lines):
        m = FENCE.match(line)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
        elif m:
            fence = m.group(1)
        else:
            yield i, line


class Page:
    """One README: where it comes from, its label and title, and its headings' labels."""

    def __init__(self, source, repo_path, label, fallback_title):
        self.repo_path = repo_path
        self.label = label
        with open(os.path.join(source, repo_path), encoding="utf-8") as f:
            self.lines = f.read().splitlines()
        self.title = None
        self.title_line = None
        self.anchors = {}  # GitHub anchor -> Doxygen label
        self.heading_labels = {}  # line index -> Doxygen label
        used = set()
        for i, line in outside_fences(self.lines):
            m = HEADING.match(line)
            if not m:
                continue
            anchor = github_anchor(m.group(2))
            if anchor in self.anchors:  # GitHub numbers repeated headings: x, x-1, x-2
                n = 1
                while f"{anchor}-{n}" in self.anchors:
                    n += 1
                anchor = f"{anchor}-{n}"
            if self.title is None and m.group(1) == "#":
                self.title, self.title_line = m.group(2), i
                self.anchors[anchor] = label
                continue
            doxygen_label = m.group(3) or f"{label}_" + re.sub(r"[^A-Za-z0-9_]", "_", anchor)
            while doxygen_label in used:
                doxygen_label += "_"
            used.add(doxygen_label)
            self.anchors[anchor] = doxygen_label
            self.heading_labels[i] = doxygen_label
        if self.title is None:
            error(f"{repo_path}:1", "does not start with a '# Title' heading")
            self.title = fallback_title


class Site:
    """Every page, by the repository path of its README, and the output folder."""

    def __init__(self, source, out):
        self.source = source
        self.out = out
        self.pages = {}
        self.images = os.path.join(out, "pages", "images")

    def page_for(self, repo_path):
        """The page made from `repo_path` (a README or its folder), or None."""
        for candidate in (repo_path, os.path.normpath(os.path.join(repo_path, "README.md"))):
            if candidate in self.pages:
                return self.pages[candidate]
        return None


def rewrite_link(site, page, where, is_image, text, target):
    """The Markdown that replaces one link, per the rule in the module docstring."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target) or target.startswith("@ref"):
        return None  # a URL (http:, mailto:, ...) or already Doxygen's link: unchanged
    path, _, fragment = target.partition("#")
    readme_dir = os.path.dirname(page.repo_path)
    repo_path = os.path.normpath(os.path.join(readme_dir, path)) if path else page.repo_path
    if repo_path.startswith(".."):
        error(where, f"link outside the repository: {target}")
        return text
    absolute = os.path.join(site.source, repo_path)
    if not os.path.exists(absolute):
        error(where, f"link to a missing file: {target}")
    if is_image:
        if os.path.isfile(absolute) and repo_path.lower().endswith(IMAGE_EXTENSIONS):
            # Doxygen finds pictures by file name in IMAGE_PATH: make the names unique.
            flat = repo_path.replace("/", "_")
            os.makedirs(site.images, exist_ok=True)
            shutil.copyfile(absolute, os.path.join(site.images, flat))
            return f"![{text}]({flat})"
        return f"`{repo_path}`"
    linked = site.page_for(repo_path)
    if linked:
        label = linked.label
        if fragment:
            label = linked.anchors.get(fragment)
            if label is None:
                error(where, f"no heading has the anchor #{fragment} in {linked.repo_path}")
                label = linked.label
        # Doxygen shows an @ref link's text verbatim: a code span stays `...`, backticks
        # and all. Code as a whole link text goes around the link instead.
        whole = CODE_SPAN.fullmatch(text.strip())
        if whole:
            return f"<tt>[{whole.group(2)}](@ref {label})</tt>"
        return f"[{text.replace('`', '')}](@ref {label})"
    # Any other file or folder: show its repository path, keeping the author's words.
    plain = text.strip().strip("`")
    shown = repo_path + ("/" if os.path.isdir(absolute) else "")
    if plain in (path, path.rstrip("/"), repo_path, shown, os.path.basename(repo_path)):
        return f"`{plain}`"
    return f"{text} (`{shown}`)"


def code_spans(line, carry=None):
    """The (start, end) ranges of `line` inside code spans, and the backtick run of a span
    left open at its end (a code span may go on over the next line of the paragraph).
    `carry` is the run of a span opened on an earlier line."""
    spans, i = [], 0
    while True:
        if carry is None:
            m = BACKTICKS.search(line, i)
            if not m:
                return spans, None
            start, carry, i = m.start(), m.group(0), m.end()
        else:
            start = i
        close = re.compile(f"(?<!`){carry}(?!`)").search(line, i)
        if not close:
            spans.append((start, len(line)))
            return spans, carry
        spans.append((start, close.end()))
        i, carry = close.end(), None


def rewrite_line(site, page, where, line, spans=None):
    """Rewrites the links of one line that is outside a fenced code block; `spans` are its
    code spans (default: those that open and close on this line)."""
    if spans is None:
        spans = code_spans(line)[0]

    def replace(m):
        if any(start <= m.start() < end for start, end in spans):
            return m.group(0)  # inside a code span: text, not a link
        new = rewrite_link(site, page, where, m.group(1) == "!", m.group(2), m.group(3))
        return m.group(0) if new is None else new

    return LINK.sub(replace, line)


def render(site, page, footer=""):
    """The page's Markdown for Doxygen: labelled headings, rewritten links, `footer`."""
    out = list(page.lines)
    carry, previous = None, -1  # a code span still open from the line before
    for i, line in outside_fences(page.lines):
        where = f"{page.repo_path}:{i + 1}"
        if i != previous + 1 or not line.strip():
            carry = None  # a code span never crosses a blank line or a fence
        previous = i
        spans, carry = code_spans(line, carry)
        m = HEADING.match(line)
        if i == page.title_line:
            # The main page is Doxygen's "index" already; labelling it again is an error.
            out[i] = f"# {m.group(2)}" + ("" if page.label == "index" else f" {{#{page.label}}}")
        elif i in page.heading_labels:
            text = rewrite_line(site, page, where, m.group(2))
            out[i] = f"{m.group(1)} {text} {{#{page.heading_labels[i]}}}"
        else:
            out[i] = rewrite_line(site, page, where, line, spans)
    if page.title_line is None:
        out.insert(0, f"# {page.title} {{#{page.label}}}\n")
    return "\n".join(doxygen_math(out)).rstrip("\n") + "\n" + footer


INLINE_MATH = re.compile(r"\$`([^`]+)`\$")


def doxygen_math(lines):
    """GitHub's math as Doxygen's: a ```math block becomes \\f[ ... \\f], and $`x`$ inline
    becomes \\f$x\\f$ (outside other fenced blocks). Both forms render on GitHub."""
    out, fence, math = [], None, False
    for line in lines:
        m = FENCE.match(line)
        if fence is None and m:
            fence = m.group(1)
            math = line.strip()[len(fence):].strip() == "math"
            out.append("\\f[" if math else line)
        elif fence is not None and m and m.group(1)[0] == fence[0] and \
                len(m.group(1)) >= len(fence) and not line.strip()[len(m.group(1)):].strip():
            out.append("\\f]" if math else line)
            fence, math = None, False
        elif fence is None:
            out.append(INLINE_MATH.sub(lambda x: "\\f$" + x.group(1) + "\\f$", line))
        else:
            out.append(line)
    return out


# ---- The exercises page: generated from the exercise folders, never written by hand ------

GRADER_CALL = re.compile(r"run_grader\s*\((.*)", re.S)
GRADER_ENTRY = re.compile(r'\{\s*"((?:[^"\\]|\\.)+)"\s*,\s*[A-Za-z_][\w:]*\s*\}')
EXERCISES_CALL = re.compile(r"byo_add_exercises\s*\(([^)]*)\)", re.S)
NUMBERED_ITEM = re.compile(r"^\d+\.\s+\*\*(.+?)\*\*")


def read_text(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def first_comment(path):
    """The first sentence-line of a source file's top comment ('Exercise 1: ' dropped)."""
    for line in read_text(path).splitlines():
        m = re.match(r"^\s*//+\s*(?:@brief\s+)?(.*)$", line)
        if not m:
            break
        text = m.group(1).strip()
        if text and not text.startswith("@file"):
            return re.sub(r"^Exercise \d+\w?:\s*", "", text).rstrip(".")
    return ""


def exercise_files(chapter_dir):
    """The learner's files named by byo_add_exercises(... EXERCISES a.cpp b.cpp)."""
    cmake = os.path.join(chapter_dir, "CMakeLists.txt")
    if not os.path.isfile(cmake):
        return []
    m = EXERCISES_CALL.search(read_text(cmake))
    if not m:
        return []
    words = re.sub(r"#[^\n]*", "", m.group(1)).split()
    return words[words.index("EXERCISES") + 1:] if "EXERCISES" in words else []


def grader_entries(grade_cpp):
    """The exercise names the grader prints, in its order."""
    m = GRADER_CALL.search(read_text(grade_cpp))
    return [e.replace('\\"', '"') for e in GRADER_ENTRY.findall(m.group(1))] if m else []


def readme_exercises(site, page):
    """The numbered items that start with a bold title under the README's 'Exercises'
    heading, each as one line of Markdown with its links rewritten for the docs."""
    items, inside, current = [], False, None
    for i, line in outside_fences(page.lines):
        m = HEADING.match(line)
        if m:
            inside = m.group(1) == "##" and github_anchor(m.group(2)) == "exercises"
            current = None
            continue
        if not inside:
            continue
        text = rewrite_line(site, page, f"{page.repo_path}:{i + 1}", line.strip())
        if NUMBERED_ITEM.match(line):
            current = re.sub(r"^\d+\.\s+", "", text)
            items.append(current)
        elif current is not None and line.startswith("   ") and line.strip():
            items[-1] += " " + text  # the item's continuation lines
        else:
            current = None
    return items


def exercises_page(site, chapters):
    """Markdown of the page listing every chapter's exercises and how each is graded."""
    out = ["# Exercises {#exercises}", "",
           "Every exercise of every chapter, gathered from the chapters' `exercises/` folders",
           "and their READMEs when the docs are built. A graded exercise is a stub that throws",
           "`byo::NotImplemented` until you write it; its chapter's grader checks it and prints",
           "a table (`pass`, `FAIL` with the worst error, or `not implemented`). The reference",
           "solutions are in each chapter's `exercises/solutions/`.", ""]
    total = 0
    for page in chapters:
        chapter_dir = os.path.join(site.source, os.path.dirname(page.repo_path))
        number = page.label[len("chapter"):]
        grade = os.path.join(chapter_dir, "exercises", "grade.cpp")
        link = page.anchors.get("exercises", page.label)
        files = exercise_files(chapter_dir)
        titles = readme_exercises(site, page)
        if not os.path.isfile(grade) and not titles:
            continue
        out += [f"## {page.title} {{#exercises_ch{number}}}", ""]
        if os.path.isfile(grade):
            entries = grader_entries(grade)
            total += len(entries)
            out += [f"The tasks: [the chapter's exercises](@ref {link}). Grade your files with:",
                    "", "```sh", f"cmake --build build --target ch{number}_grade", "```", "",
                    "| file you edit | what it asks |", "|---|---|"]
            for name in files:
                path = os.path.join(chapter_dir, "exercises", name)
                rel = os.path.relpath(path, site.source)
                out.append(f"| `{rel}` | {first_comment(path) if os.path.isfile(path) else ''} |")
            out += ["", f"The grader's table has one line per check, {len(entries)} in all: "
                    + "; ".join(f"*{e}*" for e in entries) + "."]
        else:
            total += len(titles)
            out += [f"The tasks: [the chapter's exercises](@ref {link}). These are open-ended: "
                    "no grader, you check your work with a test of your own in the chapter's",
                    f"suite, `ctest --test-dir build -L ch{number}`.", ""]
            out += [f"{i}. {t}" for i, t in enumerate(titles, 1)]
        out.append("")
    out += [f"{total} graded checks and open tasks in all. CI checks both directions: every grader passes on the",
            "reference solutions (part of the test suite) and fails on the untouched stubs."]
    return "\n".join(out) + "\n"


# ---- The API reference page: the public headers, grouped by chapter ----------------------

def header_brief(path):
    """The `/// @brief` of a header's `/// @file` block."""
    lines = read_text(path).splitlines()
    for i, line in enumerate(lines[:5]):
        if "@file" in line:
            for next_line in lines[i + 1:i + 4]:
                m = re.match(r"^\s*///\s*@brief\s+(.*)$", next_line)
                if m:
                    return m.group(1).strip()
    return ""


def api_page(site, groups):
    """Markdown of the API reference by chapter: `groups` is [(title, label, byo dir)]."""
    out = ["# API reference, by chapter {#api}", "",
           "The public headers of each chapter, in reading order; a chapter's library",
           "(`byo_chNN`) holds its own headers and links every chapter before it. Each header's",
           "page lists its classes and functions, each with a one-line summary, and its include",
           "graph. The *Classes*, *Namespaces* and *Files* tabs index the same reference.", ""]
    for title, label, byo_dir in groups:
        headers = []
        for root, _, files in os.walk(byo_dir):
            headers += [os.path.join(root, f) for f in files if f.endswith(".h")]
        if not headers:
            continue
        out += [f"## {title} {{#api_{label}}}", "", "| header | what it holds |", "|---|---|"]
        for path in sorted(headers):
            include = os.path.relpath(path, os.path.dirname(byo_dir))  # byo/nn/conv.h
            # Doxygen resolves a file reference by its path below the include root.
            brief = header_brief(path).replace("|", "\\|")
            out.append(f"| [{include}](@ref {include}) | {brief} |")
        out.append("")
    return "\n".join(out) + "\n"


# ---- MathJax, copied so that the docs render formulas with no network ---------------------

MATHJAX_PARTS = ["MathJax.js", "extensions", "jax/input/TeX", "jax/element",
                 "jax/output/HTML-CSS/jax.js", "jax/output/HTML-CSS/config.js",
                 "jax/output/HTML-CSS/imageFonts.js", "jax/output/HTML-CSS/autoload",
                 "jax/output/HTML-CSS/fonts/TeX", "fonts/HTML-CSS/TeX/woff"]


def copy_mathjax(source, html_dir):
    """Copies the parts of MathJax 2 that Doxygen's pages load (TeX in, HTML-CSS out)."""
    target = os.path.join(html_dir, "mathjax")
    shutil.rmtree(target, ignore_errors=True)
    for part in MATHJAX_PARTS:
        src, dst = os.path.join(source, part), os.path.join(target, part)
        if os.path.isdir(src):
            shutil.copytree(src, dst, symlinks=False)
        elif os.path.isfile(src):
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copyfile(src, dst)
        else:
            error(source, f"MathJax has no {part} (Debian: apt-get install libjs-mathjax)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", required=True, help="the repository root")
    parser.add_argument("--out", required=True, help="the docs build folder")
    parser.add_argument("--mathjax", help="MathJax 2 to copy into html/mathjax (a folder)")
    args = parser.parse_args()
    site = Site(os.path.abspath(args.source), os.path.abspath(args.out))

    pages_dir = os.path.join(site.out, "pages")
    shutil.rmtree(pages_dir, ignore_errors=True)  # a chapter that went away leaves no page
    os.makedirs(site.images)

    chapters_root = os.path.join(site.source, "chapters")
    chapters = []  # the chapter pages, in order
    reading = []  # the pages of the book in order: each chapter, then its going further
    header_dirs = [os.path.join(site.source, "common", "byo")]
    api_dirs = []  # (chapter number, its byo folder)
    include_roots = [os.path.join(site.source, "common")]
    for folder in sorted(os.listdir(chapters_root)) if os.path.isdir(chapters_root) else []:
        m = CHAPTER_DIR.match(folder)
        if not m:
            continue
        base = os.path.join(chapters_root, folder)
        if os.path.isdir(os.path.join(base, "byo")):
            header_dirs.append(os.path.join(base, "byo"))
            include_roots.append(base)
            api_dirs.append((m.group(1), os.path.join(base, "byo")))
        if os.path.isfile(os.path.join(base, "README.md")):
            page = Page(site.source, f"chapters/{folder}/README.md", f"chapter{m.group(1)}",
                        f"Chapter {int(m.group(1))}")
            chapters.append(page)
            reading.append(page)
            site.pages[page.repo_path] = page
        if os.path.isfile(os.path.join(base, "going_further.md")):
            page = Page(site.source, f"chapters/{folder}/going_further.md",
                        f"further{m.group(1)}", f"Chapter {int(m.group(1))}, going further")
            reading.append(page)
            site.pages[page.repo_path] = page

    # After the last chapter, the book's last page: the project outside the library.
    if os.path.isfile(os.path.join(site.source, "examples", "README.md")):
        example = Page(site.source, "examples/README.md", "first_program", "Your first program")
        reading.append(example)
        site.pages[example.repo_path] = example

    main_page = Page(site.source, "README.md", "index", "byotorch")
    site.pages["README.md"] = main_page
    howto = None
    if os.path.isfile(os.path.join(site.source, "docs", "README.md")):
        howto = Page(site.source, "docs/README.md", "docs_howto", "How the docs are built")
        site.pages[howto.repo_path] = howto

    def write(name, text):
        with open(os.path.join(pages_dir, name), "w", encoding="utf-8") as f:
            f.write(text)

    # The main page: the top README, then the reading order. (Not @subpage: Doxygen 1.9.4
    # leaves the main page's subpages out of the navigation tree. Top-level pages appear
    # there in INPUT order, which inputs.doxy gives explicitly.)
    order = ["", "## The book, in reading order {#index_reading_order}", ""]
    # After the chapters: the exercises, the API reference by chapter, how the docs work.
    api_groups = [("Common: what every chapter uses", "common",
                   os.path.join(site.source, "common", "byo"))]
    titles = {page.label: page.title for page in chapters}
    for number, byo_dir in api_dirs:  # a chapter's headers count before its README exists
        label = f"chapter{number}"
        api_groups.append((titles.get(label, f"Chapter {int(number)}"), label, byo_dir))
    extra = [("exercises", "Exercises", exercises_page(site, chapters)),
             ("api", "API reference, by chapter", api_page(site, api_groups))]
    book = [(p.label, p.title) for p in reading] + [(label, title) for label, title, _ in extra]
    if howto:
        book.append((howto.label, howto.title))

    order += [f"- @ref {label}" for label, _ in book]
    order.append("- The index of every class, namespace and file: the *Classes*, *Namespaces*"
                 " and *Files* tabs.")
    write("index.md", render(site, main_page, "\n".join(order) + "\n"))

    def footer(i):
        nav = []
        if i > 0:
            nav.append(f"**Previous:** [{book[i - 1][1]}](@ref {book[i - 1][0]})")
        nav.append("**Contents:** [byotorch](@ref index)")
        if i + 1 < len(book):
            nav.append(f"**Next:** [{book[i + 1][1]}](@ref {book[i + 1][0]})")
        return "\n<hr>\n\n" + " &nbsp;·&nbsp; ".join(nav) + "\n"

    for i, page in enumerate(reading):
        write(f"{page.label}.md", render(site, page, footer(i)))
    for j, (label, _, text) in enumerate(extra):
        write(f"{label}.md", text + footer(len(reading) + j))
    if howto:
        write(f"{howto.label}.md", render(site, howto, footer(len(book) - 1)))
    if args.mathjax:
        copy_mathjax(args.mathjax, os.path.join(site.out, "html"))

    # The configuration that depends on what exists; the Doxyfile @INCLUDEs it.
    def quoted(paths):
        return " \\\n    ".join(f'"{p}"' for p in paths)

    inputs = [os.path.join(pages_dir, label + ".md") for label in ["index"] + [b[0] for b in book]]
    with open(os.path.join(site.out, "inputs.doxy"), "w", encoding="utf-8") as f:
        f.write("# Written by docs/make_pages.py: what exists in the tree right now.\n")
        f.write(f"INPUT = {quoted(inputs + header_dirs)}\n")
        f.write(f"STRIP_FROM_INC_PATH = {quoted(include_roots)}\n")
        f.write(f'IMAGE_PATH = "{site.images}"\n')
    print(f"make_pages: {len(chapters)} chapter page(s), {len(header_dirs)} header folder(s)")
    if ERRORS:
        sys.exit(f"make_pages: {len(ERRORS)} error(s): fix the links above (docs/README.md)")


if __name__ == "__main__":
    main()
