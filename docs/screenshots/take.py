"""Screenshots of the screens people live in, from the demo data, at a desktop width and on a
390 px phone: `make screenshots` (Debian's chromium; nothing is downloaded). The PNG files sit
beside this script and are linked from the README.

A fresh SQLite database in a temporary folder gets the demo; the site is served in this
process; each role signs in and each screen is captured whole. The second factor the demo's
lead would have to enrol is switched off for this run only.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from plc.demo import DEMO_PASSWORD

HERE = Path(__file__).resolve().parent
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
CHROMIUM = os.environ.get("PLC_CHROMIUM", "/usr/bin/chromium")


def demo_app(folder: Path):
    from flask_migrate import upgrade

    from plc import create_app, demo
    from plc.extensions import db
    from plc.unit_of_work import job_transaction

    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'demo.db'}",
                      "REQUIRE_TOTP_FOR": "", "SECRET_KEY": "screenshots",
                      "MAIL_SEND_AFTER_REQUEST": False, "MAIL_DIR": str(folder / "mail")})
    with app.app_context():
        upgrade()
        with job_transaction():
            demo.load()
        db.session.remove()
    return app


def serve(app) -> str:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"


def sign_in(page, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")


def first_href(page, pattern: str) -> str:
    for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
        if re.fullmatch(pattern, href.split("?")[0]):
            return href
    raise LookupError(f"no link like {pattern} on {page.url}")


def shots(page, base: str, size: str) -> None:
    def take(name: str, path: str) -> None:
        page.goto(base + path)
        page.screenshot(path=str(HERE / f"{name}-{size}.png"), full_page=True)
        print(f"{name}-{size}.png  {path}")

    sign_in(page, base, "ana.alvarez@example.org")
    take("home-member", "/")
    program = first_href(page, r"/programs/\d+/growth").split("/")[2]
    plan = first_href(page, r"/plans/\d+")
    worksheet = first_href(page, r"/(checkpoints/\d+/worksheet|assessments/\d+)")
    take("plan", plan)
    take("worksheet", worksheet)
    take("growth", f"/programs/{program}/growth")
    page.context.clear_cookies()
    sign_in(page, base, "facilitator.ab@example.org")
    take("home-facilitator", "/")
    take("dashboard-facilitator", first_href(page, r"/cohorts/\d+/dashboard"))
    page.context.clear_cookies()
    sign_in(page, base, "lead@example.org")
    take("dashboard-program", f"/programs/{program}/dashboard")


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        base = serve(demo_app(Path(folder)))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM)
            for size, viewport in SIZES.items():
                context = browser.new_context(viewport=viewport)
                shots(context.new_page(), base, size)
                context.close()
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
