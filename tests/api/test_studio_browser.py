"""The studio page in a real browser (Debian's chromium driven by playwright) against the live server.

One walk through what a person does: key, gallery, upload a photo, two scenes (with add, remove and reorder),
create, watch it play, find it in the list with its webhook deliveries, delete it. Any console error, page error,
failed request or HTTP error answer fails the test. A screenshot of each step is saved in the test's tmp dir
(pytest prints its path on failure; see the README).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from avatarstudio.catalog.avatars import list_avatars
from live_service import API_KEY

CHROMIUM = Path("/usr/bin/chromium")
# Flags for a quiet, offline headless run: no GPU, no background fetches, updates or sign-in of its own.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
RENDER_SECONDS = 150
BUILT_IN_LOOKS = len(list_avatars())

pytestmark = [pytest.mark.service, pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (make install)")]


class Problems:
    """Everything the browser reports going wrong on the pages it watches."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def watch(self, page: Page) -> Page:
        page.on("console", lambda message: message.type == "error" and self.seen.append(f"console: {message.text}"))
        page.on("pageerror", lambda error: self.seen.append(f"page error: {error}"))
        page.on("requestfailed", lambda request: self.seen.append(
            f"request failed: {request.method} {request.url} {request.failure}"))
        page.on("response", lambda response: response.status >= 400 and self.seen.append(
            f"HTTP {response.status}: {response.request.method} {response.url}"))
        return page


@pytest.fixture()
def browser() -> Iterator:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def test_a_person_makes_plays_and_deletes_a_two_scene_video(service, browser, tmp_path: Path) -> None:
    context = browser.new_context(viewport=DESKTOP)
    problems = Problems()
    page = problems.watch(context.new_page())
    shots = iter(range(1, 100))

    def shot(name: str, full_page: bool = True) -> None:
        page.screenshot(path=tmp_path / f"{next(shots):02d}-{name}.png", full_page=full_page)

    page.goto(f"{service.base_url}/studio")
    expect(page).to_have_title("avatarstudio")
    shot("empty")

    page.get_by_label("API key").fill(API_KEY)
    expect(page.locator("#key-status")).to_contain_text("The key works")
    expect(page.locator("#gallery .look", has_text="Built in")).to_have_count(BUILT_IN_LOOKS, timeout=30_000)
    page.wait_for_function("[...document.querySelectorAll('#gallery img')]"
                           ".every((image) => image.complete && image.naturalWidth > 0)")
    expect(page.locator("#voices li").first).to_be_visible()
    shot("key-and-gallery")

    page.get_by_label("Photo for a talking photo").set_input_files(files={
        "name": "studio-portrait.png", "mimeType": "image/png",
        "buffer": files("skimage.data").joinpath("astronaut.png").read_bytes()})
    expect(page.locator("#photo-status")).to_contain_text("is ready", timeout=60_000)
    photo = page.get_by_role("button", name="studio-portrait (Talking photo)")
    expect(photo).to_have_attribute("aria-pressed", "true")
    page.wait_for_function("document.querySelector('#gallery button[aria-pressed=true] img').naturalWidth > 0")
    first = page.locator(".scene").nth(0)
    expect(first.get_by_label("Avatar", exact=True)).to_have_value(photo.get_attribute("data-look"))
    first.get_by_label("Script", exact=True).fill("Hello from the first scene.")
    shot("photo-uploaded")

    page.get_by_role("button", name="Add scene").click()
    second = page.locator(".scene").nth(1)
    page.get_by_role("button", name="Noah (front) (Built in)").click()
    expect(second.get_by_label("Avatar", exact=True)).to_have_value("Noah_drawn_front")
    second.get_by_label("Script", exact=True).fill("And this is the second one.")
    second.get_by_label("Background", exact=True).select_option("color")
    second.get_by_label("Background colour").fill("#204060")
    second.get_by_label("Avatar placement").select_option(label="Left")
    page.get_by_role("button", name="Add scene").click()
    expect(page.locator(".scene")).to_have_count(3)
    page.get_by_role("button", name="Remove scene 3").click()
    page.get_by_role("button", name="Move scene 2 up").click()
    expect(page.locator(".scene").nth(0).get_by_label("Script", exact=True)).to_have_value("And this is the second one.")
    page.get_by_role("button", name="Move scene 1 down").click()
    expect(page.locator(".scene")).to_have_count(2)
    expect(page.locator(".scene").nth(0).get_by_label("Script", exact=True)).to_have_value("Hello from the first scene.")
    page.get_by_label("Title", exact=True).fill("Browser test")
    page.get_by_label("Captions").check()
    shot("two-scenes")

    page.get_by_role("button", name="Create", exact=True).click()
    expect(page.locator("#job-status")).to_contain_text(re.compile(r"waiting|pending|processing"))
    shot("rendering", full_page=False)
    expect(page.locator("#job-status")).to_contain_text(re.compile(r"Browser test: \d+\.\d s"),
                                                        timeout=RENDER_SECONDS * 1000)
    page.wait_for_function("(() => { const v = document.querySelector('#player');"
                           " return v.readyState >= 2 && v.duration > 0; })()")
    for name in ("Download the video", "Captioned copy", "Subtitles (SRT)", "Thumbnail"):
        expect(page.get_by_role("link", name=name)).to_be_visible()
    page.locator("#player").scroll_into_view_if_needed()
    shot("video-ready")

    row = page.locator("#videos tbody tr").first
    expect(row).to_contain_text("Browser test")
    expect(row).to_contain_text("completed")
    expect(row.locator("td").nth(3)).to_contain_text(re.compile(r"\d+\.\d s"))
    page.wait_for_function("document.querySelector('#videos tbody img').naturalWidth > 0")
    row.get_by_role("button", name="Webhook deliveries of Browser test").click()
    expect(page.locator("#deliveries")).to_contain_text("Webhook deliveries of Browser test")
    shot("videos-list")

    row.get_by_role("button", name="Delete Browser test").click()
    expect(page.locator("#videos tbody")).not_to_contain_text("Browser test")
    expect(page.locator("#player")).to_be_hidden()
    shot("deleted")

    phone = problems.watch(context.new_page())
    phone.set_viewport_size(PHONE)
    phone.goto(f"{service.base_url}/studio")
    expect(phone.locator("#key-status")).to_contain_text("The key works")
    expect(phone.locator("#gallery .look", has_text="Built in")).to_have_count(BUILT_IN_LOOKS, timeout=30_000)
    phone.wait_for_function("[...document.querySelectorAll('#gallery img')].every((image) => image.complete)")
    wider = phone.evaluate("""width => [...document.querySelectorAll('body *')]
        .filter((element) => element.getBoundingClientRect().right > width + 1)
        .slice(0, 5).map((element) => `${element.tagName}#${element.id}.${element.className}`)""", PHONE["width"])
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], f"the page scrolls sideways: {wider}"
    phone.screenshot(path=tmp_path / f"{next(shots):02d}-phone.png", full_page=True)
    context.close()
    assert not problems.seen, problems.seen


def test_the_api_s_errors_appear_beside_the_field_they_name(service, browser, tmp_path: Path) -> None:
    problems = Problems()
    page = problems.watch(browser.new_page(viewport=DESKTOP))
    page.goto(f"{service.base_url}/studio")
    with service.client(key="not-a-key") as stranger:
        refused = stranger.get("/v3/users/me").json()["error"]["message"]
    page.get_by_label("API key").fill("not-a-key")
    expect(page.locator("#key").locator("..").locator(".field-error")).to_have_text(refused)
    expect(page.get_by_label("API key")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("API key").fill(API_KEY)
    expect(page.locator("#key-status")).to_contain_text("The key works")
    expect(page.locator(".field-error.placed")).to_have_count(0)
    expect(page.locator("#gallery .look", has_text="Built in")).to_have_count(BUILT_IN_LOOKS, timeout=30_000)

    page.locator(".scene").nth(0).get_by_label("Script", exact=True).fill("")
    page.get_by_role("button", name="Create", exact=True).click()
    script_field = page.locator(".scene").nth(0).get_by_label("Script", exact=True).locator("..")
    expect(script_field.locator(".field-error")).to_contain_text(
        re.compile(r"^video_inputs\.0\.voice\.(text\.)?input_text is invalid"))

    not_footage = b"these are notes, not a video"
    with service.client() as http:
        upload_error = http.post("/v3/assets", files={"file": ("notes.mp4", not_footage, "video/mp4")}).json()
    page.get_by_label("Footage for a digital twin").set_input_files(files={
        "name": "notes.mp4", "mimeType": "video/mp4", "buffer": not_footage})
    expect(page.locator("#footage-drop .field-error")).to_have_text(upload_error["error"]["message"])
    page.screenshot(path=tmp_path / "errors.png", full_page=True)
    unexpected = [problem for problem in problems.seen
                  if not re.search(r"status of (400|401|415)|HTTP (400|401|415): (GET|POST) .*/v[23]/", problem)]
    assert not unexpected, unexpected
