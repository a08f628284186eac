# SPDX-License-Identifier: Apache-2.0
"""Real headless Chromium for the page tests (Debian's chromium + chromium-driver, driven by
Debian's python3-selenium).

Browser(shots_dir) opens one Chromium with its own profile. shot(name) saves a PNG of the
window under the test's folder in build/screenshots/ (numbered in order), so a reader can
follow a journey step by step. Helpers wait for what the page shows instead of sleeping.
Chromium is started with --no-sandbox only when running as root (it refuses otherwise).
"""

import os
import re
import shutil
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SHOTS = os.environ.get("GATEHOUSE_SCREENSHOTS", os.path.join(ROOT, "build", "screenshots"))
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def available():
    """None when the browser can run, else why not (the tests skip with it)."""
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        return "chromium and chromium-driver are not installed (sh tools/install-deps.sh --test)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "python3-selenium is not installed (sh tools/install-deps.sh --test)"
    return None


class Browser:
    def __init__(self, test_name, profile_dir, width=1440, height=1000):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        opts = webdriver.ChromeOptions()
        opts.binary_location = CHROMIUM
        for a in ("--headless=new", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
                  "--disable-extensions", "--disable-background-networking", "--disable-sync",
                  "--disable-component-update", "--disable-dev-shm-usage", "--password-store=basic",
                  f"--user-data-dir={profile_dir}", f"--window-size={width},{height}",
                  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"):
            opts.add_argument(a)
        if os.geteuid() == 0:
            opts.add_argument("--no-sandbox")
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
        self.driver.set_page_load_timeout(30)
        self.dir = os.path.join(SHOTS, re.sub(r"[^A-Za-z0-9_.-]+", "_", test_name))
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir, exist_ok=True)
        self.n = 0

    # -- looking ---------------------------------------------------------------------------
    def shot(self, name):
        """Saves a screenshot NN-name.png and returns its path."""
        self.n += 1
        path = os.path.join(self.dir, f"{self.n:02d}-{name}.png")
        self.driver.save_screenshot(path)
        return path

    def resize(self, width, height=900):
        self.driver.set_window_size(width, height)

    def get(self, url):
        self.driver.get(url)

    @property
    def url(self):
        return self.driver.current_url

    def text(self):
        return self.driver.find_element("tag name", "body").text

    def console_errors(self):
        """Console messages at level SEVERE (CSP violations, script errors)."""
        try:
            return [e["message"] for e in self.driver.get_log("browser") if e["level"] == "SEVERE"]
        except Exception:  # noqa: BLE001 - not every driver keeps logs
            return []

    def wait(self, predicate, timeout=15, what="the page"):
        """Polls predicate(driver) until truthy; fails with the page text otherwise."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            try:
                v = predicate(self.driver)
                if v:
                    return v
            except Exception as e:  # noqa: BLE001 - stale elements while the page renders
                last = e
            time.sleep(0.05)
        body = ""
        try:
            body = self.text()[:2000]
        except Exception:  # noqa: BLE001
            pass
        self.shot("timeout")
        raise AssertionError(f"timed out waiting for {what} ({last}); page shows:\n{body}")

    def wait_text(self, text, timeout=15):
        return self.wait(lambda d: text in d.find_element("tag name", "body").text, timeout,
                         f"text {text!r}")

    def find(self, css, timeout=15):
        return self.wait(lambda d: next((e for e in d.find_elements("css selector", css)
                                         if e.is_displayed()), None), timeout, css)

    def find_all(self, css):
        return [e for e in self.driver.find_elements("css selector", css) if e.is_displayed()]

    def testid(self, tid, timeout=15):
        return self.find(f'[data-testid="{tid}"]', timeout)

    # -- doing -----------------------------------------------------------------------------
    def click(self, css, timeout=15):
        e = self.find(css, timeout)
        e.click()
        return e

    def click_button(self, label, timeout=15):
        """Clicks the visible button whose text (or aria-label) is label."""
        def pick(d):
            for b in d.find_elements("css selector", "button, a.button, input[type=submit]"):
                if b.is_displayed() and b.is_enabled() and (
                        b.text.strip() == label or b.get_attribute("aria-label") == label):
                    return b
            return None
        b = self.wait(pick, timeout, f"button {label!r}")
        b.click()
        return b

    def fill(self, css, value, timeout=15):
        e = self.find(css, timeout)
        e.clear()
        e.send_keys(value)
        return e

    def fill_label(self, label, value, timeout=15):
        """Types into the form control labelled label (<label for=...>)."""
        def pick(d):
            for lab in d.find_elements("css selector", "label"):
                if lab.is_displayed() and lab.text.strip().rstrip(" *") == label:
                    target = lab.get_attribute("for")
                    if target:
                        return d.find_element("id", target)
            return None
        e = self.wait(pick, timeout, f"field labelled {label!r}")
        e.clear()
        e.send_keys(value)
        return e

    def windows(self):
        return self.driver.window_handles

    def switch(self, handle):
        self.driver.switch_to.window(handle)

    def cookies(self):
        return {c["name"]: c for c in self.driver.get_cookies()}

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def quit(self):
        try:
            self.driver.quit()
        except Exception:  # noqa: BLE001
            pass
