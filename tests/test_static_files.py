"""Static files are kept by browsers for a year because their URLs change with their content
(plc/static_files.py); anything else is revalidated as before."""

from __future__ import annotations

import os
import re

import pytest

from plc.static_files import ONE_YEAR, file_digest


def static_urls(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/(?:bootstrap/)?static/[^"]+)"', html)


def test_every_static_url_of_a_page_carries_its_files_digest_and_is_kept_a_year(client):
    urls = static_urls(client.get("/login").get_data(as_text=True))
    assert any("/bootstrap/static/" in u for u in urls) and any("/static/css/" in u for u in urls)
    for url in urls:
        assert re.search(r"[?&]v=[0-9a-f]{12}$", url.replace("&amp;", "&")), url
        response = client.get(url.replace("&amp;", "&"))
        assert response.status_code == 200, url
        cache = response.cache_control
        assert cache.max_age == ONE_YEAR and cache.immutable and cache.public, url


@pytest.mark.parametrize("query", ["", "?v=0123456789ab"])
def test_a_static_url_without_its_current_digest_is_revalidated(client, query):
    response = client.get(f"/static/css/plc.css{query}")
    assert response.status_code == 200
    assert response.cache_control.max_age in (None, 0)


def test_a_changed_file_gets_another_digest(tmp_path):
    path = tmp_path / "site.css"
    path.write_text("body { color: black }")
    before = file_digest(str(tmp_path), "site.css")
    path.write_text("body { color: navy }")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert before and file_digest(str(tmp_path), "site.css") not in (None, before)
    assert file_digest(str(tmp_path), "missing.css") is None
