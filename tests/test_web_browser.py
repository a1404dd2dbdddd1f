"""The web view in a real headless Chromium (Debian's ``chromium``, driven by playwright with
the system browser; ``playwright install`` is never run). Skipped, with the reason, when
/usr/bin/chromium or playwright is absent. Screenshots go to the test's tmp dir."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from crawler.demo.site import DemoSite
from tests.webstand import demo_stand

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

if not CHROMIUM.exists():
    pytest.skip(
        "browser tests need Debian's chromium at /usr/bin/chromium (apt-get install -y chromium)",
        allow_module_level=True,
    )
playwright_api = pytest.importorskip("playwright.async_api", reason="pip install playwright")


@pytest.fixture
async def page() -> AsyncIterator[Any]:
    async with playwright_api.async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield await browser.new_page(viewport={"width": 1200, "height": 900})
        finally:
            await browser.close()


async def test_story_chart_marks_the_revision_and_diff_highlights_the_figure(
    page: Any, demo_site: DemoSite, redis_url: str, prefix: str, tmp_path: Path
) -> None:
    async with demo_stand(demo_site, redis_url, prefix, tmp_path) as stand:
        await page.goto(f"{stand.base}/")
        await page.click("text=kazakhstan-unrest")
        await page.wait_for_url("**/stories/kazakhstan-unrest")
        killed = page.locator('section[data-key="killed|people"] svg.chart')
        await killed.wait_for(state="visible")
        box = await killed.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 150
        revisions = killed.locator(".revision")
        assert await revisions.count() == 2  # 164 → 225 in place, then 225 → 238 elsewhere
        labels = await killed.locator(".revision-label").all_text_contents()
        assert labels == ["at least 164 → 225", "225 → 238"]
        assert await revisions.nth(1).is_visible()
        current = killed.locator(".current")
        assert await current.count() == 1 and "now 238" in await current.text_content()
        assert {
            await s.get_attribute("data-source") for s in await killed.locator(".series").all()
        } == {
            "seed",
            "Steppe Wire",
            "World Digest",
        }
        await page.screenshot(path=str(tmp_path / "story.png"), full_page=True)

        query = urlencode({"url": stand.site.report_url, "story": "kazakhstan-unrest"})
        await page.goto(f"{stand.base}/article?{urlencode({'url': stand.site.report_url})}")
        await page.click("a.diff-link")
        await page.wait_for_url("**/diff?*")
        assert query.split("&")[0] in page.url
        marks = page.locator("mark.figure-changed")
        assert await marks.all_text_contents() == ["164", "225"]
        assert await page.locator("td.removed mark.figure-changed").all_text_contents() == ["164"]
        assert await page.locator("td.added mark.figure-changed").all_text_contents() == ["225"]
        background = await marks.first.evaluate("m => getComputedStyle(m).backgroundColor")
        assert background not in ("", "rgba(0, 0, 0, 0)")  # it is highlighted, not just tagged
        await page.screenshot(path=str(tmp_path / "diff.png"), full_page=True)
    for name in ("story.png", "diff.png"):
        shot = tmp_path / name
        assert shot.stat().st_size > 10_000 and shot.read_bytes()[:4] == b"\x89PNG"
