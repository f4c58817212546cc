"""`qa serve` started the way users start it: a real process on a loopback port, with and without a password."""

from __future__ import annotations

import http.cookiejar
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from qa import Assistant

from .conftest import ROOT
from .servers import free_port, running


def _qa(*args: str, assistant: Assistant, seed_copy: Path) -> list[str]:
    index_dir = str(assistant.settings.resolved_index_dir())
    return [sys.executable, "-m", "qa.cli", *args, "--corpus", str(seed_copy), "--index-dir", index_dir]


@pytest.fixture(scope="module")
def served(assistant: Assistant, seed_copy: Path) -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = _qa("serve", "--port", str(port), "--auth", "reader:s3cret", assistant=assistant, seed_copy=seed_copy)
    with running(command, url + "/"):
        yield url


def test_password_covers_page_and_api(served: str) -> None:
    for path in ("/config", "/gradio_api/info"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(served + path, timeout=10)
        assert refused.value.code == 401, path
    page = urllib.request.urlopen(served + "/", timeout=10).read().decode()
    assert "Ask a question about the articles" not in page

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    form = urllib.parse.urlencode({"username": "reader", "password": "wrong"}).encode()
    with pytest.raises(urllib.error.HTTPError):
        opener.open(served + "/login", data=form, timeout=10)
    form = urllib.parse.urlencode({"username": "reader", "password": "s3cret"}).encode()
    opener.open(served + "/login", data=form, timeout=10).close()
    config = opener.open(served + "/config", timeout=10).read().decode()
    assert "Ask a question about the articles" in config
    assert opener.open(served + "/gradio_api/info", timeout=10).status == 200


# What a client may ask for without the password (the login form and the page's static assets), and a
# sample of the routes that reach articles, answers, uploads or files, which must all refuse.
OPEN_ROUTES = ("/", "/favicon.ico")
CLOSED_ROUTES = (
    ("GET", "/config"),
    ("GET", "/gradio_api/info"),
    ("POST", "/gradio_api/queue/join"),
    ("POST", "/gradio_api/upload"),
    ("GET", "/gradio_api/file=/etc/passwd"),
    ("GET", "/gradio_api/queue/data?session_hash=x"),
)
# Ways a file route could reach a server-side file, by absolute path or by climbing out of Gradio's folder.
TRAVERSALS = (
    "/gradio_api/file=/etc/passwd",
    "/gradio_api/file=../../../../../../etc/passwd",
    "/gradio_api/file=%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/gradio_api/file=%2Fetc%2Fpasswd",
    "/file=/etc/passwd",
    "/gradio_api/file=..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
)


def test_routes_without_the_password(served: str) -> None:
    for path in OPEN_ROUTES:
        with urllib.request.urlopen(served + path, timeout=10) as response:
            assert response.status == 200, path
    for method, path in CLOSED_ROUTES:
        request = urllib.request.Request(served + path, method=method, data=b"{}" if method == "POST" else None)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code in (401, 403), path


def test_no_file_route_reads_a_server_file(served: str, assistant: Assistant, seed_copy: Path) -> None:
    """Logged in, a user still reads no file of the server through Gradio's file routes: not /etc/passwd,
    not an article file of the corpus, not the index's records."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    form = urllib.parse.urlencode({"username": "reader", "password": "s3cret"}).encode()
    opener.open(served + "/login", data=form, timeout=10).close()
    article = next(seed_copy.glob("*.txt"))
    records = next(assistant.settings.resolved_index_dir().glob("records-*.sqlite"))
    paths = [*TRAVERSALS, f"/gradio_api/file={article}", f"/gradio_api/file={records}"]
    for path in paths:
        try:
            body = opener.open(served + path, timeout=10).read()
        except urllib.error.HTTPError as refused:
            assert refused.code in (400, 403, 404), path
            continue
        assert b"root:" not in body and article.read_bytes()[:40] not in body and b"SQLite" not in body, path


def test_share_link_is_refused_with_a_reason(assistant: Assistant, seed_copy: Path) -> None:
    result = subprocess.run(
        _qa("serve", "--share", assistant=assistant, seed_copy=seed_copy),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "offline" in result.stderr and "Traceback" not in result.stderr


def test_indexing_from_another_process_is_refused_while_served(
    served: str, assistant: Assistant, seed_copy: Path
) -> None:
    """The embedded store is not process-safe: while `qa serve` holds the index, `qa index` that would
    write is refused and pointed at the page's re-index; reading (nothing to do) still works."""
    index = [sys.executable, "-m", "qa.cli", "index", str(seed_copy)]
    index += ["--index-dir", str(assistant.settings.resolved_index_dir())]
    up_to_date = subprocess.run(index, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert up_to_date.returncode == 0 and "0 added" in up_to_date.stdout
    rebuild = subprocess.run([*index, "--rebuild"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert rebuild.returncode == 2
    assert "is serving the index" in rebuild.stderr and "Re-index" in rebuild.stderr
    assert "Traceback" not in rebuild.stderr
