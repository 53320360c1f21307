"""The party page of a derived listing in a real browser: the ownership chain as a graph."""

from __future__ import annotations

from typing import Any

import pytest

from tests.ownership.store import LIST_ID, PASSWORD

pytestmark = pytest.mark.timeout(300)


def test_the_web_page_draws_the_chain(
    owners_server: tuple[str, str, str],
    browser: Any,
) -> None:
    url, _, user = owners_server
    context = browser.new_context(base_url=url)
    page = context.new_page()
    page.goto("/ui/login")
    page.get_by_label("User name").fill(user)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/ui/check")
    page.goto(f"/ui/parties/{LIST_ID}:zorvex-gamma-shipping-ltd")
    graph = page.locator("svg.ownership-graph")
    assert graph.locator("g.own-node").count() == 3
    assert (graph.locator("g.own-listed").text_content() or "").startswith("SNIPER AFRICA")
    assert {graph.locator("text.own-share").nth(i).text_content() for i in range(2)} == {
        "60 %",
        "50 %",
    }
    transact = page.locator("table.verdicts tr", has=page.locator("th", has_text="transact"))
    assert "PROHIBITED" in transact.inner_text()
    context.close()
