"""One Debian Chromium for the whole browser suite, a fresh context (cookies, viewport) per page.

Never `playwright install`: the browser is Debian's /usr/bin/chromium (scripts/bootstrap.sh test).
"""

import re
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run"]
DEVICES = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
              "device_scale_factor": 1,
              "user_agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
                            "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"},
}


@pytest.fixture(scope="package")
def browser():
    """Chromium, launched once for every test in tests/browser and closed after the last one.

    Package scope rather than session scope: Playwright's sync API keeps an asyncio loop running in the
    main thread, and Django's ORM refuses to run in such a thread unless DJANGO_ALLOW_ASYNC_UNSAFE is set.
    The variable is set only while Playwright runs, so the rest of the suite keeps Django's guard.
    """
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (run scripts/bootstrap.sh test)")
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as env, sync_playwright() as playwright:
        env.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live_server, personas_tx):
    """`new_page("desktop" | "phone", locale="zh-CN")` -> a Page in its own context, aimed at the live server.

    Uncaught script errors and Content-Security-Policy violations are collected and fail the test.
    """
    contexts, problems = [], []

    def make(device: str = "desktop", locale: str = "zh-CN"):
        context = browser.new_context(base_url=live_server.url, locale=locale, timezone_id="Asia/Shanghai",
                                      **DEVICES[device])
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.on("console", lambda message: problems.append(f"console: {message.text}")
                if message.type == "error" and "Content Security Policy" in message.text else None)
        return page

    yield make
    for context in contexts:
        context.close()
    assert not problems, "the browser reported problems:\n" + "\n".join(problems)


@pytest.fixture
def page(new_page):
    return new_page("desktop")


@pytest.fixture
def phone_page(new_page):
    return new_page("phone")


@pytest.fixture
def shoot(request, artifacts_dir):
    """`shoot(page, "step")` saves a full-page screenshot to test-artifacts/screenshots/<test>-<step>.png."""
    folder = artifacts_dir / "screenshots"
    folder.mkdir(exist_ok=True)
    test_name = re.sub(r"[^\w.-]+", "_", request.node.name).strip("_")

    def take(page, step: str) -> Path:
        path = folder / f"{test_name}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
