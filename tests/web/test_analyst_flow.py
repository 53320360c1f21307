"""The analyst's day in a real browser (Debian Chromium, headless) against a live server.

Signs in, checks "Higuision", opens Hikvision's party page and reads the export
verdict, decides an alert as a false positive, and finds the decision in the audit view.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import LiveServer
from tests.web.conftest import WebUsers

pytestmark = pytest.mark.timeout(300)


@pytest.fixture
def page(browser: Any, web: LiveServer) -> Any:
    context = browser.new_context(base_url=web.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def sign_in(page: Any, name: str, password: str, expect: str = "**/ui/check") -> None:
    page.goto("/ui/check")
    assert "/ui/login" in page.url  # not signed in: sent to the login page
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(expect)


def test_check_party_decide_and_audit(page: Any, web_users: WebUsers, hikvision_alert: int) -> None:
    sign_in(page, web_users.analyst, web_users.password)

    page.get_by_label("Name", exact=True).fill("Higuision")
    page.get_by_label("Activity").select_option("export")
    page.get_by_role("button", name="Check").click()
    result = page.locator("section.result")
    result.wait_for()
    assert "LICENCE REQUIRED" in result.locator(".verdict").first.inner_text()
    first_hit = page.locator("ol.hits > li").first
    assert "HIKVISION" in first_hit.inner_text()
    assert "higuision ~ hikvision" in first_hit.inner_text()  # the explanation in words

    first_hit.get_by_role("link", name=re.compile("HIKVISION")).click()
    page.wait_for_url("**/ui/parties/ofac-nonsdn:30946")
    export_row = page.locator("table.verdicts tr", has=page.locator("th", has_text="export"))
    assert "LICENCE REQUIRED" in export_row.inner_text()
    listings = page.locator("section", has=page.locator("#listings-heading")).inner_text()
    for expected in ("ofac-nonsdn/CMIC", "us-csl/EL", "CNE100000PM8", "added in version"):
        assert expected in listings, expected

    page.get_by_role("link", name="Alerts").click()
    page.wait_for_url("**/ui/alerts")
    page.get_by_label("List").select_option("us-csl")
    page.get_by_label("Effect").select_option("export_licence_required")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name=f"#{hikvision_alert}", exact=True).click()
    page.wait_for_url(f"**/ui/alerts/{hikvision_alert}")
    page.get_by_label("false positive").check()
    reason = f"Higuision Optics of Lyon, a camera shop; not Hikvision ({hikvision_alert})"
    page.get_by_label(re.compile("^Reason")).fill(reason)
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_url(re.compile(rf"/ui/alerts/{hikvision_alert}\?decided=1"))
    assert "false positive by user:" + web_users.analyst in page.locator(".facts").inner_text()

    page.get_by_role("link", name="Audit trail").click()
    page.wait_for_url("**/ui/audit")
    assert "CHAIN VERIFIED" in page.locator(".verified").inner_text()
    page.get_by_label("Who").fill(web_users.analyst)
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("table.audit tbody tr")
    decision_rows = rows.filter(has_text="false_positive").filter(has_text=reason)
    assert decision_rows.count() == 1
    assert f"user:{web_users.analyst}" in decision_rows.first.inner_text()
    assert rows.filter(has_text="Higuision").count() >= 1  # the screening itself


def test_batch_upload_progress_and_downloads(
    page: Any, web_users: WebUsers, tmp_path: Path
) -> None:
    sign_in(page, web_users.analyst, web_users.password)
    table = tmp_path / "customers.csv"
    table.write_text(
        "id,name,country\n1,Higuision,CN\n2,Acme Garden Supplies Ltd,GB\n3,Vladimir Putin,RU\n",
        encoding="utf-8",
    )
    page.get_by_role("link", name="Batch screening").click()
    page.get_by_label("File").set_input_files(str(table))
    page.get_by_label("Activity").select_option("export")
    page.get_by_role("button", name="Screen the file").click()
    page.wait_for_url(re.compile(r"/ui/batch/[0-9a-f]+$"))
    page.locator("#job-done").wait_for(state="visible", timeout=120_000)  # polled by job.js
    assert page.locator("#job-status").inner_text() == "done"
    assert "3 rows screened, 2 with a hit" in page.locator("#job-summary").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download the screened table")).click()
    csv_text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "ofac-nonsdn:30946" in csv_text and "screen_verdict" in csv_text
    page.get_by_role("link", name="Open the HTML report").click()
    assert "Screening report" in page.locator("h1").inner_text()
    assert "HIKVISION" in page.content()


def test_admin_creates_an_api_key_shown_once(
    page: Any, web: LiveServer, web_users: WebUsers
) -> None:
    import httpx

    sign_in(page, web_users.admin, web_users.password)
    page.get_by_role("link", name="API keys").click()
    page.get_by_label("screen").check()
    page.get_by_label("What it is for").fill("browser test")
    page.get_by_role("button", name="Create key").click()
    secret = page.locator("#new-secret").inner_text().strip()
    assert secret.startswith("clr_")
    checked = httpx.post(
        f"{web.url}/check",
        json={"name": "Higuision"},
        headers={"Authorization": f"ApiKey {secret}"},
    )
    assert checked.status_code == 200  # the key works on the API at once
    page.reload()
    assert secret not in page.content()  # never shown again


def test_keyboard_focus_and_zoom(page: Any, web_users: WebUsers) -> None:
    """Keyboard only: tab to the fields, submit with Enter; focus is visible; 200 % zoom."""
    page.goto("/ui/login")
    assert page.evaluate("document.activeElement.id") == "username"  # focus starts there
    page.keyboard.type(web_users.analyst)
    page.keyboard.press("Tab")
    page.keyboard.type(web_users.password)
    page.keyboard.press("Enter")
    page.wait_for_url("**/ui/check")
    page.goto("/ui/lists")  # no autofocus here: Tab starts at the top of the page
    page.keyboard.press("Tab")  # the first stop is the skip link, shown when focused
    assert page.evaluate("document.activeElement.className") == "skip"
    assert page.locator(".skip").bounding_box()["x"] >= 0  # on screen once focused
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # a visible focus ring
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.goto("/ui/check")
    assert page.evaluate("document.activeElement.id") == "name"  # autofocus
    page.keyboard.type("Higuision")
    order = []
    for _ in range(5):  # the form's fields in reading order, then its button
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.id || document.activeElement.type"))
    assert order == ["schema", "country", "birth_date", "activity", "submit"]
    page.keyboard.press("Enter")
    page.locator("section.result").wait_for()
    assert "HIKVISION" in page.locator("ol.hits").inner_text()
    # 200 % zoom of a 1280 px window is a 640 px viewport: nothing may need sideways scrolling.
    page.set_viewport_size({"width": 640, "height": 900})
    for path in ("/ui/check", "/ui/parties/ofac-nonsdn:30946", "/ui/alerts", "/ui/lists"):
        page.goto(path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{path} scrolls sideways by {overflow}px at 200 % zoom"
    unlabelled = page.evaluate(
        """[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
           .filter(e => !e.labels || e.labels.length === 0).map(e => e.name)"""
    )
    assert unlabelled == []


def test_check_page_warns_of_old_lists_and_shows_near_misses(
    page: Any, web_users: WebUsers
) -> None:
    from clearance.matching import DEFAULT_THRESHOLD

    sign_in(page, web_users.analyst, web_users.password)
    banner = page.locator("#lists-banner")  # the bundled lists are months old
    assert banner.is_visible() and "older than 30 days" in banner.inner_text()
    page.get_by_label("Name", exact=True).fill("Maria Gonzalez Muniz")
    page.get_by_label("Type").select_option("person")
    page.get_by_role("button", name="Check").click()
    result = page.locator("section.result")
    result.wait_for()
    bar = f"{DEFAULT_THRESHOLD:.2f}"
    assert f"No listed party matches this name at the threshold {bar}" in result.inner_text()
    near = page.locator("section.near-misses")
    assert f"below the threshold {bar}, not matches" in near.locator("h3").inner_text()
    misses = near.locator("li.near-miss")
    assert misses.count() >= 1
    assert misses.count() == near.locator(".badge-below").count()
    assert "GONZALEZ" in misses.first.inner_text().upper()
    assert "Lists used: " in result.locator(".lists-used").inner_text()
