"""The built site served by a real nginx under a sub-path (``/rapor/``), as it would be hosted.

nginx runs as a subprocess of the tests with everything (config, pid, logs, temp folders) in a
temporary folder, on a random free port of 127.0.0.1, and is stopped at the end. As on a real host:
the site is copied as `rsync -a` deploys it (modes kept) into a web root that others may enter, the
server block holds exactly the locations the README's snippet gives, and when the tests run as root,
nginx's workers run as an unprivileged user, so a site only its owner can read is answered with 403.
"""

from __future__ import annotations

import itertools
import os
import pwd
import re
import shutil
import socket
import stat
import subprocess
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import lxml.html
import pytest

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parents[2]
PREFIX = "/rapor/"
LINKS_TO_CHECK = 50
# Where the README's snippet says the site was uploaded; the tests put their copy there instead.
README_WEB_ROOT = "/var/www/rapor/"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a redirect is an answer the tests look at, not one they follow


# Requests go straight to 127.0.0.1, whatever proxy the environment names.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())

_MIME_TYPES = """
    types {
        text/html html;
        text/css css;
        text/javascript js mjs;
        application/json json;
        application/xml xml;
        text/plain txt;
        text/csv csv;
        image/svg+xml svg;
        image/png png;
        image/jpeg jpg jpeg;
        image/webp webp;
        image/x-icon ico;
        font/woff woff;
        font/woff2 woff2;
        application/manifest+json webmanifest;
    }
"""


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


def fetch(url: str) -> Response:
    try:
        with _OPENER.open(url, timeout=30) as resp:
            return Response(resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read())
    except urllib.error.HTTPError as err:
        with err:
            return Response(err.code, {k.lower(): v for k, v in err.headers.items()}, err.read())


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _nginx_binary() -> str:
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).is_file()), None
    )
    if found is None:
        pytest.fail("`nginx` is not installed; .ci/run installs it (apt-get install nginx)")
    return found


def readme_nginx_locations() -> str:
    """The nginx snippet of the README's Host paragraph, as written there."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^[ \t]*```nginx\n(.*?)^[ \t]*```", readme, flags=re.M | re.S)
    assert len(blocks) == 1, f"README.md should hold one nginx snippet, found {len(blocks)}"
    snippet = textwrap.dedent(blocks[0])
    assert README_WEB_ROOT in snippet, f"the README's nginx snippet no longer serves {README_WEB_ROOT}"
    return snippet


def test_the_readme_snippet_serves_the_sample_sites_base_path(base_path: str) -> None:
    assert base_path == PREFIX
    assert f"location {PREFIX} " in readme_nginx_locations()


def _worker_user() -> str:
    """As root, the `user` line real hosts have: workers run unprivileged (www-data, else nobody)."""
    if os.geteuid() != 0:
        return ""  # nginx cannot switch users; its workers run as this user
    for user, group in (("www-data", "www-data"), ("nobody", "nogroup"), ("nobody", "nobody")):
        try:
            pwd.getpwnam(user)
        except KeyError:
            continue
        return f"user {user} {group};\n"
    pytest.fail("neither www-data nor nobody exists to run nginx's workers")


@pytest.fixture(scope="module")
def web_root(site: Path, request: pytest.FixtureRequest) -> Path:
    """The site deployed as `rsync -a output/ /var/www/rapor/` would: modes kept, in a folder others may enter."""
    # In /tmp, not $TMPDIR, which may lie in a private home folder.
    www = Path(tempfile.mkdtemp(prefix="rapor-www-", dir="/tmp"))
    request.addfinalizer(lambda: shutil.rmtree(www, ignore_errors=True))
    www.chmod(0o755)  # like /var/www; pytest's own temporary folders are private to their owner
    closed = [str(p) for p in www.parents if not p.stat().st_mode & stat.S_IXOTH]
    assert not closed, f"nginx's workers could not reach the web root through {closed}"
    deployed = www / "rapor"
    shutil.copytree(site, deployed, copy_function=shutil.copy2)  # copies every folder's mode too
    return deployed


@pytest.fixture(scope="module")
def nginx_base(web_root: Path, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> str:
    """``http://127.0.0.1:<port>/rapor/`` served by nginx from the deployed site."""
    nginx = _nginx_binary()
    tmp = tmp_path_factory.mktemp("nginx")
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp / sub).mkdir()
    port = _free_port()
    user = _worker_user()
    locations = readme_nginx_locations().replace(README_WEB_ROOT, f"{web_root}/")
    conf = tmp / "nginx.conf"
    conf.write_text(
        f"""{user}worker_processes 1;
daemon off;
master_process on;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 64; }}
http {{
    {_MIME_TYPES}
    default_type application/octet-stream;
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
{textwrap.indent(locations, " " * 8)}
    }}
}}
""",
        encoding="utf-8",
    )
    log = (tmp / "stdout.log").open("wb")
    proc = subprocess.Popen(
        [nginx, "-p", str(tmp), "-c", str(conf), "-e", str(tmp / "error.log")],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )

    def stop() -> None:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        log.close()

    request.addfinalizer(stop)

    deadline = time.monotonic() + 15
    while True:
        if proc.poll() is not None:
            errors = (tmp / "error.log").read_text(errors="replace") if (tmp / "error.log").exists() else ""
            pytest.fail(f"nginx exited with {proc.returncode}:\n{errors}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if time.monotonic() > deadline:
                pytest.fail(f"nginx did not listen on 127.0.0.1:{port} within 15 s")
            time.sleep(0.05)
    return f"http://127.0.0.1:{port}{PREFIX}"


def _url(base: str, rel: str) -> str:
    return urljoin(base, quote(rel))


def test_home(nginx_base: str, site: Path) -> None:
    r = fetch(nginx_base)
    assert r.status == 200, f"GET {nginx_base} -> {r.status}"
    assert r.headers.get("content-type", "").startswith("text/html")
    assert r.body == (site / "index.html").read_bytes(), f"{nginx_base} did not serve index.html"


def test_the_address_without_its_slash_redirects(nginx_base: str) -> None:
    bare = nginx_base.rstrip("/")
    r = fetch(bare)
    assert r.status == 301, f"GET {bare} -> {r.status}"
    assert r.headers.get("location", "").endswith(PREFIX), r.headers.get("location")
    assert urlsplit(r.headers["location"]).path == PREFIX


@pytest.mark.parametrize("name", [".rapor-output", ".rapor-manifest"])
def test_the_build_bookkeeping_is_not_published(nginx_base: str, site: Path, name: str) -> None:
    assert (site / name).is_file()
    url = urljoin(nginx_base, name)
    r = fetch(url)
    assert r.status in (403, 404), f"GET {url} -> {r.status}"
    assert r.body != (site / name).read_bytes()


def test_unit_page(nginx_base: str, site: Path, sample_pages: dict[tuple[str, str], str]) -> None:
    rel = sample_pages[("unit", "id")]
    for url in (_url(nginx_base, rel), _url(nginx_base, rel.removesuffix("index.html"))):
        r = fetch(url)
        assert r.status == 200, f"GET {url} -> {r.status}"
        assert r.body == (site / rel).read_bytes(), f"{url} did not serve {rel}"


def test_ranking_page(nginx_base: str, site: Path, sample_pages: dict[tuple[str, str], str]) -> None:
    rel = sample_pages[("ranking", "id")]
    url = _url(nginx_base, rel)
    r = fetch(url)
    assert r.status == 200, f"GET {url} -> {r.status}"
    assert r.body == (site / rel).read_bytes()


def test_static_css(nginx_base: str, site: Path) -> None:
    css = sorted(site.glob("static/**/*.css"))
    assert css, "the built site has no CSS file under static/"
    rel = css[0].relative_to(site).as_posix()
    url = _url(nginx_base, rel)
    r = fetch(url)
    assert r.status == 200, f"GET {url} -> {r.status}"
    assert r.headers.get("content-type", "").startswith("text/css"), r.headers.get("content-type")
    assert r.body == css[0].read_bytes()


@pytest.mark.parametrize("missing", ["does-not-exist", "unit/no-such-unit/index.html", "en/2099/ranking/x/"])
def test_missing_page_gets_a_working_site_404(nginx_base: str, site: Path, missing: str) -> None:
    """However deep the missing address, the 404 page's stylesheet and links work (base path links)."""
    url = urljoin(nginx_base, missing)
    r = fetch(url)
    expected = site / ("en/404.html" if missing.startswith("en/") else "404.html")
    assert r.status == 404, f"GET {url} -> {r.status}, expected 404"
    assert r.body == expected.read_bytes(), f"{url} did not answer with the site's {expected.name}"
    targets = sorted(set(_links(url, r.body)))
    assert any(t.endswith("static/rapor.css") for t in targets), targets
    bad = [f"{t}: HTTP {fetch(t).status}" for t in targets if fetch(t).status != 200]
    assert not bad, "links on the 404 page do not resolve:\n" + "\n".join(bad)


def _links(page_url: str, body: bytes) -> Iterator[str]:
    root = lxml.html.document_fromstring(body)
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for attr in ("href", "src"):
            value = (el.get(attr) or "").strip()
            if not value or value.startswith("#") or value.lower().startswith(("mailto:", "tel:", "data:")):
                continue
            yield urljoin(page_url, value).split("#")[0]


def test_links_resolve_under_subpath(nginx_base: str, sample_pages: dict[tuple[str, str], str]) -> None:
    """Links of the home page and a unit page, followed as a browser would under /rapor/."""
    origin = urlsplit(nginx_base).netloc
    per_page = []
    for rel in ("index.html", sample_pages[("unit", "id")]):
        page_url = _url(nginx_base, rel)
        r = fetch(page_url)
        assert r.status == 200, f"GET {page_url} -> {r.status}"
        per_page.append([u for u in _links(page_url, r.body) if urlsplit(u).netloc == origin])
    chosen: list[str] = []
    for url in itertools.chain.from_iterable(itertools.zip_longest(*per_page)):
        if url is not None and url not in chosen:
            chosen.append(url)
        if len(chosen) == LINKS_TO_CHECK:
            break
    assert len(chosen) >= 5, f"only {len(chosen)} internal links found on the home and unit pages"
    bad = []
    for url in chosen:
        if not urlsplit(url).path.startswith(PREFIX):
            bad.append(f"{url}: leaves {PREFIX}")
            continue
        status = fetch(url).status
        if status != 200:
            bad.append(f"{url}: HTTP {status}")
    if bad:
        pytest.fail(f"{len(bad)} of {len(chosen)} links failed under {PREFIX}:\n" + "\n".join(bad), pytrace=False)


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["id", "en"])
def test_search_works_under_subpath(nginx_base: str, lang: str, visit: Callable[..., Any]) -> None:
    """Pagefind's bundle is fetched from /rapor/pagefind/ and its result links stay under /rapor/."""
    prefix = "" if lang == "id" else "en/"
    with visit(_url(nginx_base, f"{prefix}search/index.html") + "?q=malang") as v:
        try:
            v.page.wait_for_selector(".pagefind-ui__result-link")
        except Exception:
            pytest.fail(f"no search results; {v.report()}", pytrace=False)
        links = v.page.eval_on_selector_all(".pagefind-ui__result-link", "a => a.map(x => x.getAttribute('href'))")
        assert links and all(link.startswith(f"{PREFIX}{prefix}unit/") for link in links[:4]), links
        assert not v.problems, v.report()
        first = urljoin(nginx_base, links[0])
    assert fetch(first).status == 200
