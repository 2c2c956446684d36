"""Write a screenshot of backgen's learning page, so a person can look at it.

    python tools/screenshot_page.py generated_examples/staged_page.html -o staged.png
    python tools/screenshot_page.py --example circuit -o circuit.png [--click 2]

The page is opened from disk in headless Chromium (Debian's ``chromium`` and
``chromium-driver``, driven by Selenium: ``pip install selenium``).  With
``--example NAME`` the page of a seed example (circuit, sigmoid_neuron,
staged) is generated first; ``--click N`` clicks the first backward line
undoing staged line N before the picture is taken, to show the links.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
DRIVERS = ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")


def find(paths):
    return next((p for p in paths if os.path.exists(p)), None)


def browser(width=1500, height=1100):
    """A headless Chromium driven by Selenium, logging the console."""
    from selenium import webdriver  # noqa: PLC0415 -- a test and tool dependency only
    from selenium.webdriver.chrome.service import Service  # noqa: PLC0415

    binary, driver = find(CHROMIUM), find(DRIVERS)
    if binary is None or driver is None:
        raise RuntimeError("Chromium and its driver are needed: apt-get install chromium chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 f"--window-size={width},{height}", "--allow-file-access-from-files"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(driver), options=options)


def example_page(name, directory):
    sys.path.insert(0, str(ROOT))
    from backgen.examples import EXAMPLES, example_page as build  # noqa: PLC0415

    if name not in EXAMPLES:
        raise SystemExit(f"unknown example {name!r}: choose {', '.join(EXAMPLES)}")
    path = Path(directory) / f"{name}_page.html"
    path.write_text(build(name), encoding="utf-8")
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("page", nargs="?", help="the HTML page to photograph")
    parser.add_argument("--example", help="generate the page of this seed example first")
    parser.add_argument("-o", "--output", default="page.png", help="the PNG to write (default page.png)")
    parser.add_argument("--click", type=int, help="click the backward line undoing this staged line first")
    parser.add_argument("--width", type=int, default=1500)
    parser.add_argument("--height", type=int, default=1100)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        if args.example:
            path = example_page(args.example, scratch)
        elif args.page:
            path = Path(args.page)
        else:
            parser.error("give a page or --example NAME")
        driver = browser(args.width, args.height)
        try:
            driver.get(path.resolve().as_uri())
            if args.click is not None:
                from selenium.webdriver.common.by import By  # noqa: PLC0415

                line = driver.find_element(By.CSS_SELECTOR, f"#pane-backward .line[data-step='{args.click}']")
                line.click()
            height = driver.execute_script("return document.body.scrollHeight")
            driver.set_window_size(args.width, max(args.height, min(int(height) + 40, 4000)))
            driver.save_screenshot(args.output)
            errors = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
        finally:
            driver.quit()
    for error in errors:
        print(f"console error: {error.get('message')}", file=sys.stderr)
    print(args.output)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
