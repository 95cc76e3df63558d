#!/usr/bin/env python3
"""Turns the repository's READMEs into Doxygen pages (run by the `docs` target).

Reads, from the source tree:
  README.md                    -> pages/index.md      the main page
  chapters/NN_x/README.md      -> pages/chapterNN.md  one page per chapter, label chapterNN
  docs/README.md               -> pages/docs_howto.md "How the docs are built"
and writes, into the output directory, those pages plus `inputs.doxy`: the part of the
Doxygen configuration that depends on which chapters exist (INPUT, STRIP_FROM_INC_PATH).

Each page gets:
  - its first level-1 heading labelled ({#chapterNN}), so pages can @ref each other;
  - relative links rewritten (docs/README.md states the rule for authors):
      to a chapter README, the top README or docs/README.md -> a link to that page;
      ![alt](picture.svg|png|jpg|gif) beside the README    -> the picture, copied to images/;
      to any other file or folder in the repository         -> its path as a code span;
      to #anchor                                            -> the link text alone;
      http(s):, mailto:                                     -> unchanged;
  - chapters: a footer with Previous / Contents / Next links.
The main page ends with the reading order, and the pages are given to Doxygen in that
order, so the navigation tree lists the chapters in order. Fenced code blocks and code spans are never touched.

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
ATX_H1 = re.compile(r"^#\s+(.*?)\s*(\{#[^}]*\})?\s*#*\s*$")


ERRORS = []


def error(message):
    # Like a Doxygen warning: every page is still written, then the build fails.
    print(f"make_pages: error: {message}", file=sys.stderr)
    ERRORS.append(message)


class Site:
    """What exists: the pages (by repository path of their README) and the output folder."""

    def __init__(self, source, out):
        self.source = source
        self.out = out
        self.pages = {}  # repository path of a README -> (label, title)
        self.images = os.path.join(out, "pages", "images")

    def page_for(self, repo_path):
        """The label of the page made from `repo_path` (a README or its folder), or None."""
        for candidate in (repo_path, os.path.normpath(os.path.join(repo_path, "README.md"))):
            if candidate in self.pages:
                return self.pages[candidate][0]
        return None


def first_heading(text):
    """The text of the first level-1 ATX heading, or None."""
    for line in text.splitlines():
        m = ATX_H1.match(line)
        if m:
            return m.group(1)
    return None


def rewrite_target(site, readme_dir, is_image, text, target):
    """The Markdown that replaces one link, per the rule in the module docstring."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target):  # http:, https:, mailto:, ...
        return None  # unchanged
    if target.startswith("@ref"):
        return None  # already Doxygen's own link form
    if target.startswith("#"):
        return text
    path = target.split("#", 1)[0].split("?", 1)[0]
    repo_path = os.path.normpath(os.path.join(readme_dir, path))
    if repo_path.startswith(".."):
        error(f"{os.path.join(readme_dir, 'README.md')}: link outside the repository: {target}")
        return text if not is_image else f"`{target}`"
    absolute = os.path.join(site.source, repo_path)
    if not os.path.exists(absolute):
        error(f"{os.path.join(readme_dir, 'README.md')}: link to a missing file: {target}")
    if is_image:
        if os.path.isfile(absolute) and repo_path.lower().endswith(IMAGE_EXTENSIONS):
            # Doxygen finds pictures by file name in IMAGE_PATH: make the names unique.
            flat = repo_path.replace("/", "_")
            os.makedirs(site.images, exist_ok=True)
            shutil.copyfile(absolute, os.path.join(site.images, flat))
            return f"![{text}]({flat})"
        return f"`{repo_path}`"
    label = site.page_for(repo_path)
    if label:
        return f"[{text}](@ref {label})"
    # Any other file or folder: show its repository path, keeping the author's words.
    plain = text.strip().strip("`")
    shown = repo_path + ("/" if os.path.isdir(absolute) else "")
    if plain in (path, path.rstrip("/"), repo_path, shown, os.path.basename(repo_path)):
        return f"`{plain}`"
    return f"{text} (`{shown}`)"


def rewrite_line(site, readme_dir, line):
    """Rewrites the links of one line that is outside a fenced code block."""
    spans = [m.span() for m in CODE_SPAN.finditer(line)]

    def in_code(pos):
        return any(start <= pos < end for start, end in spans)

    def replace(m):
        if in_code(m.start()):
            return m.group(0)
        new = rewrite_target(site, readme_dir, m.group(1) == "!", m.group(2), m.group(3))
        return m.group(0) if new is None else new

    return LINK.sub(replace, line)


def process(site, repo_path, label, footer=""):
    """Reads the README at `repo_path`, labels its heading, rewrites links, adds `footer`."""
    with open(os.path.join(site.source, repo_path), encoding="utf-8") as f:
        lines = f.read().splitlines()
    readme_dir = os.path.dirname(repo_path)
    out = []
    fence = None
    labelled = False
    for line in lines:
        m = FENCE.match(line)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            out.append(line)
            continue
        if m:
            fence = m.group(1)
            out.append(line)
            continue
        if not labelled and label:
            h = ATX_H1.match(line)
            if h:
                out.append(f"# {h.group(1)} {{#{label}}}")
                labelled = True
                continue
        out.append(rewrite_line(site, readme_dir, line))
    if label and not labelled:
        error(f"{repo_path} does not start with a '# Title' heading; the page is called '{site.pages[repo_path][1]}'")
        out.insert(0, f"# {site.pages[repo_path][1]} {{#{label}}}\n")
    text = "\n".join(out).rstrip("\n") + "\n"
    return text + footer


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", required=True, help="the repository root")
    parser.add_argument("--out", required=True, help="the docs build folder")
    args = parser.parse_args()
    site = Site(os.path.abspath(args.source), os.path.abspath(args.out))

    pages_dir = os.path.join(site.out, "pages")
    shutil.rmtree(pages_dir, ignore_errors=True)  # a chapter that went away leaves no page
    os.makedirs(pages_dir)

    chapters_root = os.path.join(site.source, "chapters")
    chapters = []  # (number, folder)
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
            chapters.append((m.group(1), folder))

    site.pages["README.md"] = ("index", "byotorch")
    if os.path.isfile(os.path.join(site.source, "docs", "README.md")):
        with open(os.path.join(site.source, "docs", "README.md"), encoding="utf-8") as f:
            title = first_heading(f.read()) or "How the docs are built"
        site.pages["docs/README.md"] = ("docs_howto", title)
    for number, folder in chapters:
        repo_path = f"chapters/{folder}/README.md"
        with open(os.path.join(site.source, repo_path), encoding="utf-8") as f:
            title = first_heading(f.read()) or f"Chapter {int(number)}"
        site.pages[repo_path] = (f"chapter{number}", title)

    def write(name, text):
        with open(os.path.join(pages_dir, name), "w", encoding="utf-8") as f:
            f.write(text)

    # The main page: the top README, then the reading order. (Not @subpage: Doxygen 1.9.4
    # leaves the main page's subpages out of the navigation tree. Top-level pages appear
    # there in INPUT order, which inputs.doxy gives explicitly.)
    order = ["", "## The book, in reading order", ""]
    order += [f"- @ref chapter{number}" for number, _ in chapters]
    if "docs/README.md" in site.pages:
        order.append("- @ref docs_howto")
    order.append("- The API reference: the *Classes*, *Namespaces* and *Files* tabs.")
    write("index.md", process(site, "README.md", None, "\n".join(order) + "\n"))

    for i, (number, folder) in enumerate(chapters):
        nav = []
        if i > 0:
            prev_label, prev_title = site.pages[f"chapters/{chapters[i - 1][1]}/README.md"]
            nav.append(f"**Previous:** [{prev_title}](@ref {prev_label})")
        nav.append("**Contents:** [byotorch](@ref index)")
        if i + 1 < len(chapters):
            next_label, next_title = site.pages[f"chapters/{chapters[i + 1][1]}/README.md"]
            nav.append(f"**Next:** [{next_title}](@ref {next_label})")
        footer = "\n<hr>\n\n" + " &nbsp;·&nbsp; ".join(nav) + "\n"
        write(f"chapter{number}.md",
              process(site, f"chapters/{folder}/README.md", f"chapter{number}", footer))

    if "docs/README.md" in site.pages:
        footer = "\n<hr>\n\n**Contents:** [byotorch](@ref index)\n"
        write("docs_howto.md", process(site, "docs/README.md", "docs_howto", footer))

    # The configuration that depends on what exists; the Doxyfile @INCLUDEs it.
    def quoted(paths):
        return " \\\n    ".join(f'"{p}"' for p in paths)

    with open(os.path.join(site.out, "inputs.doxy"), "w", encoding="utf-8") as f:
        f.write("# Written by docs/make_pages.py: what exists in the tree right now.\n")
        pages = ["index.md"] + [f"chapter{number}.md" for number, _ in chapters]
        if "docs/README.md" in site.pages:
            pages.append("docs_howto.md")
        pages = [os.path.join(pages_dir, name) for name in pages]
        f.write(f"INPUT = {quoted(pages + header_dirs)}\n")
        f.write(f"STRIP_FROM_INC_PATH = {quoted(include_roots)}\n")
        f.write(f'IMAGE_PATH = "{site.images}"\n')
    os.makedirs(site.images, exist_ok=True)
    print(f"make_pages: {len(chapters)} chapter page(s), {len(header_dirs)} header folder(s)")
    if ERRORS:
        sys.exit(f"make_pages: {len(ERRORS)} error(s): fix the links above (docs/README.md)")


if __name__ == "__main__":
    main()
