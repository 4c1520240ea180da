"""The lesson page in a real browser (headless Chromium): every number on it against the API's
own answers, the chain-rule panel, settings, max-pool routing, grading, errors, keyboard use,
the permalink, "copy as Python", the API-key prompt, and screenshots for the README.
"""
import json
import pathlib
import subprocess
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from conftest import LESSON, ROOT, api, elements

RETURNS = {"return": ["activations", "activation_gradients"]}


def assert_tensor(page, tensor, expected):
    """Every cell of `tensor` on the page equals the API's value, and no cell is missing or extra."""
    shown = page.cells(tensor)
    wanted = elements(expected)
    assert shown.keys() == wanted.keys(), f"{tensor}: cells {sorted(shown)} != {sorted(wanted)}"
    for index, value in wanted.items():
        assert shown[index] == value, f"{tensor}{list(index)}: page {shown[index]!r}, API {value!r}"


def assert_backward(page, server, problem):
    """The page's forward and backward grids equal /forward's and /backward's answers for `problem`."""
    status, forward = api(server, "forward", {**problem, "return": ["activations"]})
    assert status == 200, forward
    status, backward = api(server, "backward", {**problem, **RETURNS})
    assert status == 200, backward
    names = list(forward["activations"])
    for name in names[:-1]:
        assert_tensor(page, name, forward["activations"][name])
    assert_tensor(page, "output", forward["output"])
    assert forward["activations"][names[-1]] == forward["output"]
    assert_tensor(page, "loss", forward["loss"])
    for name, gradient in backward["gradients"].items():
        assert_tensor(page, f"d:{name}", gradient)
    for name, gradient in backward["activation_gradients"].items():
        assert_tensor(page, f"d:{name}", gradient)
    return backward


def open_explanation(page, tensor, index):
    page.cell(tensor, index).click()
    page.wait_for("ready")
    WebDriverWait(page.driver, 10).until(
        lambda _: page.find("[data-explain]").get_attribute("data-index") == ",".join(map(str, index)))


def assert_explanation(page, server, problem, of, index):
    """The panel's terms are /explain's, and each term's factors are highlighted in their grids."""
    status, answer = api(server, "explain", {**problem, "of": of, "index": index})
    assert status == 200, answer
    panel = page.find("[data-explain]")
    assert panel.get_attribute("data-of") == of
    assert answer["board"] in panel.text
    terms = page.find_all("[data-explain] [data-term]")
    assert len(terms) == len(answer["terms"])
    for term, item in zip(answer["terms"], terms):
        numbers = [float(n.get_attribute("data-value")) for n in item.find_elements(By.CSS_SELECTOR, ".num")]
        assert numbers[0] == term["upstream"]["value"] and numbers[-1] == term["product"]
        up = term["upstream"]
        upstream = page.cell("output" if up["of"] == "loss" else f"d:{up['of']}", up["index"])
        assert "factor-up" in upstream.get_attribute("class")
        local = term["local"]
        if local.get("padding"):
            cell = page.find(f'[data-padding="{local["of"]}"][data-index="{",".join(map(str, local["index"]))}"]')
            assert "factor-pad" in cell.get_attribute("class")
        elif local["of"] not in ("constant", "max'", "avg'"):
            assert "factor-local" in page.cell(local["of"], local["index"]).get_attribute("class")
    assert "explained" in page.cell(f"d:{of}", index).get_attribute("class")
    return answer


def test_load_has_no_console_errors_and_no_request_leaves_the_origin(page, server):
    page.open()
    assert page.driver.get_log("browser") == []
    origin = server.rstrip("/")
    urls = []
    for entry in page.driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    urls += page.driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert any(url.endswith("/static/main.js") for url in urls)
    assert any(url.endswith("/backward") for url in urls)
    outside = [url for url in urls if not url.startswith(origin + "/") and not url.startswith("about:")]
    assert outside == []
    headers = requests.get(server, timeout=10).headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_lesson_forward_and_backward_numbers_equal_the_api(page, server):
    page.open()
    assert page.problem() == LESSON
    backward = assert_backward(page, server, LESSON)
    assert backward["gradients"]["0.weight"] == [[-85.8, -96.80000000000001], [-129.8, -140.8]]
    assert page.cell("d:0.weight", [0, 1]).text == "-96.8"
    assert page.cell("d:0.weight", [0, 1]).get_attribute("aria-label").startswith("dL/dW[0,1] = -96.80000000000001")


def test_click_weight_gradient_shows_its_chain_rule(page, server):
    page.open()
    open_explanation(page, "d:0.weight", [0, 1])
    answer = assert_explanation(page, server, LESSON, "0.weight", [0, 1])
    assert answer["board"] == "dL/dw2 = dL/dz1*x2 + dL/dz2*x4 + dL/dz3*x10 + dL/dz4*x12"


def test_last_layer_shows_the_loss_derivative(page, server):
    page.open()
    open_explanation(page, "d:2", [0, 0])
    answer = assert_explanation(page, server, LESSON, "2", [0, 0])
    loss_term = page.find("[data-explain] .loss-term")
    assert answer["terms"][0]["upstream"]["formula"] in loss_term.text
    assert "factor-up" in page.cell("output", [0, 0]).get_attribute("class")


def test_stride_and_padding_change_the_numbers_and_the_terms(page, server):
    page.open()
    for field, value in [("stride-h", 1), ("stride-w", 1), ("padding-h", 1), ("padding-w", 1)]:
        assert page.set_field(field, value) == "ready"
    problem = page.problem()
    assert problem["layers"][0]["stride"] == [1, 1] and problem["layers"][0]["padding"] == [1, 1]
    assert len(problem["layers"][2]["weight"][0]) == 25  # the page sized the dense layer to the 5x5 conv output
    assert_backward(page, server, problem)
    assert len(page.find_all('[data-padding="input"]')) == 6 * 6 - 16
    open_explanation(page, "d:0.weight", [0, 0])
    answer = assert_explanation(page, server, problem, "0.weight", [0, 0])
    assert any(term["local"].get("padding") for term in answer["terms"])
    assert page.find_all("[data-padding].factor-pad")


def test_max_pool_shows_where_it_routes_each_gradient(page, server):
    page.open()
    for field, value in [("stride-h", 1), ("stride-w", 1), ("pool-type", "max")]:
        page.set_field(field, value)
    assert page.status() == "ready"
    problem = page.problem()
    assert problem["layers"][1] == {"type": "maxpool2d", "kernel_size": 2, "stride": 2}
    assert_backward(page, server, problem)
    routed = 0
    for index in elements(api(server, "forward", {**problem, "return": ["activations"]})[1]["activations"]["0"]):
        status, answer = api(server, "explain", {**problem, "of": "0", "index": list(index)})
        assert status == 200
        for tensor in ["0", "d:0"]:
            marked = "routed" in page.cell(tensor, index).get_attribute("class")
            assert marked == bool(answer["terms"]), f"{tensor}{list(index)}"
        routed += bool(answer["terms"])
    assert routed == 1  # a 3x3 conv output, one 2x2 window (ceil_mode off): one maximum
    open_explanation(page, "d:0", [0, 0, 0, 0])
    assert_explanation(page, server, problem, "0", [0, 0, 0, 0])


def test_avg_pool_and_another_loss(page, server):
    page.open()
    page.set_field("pool-type", "avg")
    page.set_field("pool-size", 1)
    page.set_field("loss-type", "huber")
    page.set_field("target", "-3")
    assert page.status() == "ready"
    problem = page.problem()
    assert problem["layers"][1]["type"] == "avgpool2d" and problem["loss"] == {"type": "huber", "target": [[-3.0]]}
    assert_backward(page, server, problem)
    open_explanation(page, "d:0", [0, 0, 0, 0])
    answer = assert_explanation(page, server, problem, "0", [0, 0, 0, 0])
    local = answer["terms"][0]["local"]
    assert local["of"] == "constant" and local["formula"] in page.find("[data-term='0']").text


def fill_answer(page, name, values):
    for index, value in elements(values).items():
        cell = page.cell(f"answer:{name}", index)
        cell.clear()
        cell.send_keys(repr(value))
    page.find("#check-submit").click()
    page.wait_for("ready")
    WebDriverWait(page.driver, 10).until(lambda _: page.find("[data-grade-result]").text.strip() not in ("", "checking…"))


def test_wrong_answer_shows_wrong_cells_and_the_diagnosis(page, server):
    page.open()
    flipped = [[-140.8, -129.8], [-96.80000000000001, -85.8]]  # the kernel gradient rotated by 180 degrees
    fill_answer(page, "0.weight", flipped)
    status, graded = api(server, "grade", {**LESSON, "submission": {"0.weight": flipped}, "feedback": "hidden"})
    assert status == 200
    result = graded["results"]["0.weight"]
    wrong = {tuple(m["index"]) for m in result["mismatches"]}
    for index in elements(flipped):
        cell = page.cell("answer:0.weight", index)
        assert ("wrong" in cell.get_attribute("class")) == (index in wrong)
    diagnosis = page.find("[data-grade-result] [data-diagnosis]")
    assert diagnosis.get_attribute("data-diagnosis") == result["diagnosis"]["code"]
    assert diagnosis.text == result["diagnosis"]["message"]
    assert f"{result['mismatched']} of {result['total']} cells are wrong" in page.find("[data-grade-result]").text


def test_right_answer_passes_with_the_backward_pass_hidden(page, server):
    page.open()
    page.find("#hide-backward").click()
    assert not page.find("#backward").is_displayed()
    fill_answer(page, "0.weight", [[-85.8, -96.80000000000001], [-129.8, -140.8]])
    assert "Right" in page.find("[data-grade-result]").text
    assert page.find_all("[data-tensor^='answer:'].wrong") == []


def test_kernel_too_large_shows_the_api_message_by_the_field(page, server):
    page.open()
    page.set_field("kernel-rows", 5)
    assert page.status() == "error"
    trunk = {"input": LESSON["input"], "layers": [
        {"type": "conv2d", "weight": [[1, 0], [0, -1], [0, 0], [0, 0], [0, 0]], "bias": [0.5], "stride": [2, 2], "padding": [0, 0]},
        {"type": "flatten"}]}
    status, answer = api(server, "forward", trunk)
    assert status == 422
    slot = page.find("#err-kernel-size")
    assert slot.is_displayed() and slot.text == answer["error"]["message"]
    assert page.find("#kernel-rows").get_attribute("aria-invalid") == "true"
    assert page.set_field("kernel-rows", 2) == "ready"
    assert not page.find("#err-kernel-size").is_displayed()
    assert_backward(page, server, LESSON)


@pytest.mark.parametrize("settings, slot", [
    ([("stride-w", 0)], "err-stride"),
    ([("padding-h", -1)], "err-padding"),
    ([("pool-type", "max"), ("pool-size", 3)], "err-pool"),
    ([("loss-type", "bce_with_logits"), ("target", 2)], "err-loss"),
    ([("input-cols", 0)], "err-input-size"),
])
def test_a_refused_setting_gets_the_api_message_by_its_field(page, server, settings, slot):
    page.open()
    for field, value in settings:
        page.set_field(field, value)
    assert page.status() == "error"
    problem = page.problem() if slot != "err-input-size" else {**LESSON, "input": [[]] * 4}
    status, answer = api(server, "backward", problem)
    assert status == 422
    shown = page.find(f"#{slot}")
    assert shown.is_displayed() and shown.text == answer["error"]["message"]
    assert not page.find("#general-error").is_displayed()


def test_a_value_that_is_not_a_number_gets_the_api_message_by_the_grid(page, server):
    page.open()
    cell = page.cell("input", [0, 1])
    page.driver.execute_script("arguments[0].select()", cell)
    cell.send_keys("two", Keys.ENTER)
    assert page.wait_for("error") == "error"
    status, answer = api(server, "forward", {"input": [[1, "two", 3, 4]] + LESSON["input"][1:], "layers": LESSON["layers"][:2]})
    assert status == 422 and answer["error"]["path"] == "input[0][1]"
    assert page.find("#err-input").text == answer["error"]["message"]
    bad = page.cell("input", [0, 1])
    assert bad.get_attribute("aria-invalid") == "true" and bad.get_attribute("aria-describedby") == "err-input"


def test_keyboard_arrows_and_enter_open_an_explanation(page, server):
    page.open()
    first = page.cell("d:0.weight", [0, 0])
    assert first.get_attribute("tabindex") == "0" and page.cell("d:0.weight", [0, 1]).get_attribute("tabindex") == "-1"
    page.driver.execute_script("arguments[0].focus()", first)
    page.driver.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
    focused = page.driver.switch_to.active_element
    assert focused.get_attribute("data-index") == "1,0"
    focused.send_keys(Keys.ENTER)
    page.wait_for("ready")
    WebDriverWait(page.driver, 10).until(lambda _: page.find("[data-explain]").get_attribute("data-index") == "1,0")
    assert_explanation(page, server, LESSON, "0.weight", [1, 0])
    value_cell = page.cell("0", [0, 0, 0, 0])
    assert value_cell.get_attribute("aria-label") == "z[0,0,0,0] = -4.5"


def test_every_tensor_cell_is_addressable_and_labelled(page, server):
    page.open()
    cells = page.driver.execute_script("""
        return [...document.querySelectorAll('[data-tensor]')].map(c => ({
            tensor: c.dataset.tensor, index: c.dataset.index, value: c.dataset.value ?? null,
            tag: c.tagName, label: c.getAttribute('aria-label') ?? (c.labels?.[0]?.textContent ?? ''),
            tabindex: c.getAttribute('tabindex')}))""")
    assert len(cells) > 60
    for cell in cells:
        assert cell["index"] is not None and cell["label"], cell
        if cell["tensor"].startswith("d:"):
            assert cell["tag"] == "BUTTON" and cell["value"] in cell["label"], cell
        elif cell["tag"] == "TD":
            assert cell["value"] in cell["label"], cell  # the full value, read out
        else:
            assert cell["tag"] == "INPUT", cell
    grids = page.driver.execute_script(
        "return [...document.querySelectorAll('table.tensor:not(.editable)')].map(t =>"
        " t.querySelectorAll('.cell[tabindex=\"0\"]').length)")
    assert grids and all(stops == 1 for stops in grids)  # one tab stop per grid; arrows move inside


def test_permalink_round_trip(page, server):
    page.open()
    page.set_field("stride-w", 1)
    page.set_field("pool-type", "max")
    page.set_field("target", "2.5")
    open_explanation(page, "d:0.bias", [0])
    link = page.driver.current_url
    assert "stride=2,1" in link and "pool=max,2,2" in link and "explain=0.bias@0" in link
    problem = page.problem()
    page.open(link[len(page.url):])
    assert page.field("stride-w") == "1" and page.field("pool-type") == "max" and page.field("target") == "2.5"
    assert page.problem() == problem
    WebDriverWait(page.driver, 10).until(lambda _: page.find("[data-explain]").get_attribute("data-of") == "0.bias")
    assert_backward(page, server, problem)
    assert_explanation(page, server, problem, "0.bias", [0])
    # A link edited by hand in the same tab (only the fragment changes) is followed too.
    page.driver.execute_script("location.hash = location.hash.replace('stride=2,1', 'stride=1,1')")
    WebDriverWait(page.driver, 10).until(lambda _: page.field("stride-h") == "1")
    page.wait_for("ready")
    assert page.problem()["layers"][0]["stride"] == [1, 1]
    assert_backward(page, server, page.problem())


def test_copy_as_python_runs_and_prints_the_api_loss(page, server):
    page.open()
    page.find("#copy-python").click()
    code = page.find("#python-code").text
    assert "import requests" in code and "import numpy as np" in code
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == "loss 30.25"
    assert "dL/d0.weight" in run.stdout


class ProxyToServer(BaseHTTPRequestHandler):
    """Forwards to gradserver, except the POSTs `refusal` answers itself (as (status, headers, error))."""
    upstream = ""
    seen = []  # (path, Authorization) of every POST

    def log_message(self, *args):
        pass

    def refusal(self):
        return None

    def do_GET(self):
        self.forward(requests.get(self.upstream + self.path.lstrip("/"), timeout=30))

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).seen.append((self.path, self.headers.get("Authorization")))
        refused = self.refusal()
        if refused:
            status, headers, error = refused
            payload = json.dumps({"error": error}).encode()
            self.send_response(status)
            for name, value in headers + [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))]:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
            return
        self.forward(requests.post(self.upstream + self.path.lstrip("/"), data=body,
                                   headers={"Content-Type": "application/json"}, timeout=30))

    def forward(self, response):
        self.send_response(response.status_code)
        for name in ["Content-Type", "Content-Security-Policy", "ETag", "Cache-Control"]:
            if name in response.headers:
                self.send_header(name, response.headers[name])
        self.send_header("Content-Length", str(len(response.content)))
        self.end_headers()
        self.wfile.write(response.content)


class KeyCheckingProxy(ProxyToServer):
    """POSTs without `Authorization: Bearer sesame` get the contract's 401."""
    seen = []

    def refusal(self):
        if self.headers.get("Authorization") == "Bearer sesame":
            return None
        return 401, [("WWW-Authenticate", "Bearer")], {"code": "unauthorized", "message": "this route needs an API key"}


class RateLimitingProxy(ProxyToServer):
    """The first /backward gets the contract's 429 with Retry-After: 1."""
    seen = []

    def refusal(self):
        if [path for path, _ in self.seen].count("/backward") != 1 or self.path != "/backward":
            return None
        return 429, [("Retry-After", "1")], {"code": "rate_limited", "message": "over this key's rate"}


def start_proxy(handler, server):
    handler.upstream = server
    handler.seen.clear()
    proxy = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    return proxy


def test_a_429_with_a_short_retry_after_is_waited_out(page, server):
    proxy = start_proxy(RateLimitingProxy, server)
    try:
        page.driver.get("about:blank")
        page.driver.get(f"http://127.0.0.1:{proxy.server_address[1]}/")
        assert page.wait_for("ready", "error") == "ready"
        assert [path for path, _ in RateLimitingProxy.seen].count("/backward") == 2
        assert_backward(page, server, LESSON)
    finally:
        proxy.shutdown()


def test_a_401_asks_for_a_key_kept_for_the_tab(page, server):
    proxy = start_proxy(KeyCheckingProxy, server)
    try:
        page.driver.get("about:blank")
        page.driver.get(f"http://127.0.0.1:{proxy.server_address[1]}/")
        dialog = page.find("#key-dialog")
        WebDriverWait(page.driver, 10).until(lambda _: dialog.get_attribute("open") is not None)
        assert "this route needs an API key" in page.find("#key-message").text
        page.find("#key-input").send_keys("sesame", Keys.ENTER)
        assert page.wait_for("ready") == "ready"
        assert page.driver.execute_script("return sessionStorage.getItem('convgrad.apiKey')") == "sesame"
        keys = [key for _, key in KeyCheckingProxy.seen]
        assert keys[0] is None and keys[-1] == "Bearer sesame"
        assert_backward(page, server, LESSON)
        page.find("#copy-python").click()
        assert 'os.environ["CONVGRAD_API_KEY"]' in page.find("#python-code").text
        assert "sesame" not in page.find("#python-code").text
    finally:
        page.driver.execute_script("sessionStorage.clear()")
        proxy.shutdown()


def fit_window_to_page(driver, width):
    """Resizes the window to `width` and the page's whole height (twice: wrapping changes the height)."""
    for _ in range(2):
        driver.set_window_size(width, 900)
        inner = driver.execute_script("return window.outerHeight - window.innerHeight")
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(width, min(height + inner, 3200))


def test_screenshots_at_desktop_and_phone_width(page, server):
    docs = ROOT / "docs"
    page.open()
    open_explanation(page, "d:0.weight", [0, 1])
    page.driver.execute_script("document.activeElement.blur()")
    ActionChains(page.driver).move_to_element(page.find("header h1")).perform()  # no hover tooltip
    fit_window_to_page(page.driver, 1400)
    page.driver.save_screenshot(str(docs / "page-desktop.png"))
    page.driver.set_window_size(390, 844)
    overflow = page.driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than a phone"
    fit_window_to_page(page.driver, 390)
    page.driver.execute_script("window.scrollTo(0, 0)")
    page.driver.save_screenshot(str(docs / "page-phone.png"))
    assert (docs / "page-desktop.png").stat().st_size > 10_000 and (docs / "page-phone.png").stat().st_size > 10_000
