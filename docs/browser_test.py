#!/usr/bin/env python3
"""Opens the generated docs in headless Chromium and fails on what a reader would see broken.

    python3 docs/browser_test.py --html build/docs/html --out build/docs-test

(the `docs_test` target runs it after `docs`; `.ci/run` runs that). It loads the front page,
every chapter page, the exercises page and the API reference page from the files, no
server, and fails when one of them has

  - a broken internal link: an href to a file that does not exist, or to an #anchor that
    the target page does not define (checked for every link on those pages);
  - a missing picture: an <img> that did not load (naturalWidth 0), or an SVG <object>
    (how Doxygen shows SVG pictures and graphs) with no <svg> inside;
  - a formula MathJax did not typeset: MathJax missing, a MathJax error, or TeX left as
    text;
  - a JavaScript error.

It also fails on a chapter title cut in the navigation sidebar and on a figure whose text
is drawn smaller than 10 px. It saves screenshots of the front page and of chapter 4 in
--out. Chromium (Debian:
`chromium`) runs with a fresh profile and no network features, driven through the DevTools
protocol over a pipe (--remote-debugging-pipe: NUL-separated JSON on file descriptors 3
and 4), so only the Python standard library is needed.
"""

import argparse
import base64
import html.parser
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--remote-debugging-pipe",
         # lets the check script look inside <object> pictures (file: pages, no server)
         "--allow-file-access-from-files",
         "--disable-dev-shm-usage",  # containers often have a tiny /dev/shm
         "--force-device-scale-factor=1"]
WIDTH, HEIGHT = 1280, 1000
PAGE_TIMEOUT = 60  # seconds for one page to load and MathJax to finish

# Runs in the page once it has loaded: waits for MathJax's queue, then reports what is wrong.
CHECK_PAGE = r"""
new Promise(resolve => {
  const report = () => {
    const problems = [];
    for (const img of document.images) {
      if (!img.complete || img.naturalWidth === 0)
        problems.push("missing image: " + img.getAttribute("src"));
    }
    // Doxygen shows SVG pictures and graphs as <object>: loaded means an <svg> inside.
    for (const o of document.querySelectorAll("object[data]")) {
      const doc = o.contentDocument;
      if (!doc || !doc.documentElement || doc.documentElement.localName !== "svg")
        problems.push("missing picture: " + o.getAttribute("data"));
    }
    // tex2jax turns each formula into a <script type="math/tex">; typesetting puts the
    // rendered formula, id "<script id>-Frame", beside it.
    const scripts = [...document.querySelectorAll('script[type^="math/tex"]')];
    for (const script of scripts) {
      if (!script.id || !document.getElementById(script.id + "-Frame"))
        problems.push("formula not typeset: " + script.textContent.trim().slice(0, 60));
    }
    const tex = scripts.length;
    if (document.body.textContent.includes("[Math Processing Error]"))
      problems.push("MathJax error: [Math Processing Error]");
    const texts = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const parent = n.parentElement;
      if (parent && parent.closest("pre, code, .fragment, script, style")) continue;
      if (/\\\(|\\\[|\\f\$|\\f\[/.test(n.nodeValue)) texts.push(n.nodeValue.trim().slice(0, 60));
    }
    for (const t of texts) problems.push("formula not typeset: " + t);
    for (const e of document.querySelectorAll(".MathJax_Error, merror"))
      problems.push("MathJax error: " + e.textContent.slice(0, 80));
    const links = [...document.querySelectorAll("a[href]")].map(a => a.href)
      .concat([...document.images].map(i => i.src))
      .concat([...document.querySelectorAll("object[data]")].map(o => o.data));
    const ids = [...document.querySelectorAll("[id], a[name]")].map(e => e.id || e.name);
    resolve(JSON.stringify({problems, links, ids, formulas: tex,
                            title: document.title,
                            mathjax: typeof MathJax !== "undefined"}));
  };
  const hasTex = document.body.innerHTML.match(/\\\(|\\\[/);
  if (typeof MathJax !== "undefined" && MathJax.Hub && MathJax.Hub.Queue) {
    MathJax.Hub.Queue(report);
  } else if (hasTex) {
    // MathJax.js is loaded async: give it a moment, then report what is there.
    setTimeout(() => {
      if (typeof MathJax !== "undefined" && MathJax.Hub) MathJax.Hub.Queue(report);
      else report();
    }, 3000);
  } else {
    report();
  }
})
"""


class Browser:
    """Headless Chromium driven through the DevTools protocol on a pipe."""

    def __init__(self, chromium, profile):
        to_browser_r, self.to_browser = os.pipe()
        self.from_browser, from_browser_w = os.pipe()
        # Chromium reads commands on fd 3 and writes replies and events on fd 4.
        self.process = subprocess.Popen(
            [chromium, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            pass_fds=(3, 4), preexec_fn=self._map_fds(to_browser_r, from_browser_w),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []
        self.session = None

    @staticmethod
    def _map_fds(read_end, write_end):
        def child():
            # In the child: fd 3 is what we write to, fd 4 what we read from.
            r, w = os.dup(read_end), os.dup(write_end)
            os.dup2(r, 3)
            os.dup2(w, 4)
        return child

    def _read_message(self, deadline):
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.from_browser], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self.from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe (did it start?)")
            self.buffer += chunk
        message, _, self.buffer = self.buffer.partition(b"\0")
        return json.loads(message)

    def call(self, method, params=None, session=True, timeout=PAGE_TIMEOUT):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, method, timeout=PAGE_TIMEOUT):
        deadline = time.monotonic() + timeout
        while True:
            for i, event in enumerate(self.events):
                if event.get("method") == method:
                    return self.events.pop(i)
            self.events.append(self._read_message(deadline))

    def open_tab(self):
        target = self.call("Target.createTarget", {"url": "about:blank"}, session=False)
        attached = self.call("Target.attachToTarget",
                             {"targetId": target["targetId"], "flatten": True}, session=False)
        self.session = attached["sessionId"]
        self.call("Page.enable")
        self.call("Runtime.enable")
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False})

    def load(self, url):
        self.events = [e for e in self.events if e.get("method") != "Page.loadEventFired"]
        self.call("Page.navigate", {"url": url})
        self.wait_event("Page.loadEventFired")
        result = self.call("Runtime.evaluate",
                           {"expression": CHECK_PAGE, "awaitPromise": True, "returnByValue": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"the check script failed: {result['exceptionDetails']}")
        report = json.loads(result["result"]["value"])
        result = self.call("Runtime.evaluate",
                           {"expression": CHECK_LAYOUT, "awaitPromise": True,
                            "returnByValue": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"the layout check failed: {result['exceptionDetails']}")
        layout = json.loads(result["result"]["value"])
        report["problems"] += layout["problems"]
        report["navigation"] = layout["navigation"]
        report["smallest"] = layout["smallest"]
        return report

    def javascript_errors(self):
        errors = [e["params"]["exceptionDetails"] for e in self.events
                  if e.get("method") == "Runtime.exceptionThrown"]
        self.events = [e for e in self.events if e.get("method") != "Runtime.exceptionThrown"]
        return [(d.get("exception", {}).get("description") or d.get("text", "?")).splitlines()[0]
                for d in errors]

    def screenshot(self, path):
        shot = self.call("Page.captureScreenshot", {"format": "png"})
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))

    def close(self):
        try:
            self.call("Browser.close", session=False, timeout=10)
        except Exception:  # noqa: BLE001 - closing is best effort; the kill below is not
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Anchors(html.parser.HTMLParser):
    """Every id= and name= a page defines: the targets of #fragment links into it."""

    def __init__(self):
        super().__init__()
        self.names = set()

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key in ("id", "name") and value:
                self.names.add(value)


def anchors_of(path, cache={}):  # noqa: B006 - a deliberate per-run cache
    if path not in cache:
        parser = Anchors()
        with open(path, encoding="utf-8", errors="replace") as f:
            parser.feed(f.read())
        cache[path] = parser.names
    return cache[path]


def broken_links(page_path, links, html_dir):
    """Internal links (file: URLs inside the docs) to a missing file or a missing anchor."""
    broken = []
    for link in sorted(set(links)):
        url = urllib.parse.urlparse(link)
        if url.scheme != "file":
            continue  # http(s): and mailto: are outside the docs
        target = urllib.parse.unquote(url.path)
        if not os.path.realpath(target).startswith(os.path.realpath(html_dir)):
            broken.append(f"{link} (outside the docs)")
        elif not os.path.isfile(target):
            broken.append(f"{link} (no such file)")
        elif url.fragment and target.endswith(".html"):
            if url.fragment not in anchors_of(target):
                broken.append(f"{link} (no anchor #{url.fragment} in {os.path.basename(target)})")
    return broken


# Runs after CHECK_PAGE: what a reader could not read. Waits (up to 5 s) for the navigation
# tree, which navtree.js builds after the load, then reports
#   - a title in the navigation cut at the sidebar's edge (wider than its box, or running
#     past the sidebar's right side);
#   - a figure's text smaller than MIN_TEXT_PX as drawn: for every SVG picture (an
#     <object>), each <text>'s font size times the scale the picture is drawn at.
MIN_TEXT_PX = 10
CHECK_LAYOUT = r"""
new Promise(resolve => {
  const started = Date.now();
  const check = () => {
    const items = [...document.querySelectorAll("#nav-tree .label a")];
    if (document.getElementById("nav-tree") && items.length === 0 && Date.now() - started < 5000) {
      setTimeout(check, 100);
      return;
    }
    const problems = [];
    const side = document.getElementById("side-nav");
    const right = side ? side.getBoundingClientRect().right : Infinity;
    for (const a of items) {
      const box = a.getBoundingClientRect();
      if (a.scrollWidth > a.clientWidth + 1 || box.right > right + 0.5)
        problems.push("navigation title cut: '" + a.textContent.trim() + "' (" +
                      Math.round(box.right) + " px, the sidebar ends at " + Math.round(right) + ")");
    }
    let smallest = Infinity;
    for (const o of document.querySelectorAll("div.contents object[data]")) {
      const doc = o.contentDocument;
      if (!doc || !doc.documentElement || doc.documentElement.localName !== "svg") continue;
      let worst = Infinity, sample = "";
      for (const t of doc.querySelectorAll("text")) {
        const ctm = t.getScreenCTM();
        const size = parseFloat(doc.defaultView.getComputedStyle(t).fontSize);
        if (!ctm || !size || !t.textContent.trim()) continue;
        const px = size * Math.hypot(ctm.a, ctm.b);
        if (px < worst) { worst = px; sample = t.textContent.trim().slice(0, 30); }
      }
      smallest = Math.min(smallest, worst);
      if (worst < %MIN%)
        problems.push("figure text too small: " + o.getAttribute("data") + " draws '" + sample +
                      "' at " + worst.toFixed(1) + " px (at least %MIN% px)");
    }
    resolve(JSON.stringify({problems, navigation: items.length,
                            smallest: smallest === Infinity ? null : smallest}));
  };
  check();
})
""".replace("%MIN%", str(MIN_TEXT_PX))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", required=True, help="the generated docs (build/docs/html)")
    parser.add_argument("--out", required=True, help="where the screenshots go")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    args = parser.parse_args()
    html_dir = os.path.abspath(args.html)
    os.makedirs(args.out, exist_ok=True)

    pages = ["index.html"]
    pages += sorted((f for f in os.listdir(html_dir)
                     for prefix in ("chapter", "further")  # a chapter, its going further
                     if f.startswith(prefix) and f.endswith(".html") and
                     f[len(prefix):-len(".html")].isdigit()),
                    key=lambda f: (f[-7:-5], f.startswith("further")))
    pages += [p for p in ("exercises.html", "api.html") if os.path.isfile(os.path.join(html_dir, p))]
    if not os.path.isfile(os.path.join(html_dir, "index.html")) or len(pages) < 2:
        sys.exit(f"browser_test: no docs in {html_dir}: build them first "
                 "(cmake --build build --target docs)")
    shots = {"index.html": "front_page.png", "chapter04.html": "chapter04.png"}

    failures = 0
    with tempfile.TemporaryDirectory(prefix="byo-chromium-") as profile:
        browser = Browser(args.chromium, profile)
        try:
            browser.open_tab()
            for page in pages:
                path = os.path.join(html_dir, page)
                result = browser.load("file://" + urllib.parse.quote(path))
                problems = result["problems"]
                problems += [f"JavaScript error: {e}" for e in browser.javascript_errors()]
                problems += [f"broken link: {b}" for b in broken_links(path, result["links"],
                                                                        html_dir)]
                if result["navigation"] == 0:
                    problems.append("no navigation tree (navtree.js did not build it)")
                status = "FAIL" if problems else "ok"
                smallest = result["smallest"]
                figures = f", figure text >= {smallest:.1f} px" if smallest else ""
                print(f"{status:4}  {page:18} {len(result['links']):4} links, "
                      f"{result['formulas']:3} formulas{figures}  {result['title']}")
                for problem in problems:
                    print(f"        {problem}")
                failures += bool(problems)
                if page in shots:
                    shot = os.path.join(args.out, shots[page])
                    browser.screenshot(shot)
                    print(f"        screenshot: {shot}")
        finally:
            browser.close()
    if failures:
        sys.exit(f"browser_test: {failures} of {len(pages)} page(s) failed")
    print(f"browser_test: all {len(pages)} pages load, every internal link, picture and "
          "formula works")


if __name__ == "__main__":
    main()
