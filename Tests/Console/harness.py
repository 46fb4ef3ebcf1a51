"""The console's test harness: a real headless Chromium driven by Selenium against the real
service (scripts/console-checks.sh starts it on a fresh embedded PostgreSQL with the demo seed).

Journeys click and type as a person would. What a journey needs from other roles beforehand
(an organisation validated, an application submitted) is prepared through the API by `Api`
before the journey starts, as those roles would have done; inside a journey, only the browser.

Selenium Manager never runs: the driver is Debian's chromium-driver, given by path, and
SE_OFFLINE=true forbids any download.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from pathlib import Path

os.environ.setdefault("SE_OFFLINE", "true")

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

BASE = os.environ.get("CONSOLE_BASE", "http://127.0.0.1:8080")
OUT = Path(os.environ.get("CONSOLE_OUT", ".build/console"))
ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "seeds" / "documents"
PASSWORD = "medic-nest-demo"
DESKTOP = (1280, 900)
PHONE = (390, 844)


def chromium_binary() -> str:
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if Path(candidate).exists():
            return candidate
    raise RuntimeError("chromium is not installed (scripts/install-deps.sh chromium)")


class Failure(AssertionError):
    pass


class Browser:
    """One browser window: helpers that find things the way a person does (by label, by the
    text on a button) and wait for the page to answer."""

    def __init__(self, size=DESKTOP):
        options = webdriver.ChromeOptions()
        options.binary_location = chromium_binary()
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--no-first-run", "--disable-extensions", "--lang=en-GB",
                    f"--window-size={size[0]},{size[1]}"):
            options.add_argument(arg)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.downloads = OUT / "downloads"
        self.downloads.mkdir(parents=True, exist_ok=True)
        options.add_experimental_option("prefs", {
            "download.default_directory": str(self.downloads.resolve()), "download.prompt_for_download": False,
        })
        service = Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
        self.driver = webdriver.Chrome(service=service, options=options)
        self.driver.set_window_size(*size)
        self.driver.set_page_load_timeout(30)
        self.size = size
        self.console_problems: list[str] = []

    def close(self):
        self.collect_console()
        self.driver.quit()

    # ---- navigation -----------------------------------------------------------------------
    def open(self, hash_path: str = "#/"):
        self.driver.get(f"{BASE}/{hash_path}")
        self.wait_ready()

    def go(self, hash_path: str):
        """Navigates inside the page (as a click on a link would)."""
        self.driver.execute_script("location.hash = arguments[0]", hash_path)
        self.wait_ready()

    def wait_ready(self, timeout=15):
        """Waits until the page shows something other than its loading line."""
        def ready(d):
            return d.execute_script(
                "const m = document.getElementById('main');"
                "return !!m && !m.querySelector('.loading') && document.readyState === 'complete';")
        self.wait(ready, timeout, "the page to load")

    def wait(self, condition, timeout=15, what="the page"):
        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.1,
                                 ignored_exceptions=(StaleElementReferenceException,)).until(condition)
        except TimeoutException:
            raise Failure(f"waited {timeout} s for {what}; the page shows:\n{self.main_text()[:1500]}") from None

    def main_text(self) -> str:
        try:
            return self.driver.find_element(By.TAG_NAME, "body").text
        except Exception:  # noqa: BLE001
            return "(no page)"

    def wait_text(self, text: str, timeout=15):
        self.wait(lambda d: text in d.find_element(By.TAG_NAME, "body").text, timeout, f"the text {text!r}")

    def wait_heading(self, text: str, timeout=15):
        self.wait(lambda d: any(text in h.text for h in d.find_elements(By.TAG_NAME, "h1")), timeout,
                  f"the heading {text!r}")

    # ---- finding and acting like a person ---------------------------------------------------
    def field(self, label: str, within=None):
        """The control whose <label> reads `label` (exactly, ignoring a trailing '*')."""
        scope = within or self.driver
        def find(_):
            for lab in scope.find_elements(By.TAG_NAME, "label"):
                if lab.text.replace("*", "").strip() == label and lab.is_displayed():
                    target = lab.get_attribute("for")
                    return self.driver.find_element(By.ID, target) if target else lab.find_element(By.CSS_SELECTOR, "input, select, textarea")
            return False
        return self.wait(find, 10, f"a field labelled {label!r}")

    def type(self, label: str, value, within=None):
        el = self.field(label, within)
        el.clear()
        el.send_keys(str(value))
        return el

    def choose(self, label: str, visible_text: str, within=None):
        Select(self.field(label, within)).select_by_visible_text(visible_text)

    def check(self, label: str, within=None):
        el = self.field(label, within)
        if not el.is_selected():
            el.click()

    def button(self, text: str, within=None):
        scope = within or self.driver
        def find(_):
            for b in scope.find_elements(By.TAG_NAME, "button"):
                if b.text.strip() == text and b.is_displayed() and b.is_enabled():
                    return b
            return False
        return self.wait(find, 10, f"a button {text!r}")

    def click(self, text: str, within=None):
        self.button(text, within).click()

    def click_link(self, text: str):
        el = self.wait(lambda d: next((a for a in d.find_elements(By.TAG_NAME, "a")
                                       if a.text.strip() == text and a.is_displayed()), False), 10, f"a link {text!r}")
        el.click()
        self.wait_ready()

    def press_enter(self, label: str):
        self.field(label).send_keys(Keys.ENTER)

    def upload(self, label: str, path: Path):
        self.field(label).send_keys(str(path))

    def field_error(self, label: str) -> str:
        el = self.field(label)
        ids = (el.get_attribute("aria-describedby") or "").split()
        for i in ids:
            if i.endswith("-error"):
                return self.driver.find_element(By.ID, i).text
        return ""

    def form_message(self) -> str:
        msgs = [m.text for m in self.driver.find_elements(By.CSS_SELECTOR, ".form-message") if m.is_displayed()]
        return "\n".join(msgs)

    def login(self, email: str, password: str = PASSWORD):
        self.open("#/login")
        self.type("E-mail", email)
        self.type("Password", password)
        self.click("Log in")
        self.wait(lambda d: not d.execute_script("return location.hash.startsWith('#/login')"), 15, "the login to finish")
        self.wait_ready()

    def logout(self):
        self.click("Log out")
        self.wait(lambda d: d.execute_script("return location.hash.startsWith('#/login')"), 10, "the login page")

    def downloaded(self, name: str, timeout=15) -> bytes:
        """The bytes of a file the page saved as `name` (waits for the download to finish)."""
        path = self.downloads / name
        self.wait(lambda _: path.exists() and path.stat().st_size > 0 and not Path(str(path) + ".crdownload").exists(),
                  timeout, f"the download {name}")
        return path.read_bytes()

    def run_cli(self, *args: str) -> str:
        """The service's own command line (CX_BIN), for demo-only steps such as
        `demo-exchange-took-place`; never a shortcut for what a person does in the console."""
        import subprocess
        out = subprocess.run([os.environ["CX_BIN"], *args], capture_output=True, text=True, timeout=60, check=False)
        if out.returncode != 0:
            raise Failure(f"{' '.join(args)} failed: {out.stderr[-800:]}")
        return out.stdout

    # ---- evidence ---------------------------------------------------------------------------
    def screenshot(self, name: str):
        OUT.mkdir(parents=True, exist_ok=True)
        suffix = "phone" if self.size[0] < 700 else "desktop"
        path = OUT / f"{name}-{suffix}.png"
        self.driver.save_screenshot(str(path))
        return path

    def collect_console(self) -> list[str]:
        """Console errors and CSP violations since the last call (Chromium reports a refused
        script, style or connection as a SEVERE console entry)."""
        try:
            entries = self.driver.get_log("browser")
        except Exception:  # noqa: BLE001
            return []
        found = [f"{e.get('level')}: {e.get('message')}" for e in entries
                 if e.get("level") == "SEVERE" and not expected_console_entry(e.get("message", ""))]
        self.console_problems.extend(found)
        return found

    def axe(self, page: str) -> list[str]:
        """axe-core's serious and critical violations on the current page."""
        from axe_selenium_python import Axe
        axe = Axe(self.driver)
        axe.inject()
        results = axe.run(options={"resultTypes": ["violations"]})
        problems = []
        for v in results["violations"]:
            if v.get("impact") in ("serious", "critical"):
                targets = ", ".join(" ".join(n["target"]) if isinstance(n["target"], list) else str(n["target"]) for n in v["nodes"][:5])
                problems.append(f"{page}: {v['id']} ({v['impact']}): {v['help']} at {targets}")
        return problems


def expected_console_entry(message: str) -> bool:
    """Failed requests the journeys make on purpose (a refused submission answers 422, a
    four-eyes refusal 409): the browser logs each as a failed resource load. Anything else,
    including every CSP refusal, is a problem."""
    if "Content Security Policy" in message or "Refused to" in message:
        return False
    return "Failed to load resource: the server responded with a status of 4" in message


class Api:
    """The service's API, for preparing what a journey starts from (never inside one)."""

    def __init__(self, token: str | None = None):
        self.token = token

    @staticmethod
    def login(email: str, password: str = PASSWORD) -> "Api":
        token = Api().call("POST", "/v1/auth/login", {"email": email, "password": password})["token"]
        return Api(token)

    def call(self, method: str, path: str, body=None, expect=None, headers=None, raw: bytes | None = None, content_type=None):
        data = None
        h = {"Accept": "application/json", **(headers or {})}
        if self.token:
            h["Authorization"] = f"Bearer {self.token}"
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        elif raw is not None:
            data = raw
            h["Content-Type"] = content_type or "application/octet-stream"
        req = urllib.request.Request(BASE + path, data=data, method=method, headers=h)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                status, payload = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, payload = e.code, e.read()
        if expect is not None and status != expect:
            raise Failure(f"{method} {path} answered {status}, expected {expect}: {payload[:600]!r}")
        if expect is None and status >= 400:
            raise Failure(f"{method} {path} answered {status}: {payload[:600]!r}")
        try:
            return json.loads(payload) if payload else None
        except ValueError:
            return payload


def unique() -> str:
    return str(time.time_ns())[-9:]
