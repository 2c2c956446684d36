"""The learning page: one self-contained file, loaded in a real headless Chromium."""

import importlib.util
import re
import shutil

import numpy as np
import pytest

import backgen
from backgen import examples
from backgen.cli import main
from backgen.page import highlight_lines, page

from conftest import EXAMPLES, ROOT

spec = importlib.util.spec_from_file_location("screenshot_page", ROOT / "tools" / "screenshot_page.py")
screenshot_page = importlib.util.module_from_spec(spec)
spec.loader.exec_module(screenshot_page)


def _browser_missing():
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install selenium; .ci/run installs it)"
    if screenshot_page.find(screenshot_page.CHROMIUM) is None or screenshot_page.find(screenshot_page.DRIVERS) is None:
        return "Chromium is not installed (apt-get install chromium chromium-driver; .ci/run installs it)"
    return None


needs_browser = pytest.mark.skipif(_browser_missing() is not None, reason=_browser_missing() or "")


@pytest.fixture(scope="module")
def circuit_page(tmp_path_factory):
    module_dir = tmp_path_factory.mktemp("page")
    path = module_dir / "circuit.html"
    assert main(["html", str(EXAMPLES / "circuit.py"), "--function", "circuit", "--at", "x=-2,y=5,z=-4",
                 "-o", str(path)]) == 0
    return path


@pytest.fixture(scope="module")
def driver():
    if _browser_missing():
        pytest.skip(_browser_missing())
    browser = screenshot_page.browser(1400, 1000)
    yield browser
    browser.quit()


def test_page_is_one_self_contained_file(circuit_page):
    text = circuit_page.read_text()
    assert "<script src" not in text and "<link" not in text and "@import" not in text
    urls = set(re.findall(r"https?://[^\s\"'<>]+", text))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, urls
    for pane in ("pane-source", "pane-staged", "pane-backward"):
        assert f'id="{pane}"' in text
    if shutil.which("dot"):  # (the picture needs Graphviz; without it the page says how to install it)
        assert "<svg" in text and 'id="gate_1"' in text
    else:
        assert "<svg" not in text and "apt-get install graphviz" in text
    assert "dq = -4" in text and "dz = 3" in text  # the numbers


def test_lines_carry_their_links(circuit_page):
    text = circuit_page.read_text()
    # the backward line dq = z * dout undoes staged line (2), which is line 9 of circuit.py
    backward = text[text.index('id="pane-backward"'):text.index('id="picture"')]
    line = next(part for part in backward.split('<div class="line"')[1:] if ">dq</" in part or "dq =" in part)
    assert 'data-step="2"' in line and 'data-user="9"' in line
    source = text[text.index('id="pane-source"'):text.index('id="pane-staged"')]
    assert 'data-user="9" data-steps="2"' in source


def test_highlighter_keeps_text():
    text = 'def f(x):\n    """doc\n    more"""\n    return x + 1.5  # note\n'
    lines = highlight_lines(text)
    assert len(lines) == len(text.split("\n"))
    plain = [re.sub(r"<[^>]+>", "", line).replace("&quot;", '"') for line in lines]
    assert plain == text.split("\n")
    assert '<span class="kw">def</span>' in lines[0] and '<span class="num">1.5</span>' in lines[3]
    assert '<span class="com"># note</span>' in lines[3]


def test_page_of_a_numpy_function():
    source = '''
import numpy as np

def layer(x: "N, D", w: "D, M"):
    h = x.dot(w)
    return np.maximum(0, h).sum()
'''
    rng = np.random.default_rng(0)
    result = page(source, rng.standard_normal((3, 4)), rng.standard_normal((4, 2)))
    assert "(3, 2) [" in result.html and result._repr_html_() == result.html


@needs_browser
def test_in_headless_chromium(driver, circuit_page):
    from selenium.webdriver.common.by import By

    driver.get(circuit_page.resolve().as_uri())
    errors = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    assert errors == []
    for pane in ("pane-source", "pane-staged", "pane-backward"):
        element = driver.find_element(By.ID, pane)
        assert element.is_displayed() and element.size["height"] > 50 and element.size["width"] > 100
    picture = driver.find_element(By.CSS_SELECTOR, "#picture svg")
    assert picture.is_displayed() and picture.size["width"] > 100 and picture.size["height"] > 50
    # clicking a backward line highlights the staged line and the source line it undoes
    backward = [e for e in driver.find_elements(By.CSS_SELECTOR, "#pane-backward .line")
                if "dq = z * dout" in e.text][0]
    backward.click()
    staged = driver.find_element(By.CSS_SELECTOR, "#pane-staged .line[data-step='2']")
    source = [e for e in driver.find_elements(By.CSS_SELECTOR, "#pane-source .line") if "f = q * z" in e.text][0]
    assert "hl" in staged.get_attribute("class").split()
    assert "hl" in source.get_attribute("class").split()
    gate = driver.find_element(By.ID, "gate_2")
    assert "hl" in gate.get_attribute("class").split()
    other = driver.find_element(By.CSS_SELECTOR, "#pane-staged .line[data-step='1']")
    assert "hl" not in other.get_attribute("class").split()
    # and the reverse: clicking a staged line highlights the backward lines undoing it
    other.click()
    marked = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#pane-backward .line.hl")]
    assert any("dx = dq" in t for t in marked) and any("dy = dq" in t for t in marked)
    assert not any("dq = z * dout" in t for t in marked)
    errors = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    assert errors == []


@needs_browser
def test_screenshot_script_writes_a_png(tmp_path, circuit_page):
    out = tmp_path / "page.png"
    assert screenshot_page.main([str(circuit_page), "-o", str(out), "--click", "2"]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 10_000


def test_command_line_html_to_stdout(capsys):
    assert main(["html", str(EXAMPLES / "staged.py"), "--function", "staged", "--at", "x=3,y=-4"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("<!DOCTYPE html>") and "dx = 2.06" in out


# the seed examples' learning view in generated_examples/


def test_generated_explanations_are_up_to_date():
    assert examples.stale() == [], "run: python -m backgen.examples"


@pytest.mark.parametrize("name, numbers", [
    ("circuit", ["q = 3", "f = -12", "dz = 3", "dq = -4", "dx = -4", "dy = -4"]),
    ("sigmoid_neuron", ["dw0 = -0.1966", "dw1 = -0.3932", "dw2 = 0.1966", "dx0 = 0.3932", "dx1 = -0.5898"]),
    ("staged", ["dx = 2.06", "dy = 1.592", "f = 1.546"]),
])
def test_generated_examples_hold_the_seed_numbers(name, numbers):
    text = (EXAMPLES / f"{name}_explain.txt").read_text()
    page_text = (EXAMPLES / f"{name}_page.html").read_text()
    for number in numbers:
        assert number in text and number in page_text
    svg = (EXAMPLES / f"{name}_graph.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "<svg" in page_text


def test_notebook_display_of_the_decorator_and_results(example):
    f = backgen.backward(example("circuit").circuit)
    assert "circuit_backward" in f._repr_html_() and '<span class="kw">def</span>' in f._repr_html_()
    assert f._repr_markdown_().startswith("```python")
    if shutil.which("dot"):
        picture = backgen.graph(example("circuit").circuit, -2.0, 5.0, -4.0)
        assert picture._repr_svg_().lstrip().startswith("<?xml")
    assert "<table" in backgen.explain(example("circuit").circuit, -2.0, 5.0, -4.0)._repr_html_()


def test_page_without_graphviz_says_how_to_install_it(example, monkeypatch):
    graph_module = importlib.import_module("backgen.graph")
    monkeypatch.setattr(graph_module.shutil, "which", lambda name: None)
    result = page(example("circuit").circuit, -2.0, 5.0, -4.0)
    assert "<svg" not in result.html and "apt-get install graphviz" in result.html
    assert 'id="pane-backward"' in result.html
