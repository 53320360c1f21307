"""Screenshots of the web page's main screens for docs/ and the README.

python tools/take_screenshots.py --db /tmp/shots.db [--out docs/screenshots]

Starts `clearance serve`'s app on 127.0.0.1 over the given store (an empty one gets
the bundled snapshot), adds a demo admin and one monitoring alert ("Higuision"),
then drives Debian's Chromium through Playwright and saves PNGs.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from clearance.api import ApiSettings, create_app
from clearance.monitoring.alerts import list_alerts
from clearance.monitoring.counterparties import Counterparty, add_counterparties
from clearance.monitoring.monitor import run_monitor
from clearance.store import open_store
from clearance.web.users import UserStore

USER, PASSWORD = "ana", "screenshots only 2026"


def serve(db: str) -> tuple[uvicorn.Server, str]:
    config = uvicorn.Config(
        create_app(ApiSettings(db=db, rate_limit_per_minute=0)),
        host="127.0.0.1",
        port=0,
        log_level="warning",
    )
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    url = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    while httpx.get(url + "/readyz").status_code != 200:
        time.sleep(0.1)
    return server, url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", default="docs/screenshots")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    store = open_store(args.db)  # loads the bundled snapshot into an empty store
    users = UserStore(store.engine)
    if users.get(USER) is None:
        users.create(USER, PASSWORD, "admin", "tools/take_screenshots.py")
    if not list_alerts(store.engine, counterparty_id="CUST-1042"):
        add_counterparties(store.engine, [Counterparty("CUST-1042", "Higuision", country="CN")])
        run_monitor(store, actor="tools/take_screenshots.py")
    alert_id = list_alerts(store.engine, counterparty_id="CUST-1042")[0]["id"]
    server, url = serve(args.db)
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or sys.exit("needs Debian's chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(base_url=url, viewport={"width": 1280, "height": 860})
        page.goto("/ui/login")
        page.screenshot(path=out / "login.png")
        page.get_by_label("User name").fill(USER)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/ui/check")
        page.get_by_label("Name", exact=True).fill("Higuision")
        page.get_by_label("Activity").select_option("export")
        page.get_by_role("button", name="Check").click()
        page.locator("section.result").wait_for()
        page.screenshot(path=out / "check.png", full_page=True)
        page.goto("/ui/parties/ofac-nonsdn:30946")
        page.screenshot(path=out / "party.png")
        page.goto("/ui/alerts")
        page.screenshot(path=out / "alerts.png")
        page.goto(f"/ui/alerts/{alert_id}")
        page.screenshot(path=out / "alert.png")
        page.goto("/ui/audit")
        page.screenshot(path=out / "audit.png")
        page.goto("/ui/lists")
        page.screenshot(path=out / "lists.png")
        browser.close()
    server.should_exit = True
    print(f"screenshots in {out}: " + ", ".join(sorted(p.name for p in out.glob("*.png"))))


if __name__ == "__main__":
    main()
