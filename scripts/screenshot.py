"""Take the README's screenshot from a running demo (`timpora demo`), in Debian's Chromium.

.venv/bin/python scripts/screenshot.py --user imi.officer --password '…' --name 黄伟勇
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshot.png"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--name", required=True, help="a name to search, in any script")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    flags = ["--disable-background-networking", "--disable-component-update", "--no-first-run"]
    if os.geteuid() == 0:
        flags.append("--no-sandbox")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=flags)
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        page.goto(f"{args.url}/accounts/login/")
        page.fill("#id_username", args.user)
        page.fill("#id_password", args.password)
        page.click("button[type=submit].primary")
        page.goto(f"{args.url}/persons/")
        page.fill("#id_name", args.name)
        page.select_option("#id_purpose", "SUPERVISION")
        page.click("form.search-form button[type=submit]")
        page.locator("table.persons tbody a").first.click()
        page.locator("h1").wait_for()
        page.screenshot(path=str(args.out), full_page=False)
        browser.close()
    print(f"saved {args.out}")


if __name__ == "__main__":
    main()
