"""Fixtures for the page's browser tests: a gradserver, a headless Chromium, and API helpers.

The server is GRADSERVER_URL when set; otherwise the fixture starts GRADSERVER_BIN (default
.build/debug/gradserver) on a free port, as scripts/run-example does.
"""
import json
import os
import pathlib
import re
import subprocess
import time

import pytest
import requests
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ROOT = pathlib.Path(__file__).resolve().parents[2]

LESSON = {
    "input": [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]],
    "layers": [
        {"type": "conv2d", "weight": [[1, 0], [0, -1]], "bias": [0.5], "stride": [2, 2], "padding": [0, 0]},
        {"type": "flatten"},
        {"type": "linear", "weight": [[0.1, 0.2, 0.3, 0.4]], "bias": [0]},
    ],
    "loss": {"type": "mse", "target": [[1]]},
}


@pytest.fixture(scope="session")
def server():
    """The base URL of a running gradserver (ends with /)."""
    if os.environ.get("GRADSERVER_URL"):
        yield os.environ["GRADSERVER_URL"].rstrip("/") + "/"
        return
    binary = os.environ.get("GRADSERVER_BIN", str(ROOT / ".build/debug/gradserver"))
    process = subprocess.Popen([binary, "--host", "127.0.0.1", "--port", "0", "--log-level", "warning"], stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        match = re.search(r"listening on (http://\S+)", line)
        assert match, f"gradserver printed {line!r}"
        yield match.group(1).rstrip("/") + "/"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium")
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1400,1000", "--lang=en-US"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    service = Service(os.environ.get("CHROMEDRIVER_BIN", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    yield driver
    driver.quit()


class Page:
    """The page in the browser, with waits keyed on main[data-status] (loading, busy, ready, error)."""

    def __init__(self, driver, url):
        self.driver = driver
        self.url = url

    def open(self, fragment=""):
        self.driver.get("about:blank")
        self.driver.set_window_size(1400, 1000)
        self.driver.get(self.url + fragment)
        self.driver.get_log("browser")  # earlier pages' messages are not this page's
        return self.wait_for("ready")

    def status(self):
        return self.driver.find_element(By.ID, "app").get_attribute("data-status")

    def wait_for(self, *statuses, timeout=15):
        WebDriverWait(self.driver, timeout).until(lambda _: self.status() in statuses)
        return self.status()

    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def cell(self, tensor, index):
        return self.find(f'[data-tensor="{tensor}"][data-index="{",".join(map(str, index))}"]')

    def cells(self, tensor):
        """{index tuple: float(data-value)} of every cell of `tensor` on the page."""
        found = {}
        for cell in self.find_all(f'[data-tensor="{tensor}"]'):
            index = cell.get_attribute("data-index")
            key = tuple(int(i) for i in index.split(",")) if index else ()
            found[key] = float(cell.get_attribute("data-value"))
        return found

    def set_field(self, field_id, value):
        """Sets a settings field as a user would (select the text, type, Tab) and waits for the answer."""
        element = self.driver.find_element(By.ID, field_id)
        if element.tag_name == "select":
            from selenium.webdriver.support.ui import Select
            Select(element).select_by_value(value)
        else:
            self.driver.execute_script("arguments[0].select()", element)
            element.send_keys(str(value), "\t")
        return self.wait_for("ready", "error")

    def values(self, tensor):
        """Nested arrays of the learner's values in editable grid `tensor` (a 1-D tensor for one index axis)."""
        found = {}
        for cell in self.find_all(f'[data-tensor="{tensor}"]'):
            key = tuple(int(i) for i in cell.get_attribute("data-index").split(","))
            found[key] = float(cell.get_attribute("value"))
        if len(next(iter(found))) == 1:
            return [found[(i,)] for i in range(len(found))]
        rows = 1 + max(k[0] for k in found)
        cols = 1 + max(k[1] for k in found)
        return [[found[(r, c)] for c in range(cols)] for r in range(rows)]

    def field(self, field_id):
        return self.driver.find_element(By.ID, field_id).get_attribute("value")

    def problem(self):
        """The problem the page shows, read back from its grids and fields (not from its code)."""
        conv = {"type": "conv2d", "weight": self.values("0.weight"), "bias": self.values("0.bias"),
                "stride": [int(self.field("stride-h")), int(self.field("stride-w"))],
                "padding": [int(self.field("padding-h")), int(self.field("padding-w"))]}
        layers = [conv]
        pool = self.field("pool-type")
        if pool != "none":
            layers.append({"type": f"{pool}pool2d", "kernel_size": int(self.field("pool-size")),
                           "stride": int(self.field("pool-stride"))})
        dense = str(len(layers) + 1)
        layers += [{"type": "flatten"},
                   {"type": "linear", "weight": self.values(f"{dense}.weight"), "bias": self.values(f"{dense}.bias")}]
        return {"input": self.values("input"), "layers": layers,
                "loss": {"type": self.field("loss-type"), "target": [[float(self.field("target"))]]}}


@pytest.fixture
def page(browser, server):
    """The page; after the test, no script error may have reached the console (an HTTP error status
    the test provoked, which Chromium logs as "Failed to load resource", is not one)."""
    yield Page(browser, server)
    errors = [entry["message"] for entry in browser.get_log("browser")
              if entry["level"] == "SEVERE" and "Failed to load resource" not in entry["message"]]
    assert errors == [], errors


def api(server, endpoint, body):
    """POSTs to the API directly (not through the page); returns (status, json)."""
    response = requests.post(server + endpoint, json=body, timeout=30)
    return response.status_code, response.json()


def elements(nested, prefix=()):
    """{index tuple: value} of nested arrays (a bare number is index ())."""
    if not isinstance(nested, list):
        return {prefix: float(nested)}
    found = {}
    for i, item in enumerate(nested):
        found.update(elements(item, prefix + (i,)))
    return found
