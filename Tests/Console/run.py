"""Runs every console journey in a real headless Chromium, then tours every main page at
desktop and phone width: a screenshot of each under CONSOLE_OUT, axe-core's check (no serious
or critical violation), and no console error or CSP violation anywhere. Exit status 1 on any
failure. Started by scripts/console-checks.sh, which serves the console first.

    CONSOLE_BASE=http://127.0.0.1:8080 .build/venv/bin/python Tests/Console/run.py [journey names]
"""

from __future__ import annotations

import importlib
import sys
import traceback
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
from harness import BASE, DESKTOP, PHONE, Browser, Failure  # noqa: E402

MODULES = ["journey_session", "journey_applicant", "journey_evaluator", "journey_coordinator", "journey_auditor"]


def headers_check() -> list[str]:
    """The page and an asset carry the security headers; the asset is cacheable for a year."""
    problems = []
    with urllib.request.urlopen(BASE + "/", timeout=10) as r:
        page = r.read().decode()
        h = r.headers
        csp = h.get("Content-Security-Policy", "")
        for directive in ("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"):
            if directive not in csp:
                problems.append(f"/ lacks CSP {directive!r}: {csp!r}")
        if "unsafe-inline" in csp or "unsafe-eval" in csp:
            problems.append(f"/ CSP allows inline code or eval: {csp!r}")
        for name, want in (("X-Frame-Options", "DENY"), ("Referrer-Policy", "no-referrer"), ("X-Content-Type-Options", "nosniff")):
            if h.get(name) != want:
                problems.append(f"/ {name} is {h.get(name)!r}, expected {want!r}")
        if "no-cache" not in h.get("Cache-Control", ""):
            problems.append(f"/ Cache-Control {h.get('Cache-Control')!r} lets a stale page name old assets")
        etag = h.get("ETag")
    if "<script>" in page or " on" in page.split("<body", 1)[-1].split(">", 1)[0]:
        problems.append("/ has an inline script or handler")
    req = urllib.request.Request(BASE + "/", headers={"If-None-Match": etag or ""})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            problems.append(f"/ with its own ETag answered {r.status}, expected 304")
    except urllib.error.HTTPError as e:
        if e.code != 304:
            problems.append(f"/ with its own ETag answered {e.code}, expected 304")
    start = page.find("/console/")
    asset = page[start:page.find('"', start)]
    with urllib.request.urlopen(BASE + asset, timeout=10) as r:
        if "immutable" not in r.headers.get("Cache-Control", ""):
            problems.append(f"{asset} Cache-Control {r.headers.get('Cache-Control')!r} is not immutable")
    return problems


def main(selected: list[str]) -> int:
    failures: list[str] = []
    journeys = []
    pages = []
    for name in MODULES:
        module = importlib.import_module(name)
        journeys += [(name, fn) for fn in getattr(module, "JOURNEYS", [])]
        pages += getattr(module, "PAGES", [])

    try:
        failures += headers_check()
    except Exception as e:  # noqa: BLE001
        failures.append(f"headers: {e}")

    known = {fn.__name__ for _, fn in journeys} | set(MODULES)
    unknown = [name for name in selected if name not in known]
    if unknown:
        print(f"no such journey or module: {', '.join(unknown)}", file=sys.stderr)
        return 1

    for module_name, journey in journeys:
        label = journey.__name__
        if selected and label not in selected and module_name not in selected:
            continue
        browser = Browser(DESKTOP)
        try:
            journey(browser)
            print(f"ok: journey {label}")
        except Exception as e:  # noqa: BLE001
            path = browser.screenshot(f"failure-{label}")
            detail = str(e) if isinstance(e, Failure) else traceback.format_exc()
            failures.append(f"journey {label}: {detail}\n  (screenshot {path})")
            print(f"FAILED: journey {label}", file=sys.stderr)
        finally:
            browser.collect_console()
            failures += [f"journey {label}: console: {p}" for p in browser.console_problems]
            browser.close()

    if not selected:
        # The tour: each main page as its user sees it, at both widths.
        for size in (DESKTOP, PHONE):
            by_user: dict[str, Browser] = {}
            try:
                for name, email, hash_path in pages:
                    browser = by_user.get(email)
                    if browser is None:
                        browser = by_user[email] = Browser(size)
                        if email:
                            browser.login(email)
                    try:
                        browser.open(hash_path)
                        browser.wait_ready()
                        browser.wait(lambda d: d.find_elements("tag name", "h1"), 10, "a heading")
                        browser.screenshot(name)
                        failures += browser.axe(f"{name} ({size[0]} px)")
                        print(f"ok: page {name} at {size[0]} px")
                    except Exception as e:  # noqa: BLE001
                        failures.append(f"page {name} at {size[0]} px: {e}")
            finally:
                for email, browser in by_user.items():
                    browser.collect_console()
                    failures += [f"pages of {email or 'anyone'} at {size[0]} px: console: {p}" for p in browser.console_problems]
                    browser.close()

    if failures:
        print("console checks failed:", file=sys.stderr)
        for f in failures:
            print(f"  - {f}", file=sys.stderr)
        return 1
    print(f"console checks: {len(journeys)} journeys, {len(pages)} pages at 2 widths, screenshots in {harness.OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
