#!/usr/bin/env python3
"""Turns the repository's READMEs into Doxygen pages (run by the `docs` target).

Reads, from the source tree:
  README.md                    -> pages/index.md      the main page
  chapters/NN_x/README.md      -> pages/chapterNN.md  one page per chapter, label chapterNN
  docs/README.md               -> pages/docs_howto.md "How the docs are built"
and writes, into the output directory, those pages plus `inputs.doxy`: the part of the
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
  - chapters: a footer with Previous / Contents / Next links.
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
# [text](target) or ![alt](target "title"); text may hold code spans but no brackets.
LINK = re.compile(r'(!?)\[([^\[\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)')
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


def rewrite_line(site, page, where, line):
    """Rewrites the links of one line that is outside a fenced code block."""
    spans = [m.span() for m in CODE_SPAN.finditer(line)]

    def replace(m):
        if any(start <= m.start() < end for start, end in spans):
            return m.group(0)  # inside a code span: text, not a link
        new = rewrite_link(site, page, where, m.group(1) == "!", m.group(2), m.group(3))
        return m.group(0) if new is None else new

    return LINK.sub(replace, line)


def render(site, page, footer=""):
    """The page's Markdown for Doxygen: labelled headings, rewritten links, `footer`."""
    out = list(page.lines)
    for i, line in outside_fences(page.lines):
        where = f"{page.repo_path}:{i + 1}"
        m = HEADING.match(line)
        if i == page.title_line:
            # The main page is Doxygen's "index" already; labelling it again is an error.
            out[i] = f"# {m.group(2)}" + ("" if page.label == "index" else f" {{#{page.label}}}")
        elif i in page.heading_labels:
            text = rewrite_line(site, page, where, m.group(2))
            out[i] = f"{m.group(1)} {text} {{#{page.heading_labels[i]}}}"
        else:
            out[i] = rewrite_line(site, page, where, line)
    if page.title_line is None:
        out.insert(0, f"# {page.title} {{#{page.label}}}\n")
    return "\n".join(out).rstrip("\n") + "\n" + footer


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", required=True, help="the repository root")
    parser.add_argument("--out", required=True, help="the docs build folder")
    args = parser.parse_args()
    site = Site(os.path.abspath(args.source), os.path.abspath(args.out))

    pages_dir = os.path.join(site.out, "pages")
    shutil.rmtree(pages_dir, ignore_errors=True)  # a chapter that went away leaves no page
    os.makedirs(site.images)

    chapters_root = os.path.join(site.source, "chapters")
    chapters = []  # the chapter pages, in order
    header_dirs = [os.path.join(site.source, "common", "byo")]
    include_roots = [os.path.join(site.source, "common")]
    for folder in sorted(os.listdir(chapters_root)) if os.path.isdir(chapters_root) else []:
        m = CHAPTER_DIR.match(folder)
        if not m:
            continue
        base = os.path.join(chapters_root, folder)
        if os.path.isdir(os.path.join(base, "byo")):
            header_dirs.append(os.path.join(base, "byo"))
            include_roots.append(base)
        if os.path.isfile(os.path.join(base, "README.md")):
            page = Page(site.source, f"chapters/{folder}/README.md", f"chapter{m.group(1)}",
                        f"Chapter {int(m.group(1))}")
            chapters.append(page)
            site.pages[page.repo_path] = page

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
    order += [f"- @ref {page.label}" for page in chapters]
    if howto:
        order.append(f"- @ref {howto.label}")
    order.append("- The API reference: the *Classes*, *Namespaces* and *Files* tabs.")
    write("index.md", render(site, main_page, "\n".join(order) + "\n"))

    for i, page in enumerate(chapters):
        nav = []
        if i > 0:
            nav.append(f"**Previous:** [{chapters[i - 1].title}](@ref {chapters[i - 1].label})")
        nav.append("**Contents:** [byotorch](@ref index)")
        if i + 1 < len(chapters):
            nav.append(f"**Next:** [{chapters[i + 1].title}](@ref {chapters[i + 1].label})")
        footer = "\n<hr>\n\n" + " &nbsp;·&nbsp; ".join(nav) + "\n"
        write(f"{page.label}.md", render(site, page, footer))

    if howto:
        footer = "\n<hr>\n\n**Contents:** [byotorch](@ref index)\n"
        write(f"{howto.label}.md", render(site, howto, footer))

    # The configuration that depends on what exists; the Doxyfile @INCLUDEs it.
    def quoted(paths):
        return " \\\n    ".join(f'"{p}"' for p in paths)

    inputs = [main_page] + chapters + ([howto] if howto else [])
    inputs = [os.path.join(pages_dir, ("index" if p is main_page else p.label) + ".md")
              for p in inputs]
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
