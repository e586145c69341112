"""The workbench's hostile suite (issue 19, its web half), over HTTP against a real server, on SQLite
and on PostgreSQL: every hostile file through the upload form, forms without a CSRF token, another
unit's ids in every URL and POST (the page list read from the URL configuration), overlong fields,
HTML and script in every text field, sessions. Each asserts the status, a Chinese page without a
traceback or a server path, nothing stored half, every earlier version intact, the server alive."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from . import hostile_files, ledgers
from .conftest import database_url
from .test_web_faults import assert_whole, clerk, upload
from .webinfra import PASSWORD, ROOT, Client, Server

CJK = re.compile(r"[\u4e00-\u9fff]")
LEAKS = ("Traceback", 'File "/', "/tmp/pytest", "/tmp/safecomm", "pytest-of-", "site-packages", "safecomm/web",
         "Exception", "Error:", "django.")


@pytest.fixture(scope="module")
def server(database, tmp_path_factory, request):
    s = Server(tmp_path_factory.mktemp("hostile") / "data", database_url(request, database), ("--workers", "0"),
               {"SAFECOMM_PAPER_WAIT": "0"})
    s.populate()
    s.start()
    c = clerk(s, "far")
    far = s.units["丙街道"]
    s.far_version = int(re.search(r"/v/(\d+)/", upload(c, far, "台账.xlsx", ledgers.rectify()).headers["Location"]).group(1))
    s.far_job = int(re.search(r"/jobs/(\d+)/", c.get(f"/v/{s.far_version}/papers/pdf").headers["Location"]).group(1))
    c = clerk(s, "neighbour")
    near = s.units["乙镇"]
    s.near_version = int(re.search(r"/v/(\d+)/", upload(c, near, "台账.xlsx", ledgers.edited("D5", "乙镇的讲座")).headers["Location"]).group(1))
    s.near_job = int(re.search(r"/jobs/(\d+)/", c.get(f"/v/{s.near_version}/papers/pdf").headers["Location"]).group(1))
    for account, attr in (("far-officer", "far_rules"), ("officer", "home_rules")):
        o = Client(s.url)
        assert o.login(account, PASSWORD).status == 302
        made = o.post("/rules/", files={"file": ("city-100.yaml", (ROOT / "indicators/examples/city-100.yaml").read_bytes())},
                      form="/rules/")
        setattr(s, attr, int(re.search(r"/rules/(\d+)/", made.headers["Location"]).group(1)))
    c = clerk(s)
    home = s.units["甲街道"]
    s.home_version = int(re.search(r"/v/(\d+)/", upload(c, home, "台账.xlsx", ledgers.edited("D5", "甲街道的讲座")).headers["Location"]).group(1))
    s.home_job = int(re.search(r"/jobs/(\d+)/", c.get(f"/v/{s.home_version}/papers/pdf").headers["Location"]).group(1))
    s.peak = _peak_mib(s.proc.pid)  # set up, three ledgers read: hostile uploads are measured against this
    yield s
    s.stop()


@pytest.fixture(autouse=True)
def alive(server):
    """A test that takes the server down fails; the next one gets it back, so it is not blamed."""
    if server.proc.poll() is not None:
        server.start()
    yield
    assert server.proc.poll() is None, f"the server died:\n{server.output()[-3000:]}"


def chinese_page(response, status: int) -> str:
    """The answer is `status`, an HTML page in Chinese that shows no traceback nor server path."""
    assert response.status == status, (response.status, response.text[:500])
    assert response.headers.get("Content-Type", "").startswith("text/html"), response.headers.get("Content-Type")
    text = response.text
    assert len(CJK.findall(re.sub(r"<[^>]+>", "", text))) >= 4, text[:500]
    for leak in LEAKS:
        assert leak not in text, (leak, text[:2000])
    return text


def snapshot(server, c: Client, unit: int) -> tuple[list[int], int]:
    return assert_whole(server, c, unit), server.query(f"SELECT count(*) FROM evidence_upload WHERE community_id = {unit}")[0][0]


@pytest.mark.parametrize("name", sorted(hostile_files.REFUSED))
def test_a_hostile_upload_is_refused_and_keeps_every_version(server, name):
    c = clerk(server)
    unit = server.units["甲街道"]
    versions, _ = snapshot(server, c, unit)
    filename, data = hostile_files.REFUSED[name]()
    started = time.monotonic()
    response = upload(c, unit, filename, data)
    assert time.monotonic() - started < 60
    text = chinese_page(response, 400)
    assert "上传未通过" in text and "怎么改" in text
    assert "root:x:0" not in text  # no entity or link was resolved into the page
    assert assert_whole(server, c, unit) == versions
    for escaped in (server.data.parent / "escaped-by-zip.txt", server.data / "escaped-by-zip.txt",
                    Path("/etc/escaped-absolute.txt"), Path("/tmp/pwned-by-yaml"), server.data.parent / "escaped-too.txt"):
        assert not escaped.exists(), escaped
    assert c.get(f"/c/{unit}/").status == 200


def test_a_sheet_whose_dimension_lies_is_read_within_bounds(server):
    c = clerk(server)
    unit = server.units["甲街道"]
    versions, _ = snapshot(server, c, unit)
    started = time.monotonic()
    response = upload(c, unit, *hostile_files.dimension_lie())
    assert time.monotonic() - started < 60
    if response.status == 302:  # read from its real cells: a whole new version
        assert assert_whole(server, c, unit)[: len(versions)] == versions
    else:
        chinese_page(response, 400)
        assert assert_whole(server, c, unit) == versions


def test_forms_without_a_csrf_token_are_refused_with_a_chinese_page(server):
    c = clerk(server)
    unit = server.units["甲街道"]
    versions, uploads = snapshot(server, c, unit)
    posts = [(f"/c/{unit}/upload", {}, {"file": ("台账.xlsx", ledgers.fixed())}),
             (f"/v/{server.home_version}/submit", {}, None), ("/logout/", {}, None),
             ("/login/", {"username": "clerk", "password": PASSWORD}, None)]
    for path, fields, files in posts:
        chinese_page(c.post(path, fields, files, csrf=None), 403)
        chinese_page(c.post(path, fields, files, csrf="x" * 64), 403)  # a made-up token is no better
    assert snapshot(server, c, unit) == (versions, uploads)
    assert server.query(f"SELECT submitted_at FROM evidence_version WHERE id = {server.home_version}")[0][0] is None
    assert c.get(f"/c/{unit}/").status == 200  # still logged in: the logout without a token did nothing


def routes(server) -> list[tuple[str, str]]:
    """(name, route) of every page, from the running configuration's URL resolver."""
    code = ("import json, sys; from pathlib import Path; from safecomm.web import server; server.setup(Path(sys.argv[1]));"
            "from django.urls import get_resolver;"
            "print(json.dumps([(p.name, str(p.pattern)) for p in get_resolver().url_patterns if getattr(p, 'name', None)]))")
    done = subprocess.run([sys.executable, "-c", code, str(server.data)], env=server.env, cwd=server.data.parent,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return [tuple(r) for r in json.loads(done.stdout.strip().splitlines()[-1])]


# What a page's <int:pk> names, by the route before it; a page not here fails the matrix.
KINDS = {"c/": "unit", "v/": "version", "jobs/": "job", "review/c/": "unit", "compare/c/": "unit", "rules/": "rule_set"}


def kind_of(route: str) -> str | None:
    return KINDS.get(route.split("<int:", 1)[0])


def test_another_units_ids_answer_404_in_every_url_and_post_for_every_role(server):
    keyed = [(n, r) for n, r in routes(server) if "<int:" in r]
    assert keyed, "no page with an id"
    unknown = [r for _, r in keyed if kind_of(r) is None]
    assert unknown == [], f"pages this matrix does not know what their id names (add them to KINDS): {unknown}"
    far = {"name": "丙街道", "unit": server.units["丙街道"], "version": server.far_version, "job": server.far_job,
           "rule_set": server.far_rules}
    near = {"name": "乙镇", "unit": server.units["乙镇"], "version": server.near_version, "job": server.near_job,
            "rule_set": server.far_rules}
    home = {"name": "甲街道", "unit": server.units["甲街道"], "version": server.home_version, "job": server.home_job,
            "rule_set": server.home_rules}
    outside = {"clerk": [far, near], "neighbour": [home], "reviewer": [far], "officer": [far],
               "far-reviewer": [home], "far-officer": [home], "root": [far, near]}
    checked = 0
    for account, objects in outside.items():
        c = Client(server.url)
        assert c.login(account, PASSWORD).status == 302
        for obj in objects:
            for name, route in keyed:
                kind = kind_of(route)
                path = "/" + re.sub(r"<int:\w+>", str(obj[kind]), route)
                path = re.sub(r"<(str|slug):\w+>", "pdf", path)
                response = c.get(path)
                if response.status == 405:  # a form's target: post to it, with a valid token
                    response = c.post(path, {}, {"file": ("台账.xlsx", ledgers.fixed())}, form="/")
                assert response.status == 404, (account, path, response.status)
                chinese_page(response, 404)
                assert obj["name"] not in response.text, (account, path)  # not even named
                checked += 1
    assert checked == len(keyed) * sum(len(objects) for objects in outside.values())
    # nothing was changed by all those requests
    assert server.query(f"SELECT count(*) FROM evidence_version WHERE community_id = {server.units['丙街道']}")[0][0] == 1
    assert server.query(f"SELECT submitted_at FROM evidence_version WHERE id = {server.far_version}")[0][0] is None


def test_role_pages_are_404_for_roles_they_are_not_for(server):
    clerk_client = clerk(server)
    for path in ("/communities/", "/audit/"):
        chinese_page(clerk_client.get(path), 404)
    reviewer = Client(server.url)
    assert reviewer.login("reviewer", PASSWORD).status == 302
    chinese_page(reviewer.get("/my/"), 404)
    chinese_page(reviewer.get("/audit/"), 404)
    for c in (clerk_client, reviewer):  # the admin only for admins: its own login, no page of it
        admin = c.get("/admin/")
        assert admin.status == 302 and admin.headers["Location"].startswith("/admin/login/")
        assert c.get("/admin/units/unit/").status == 302


def test_overlong_fields_are_answered_in_chinese_and_stored_cut(server):
    c = Client(server.url)
    text = chinese_page(c.post("/login/", {"username": "甲" * 100_000, "password": "x" * 100_000}), 400)
    assert "甲" * 200 not in text
    c = clerk(server)
    unit = server.units["甲街道"]
    versions, uploads = snapshot(server, c, unit)
    chinese_page(upload(c, unit, "长" * 3000 + ".xlsx", ledgers.rectify()), 400)  # a part's header past the bound
    assert snapshot(server, c, unit) == (versions, uploads)
    response = upload(c, unit, "长" * 250 + ".xlsx", ledgers.rectify())
    assert response.status == 302
    name = server.query("SELECT name FROM evidence_upload ORDER BY id DESC LIMIT 1")[0][0]
    assert 0 < len(name) <= 200 and name.startswith("长")
    chinese_page(c.get(f"/c/{unit}/"), 200)
    assert assert_whole(server, c, unit)[: len(versions)] == versions
    long_next = c.get("/login/?next=" + "/" + "a" * 50_000)
    assert long_next.status in (200, 302, 400, 414)


SCRIPT = "<script>alert('甲')</script>"
IMG = "<img src=x onerror=alert(1)>"


def hostile_ledger() -> bytes:
    """rectify's ledger with script and markup in every kind of text field it has."""
    import io

    import openpyxl

    book = openpyxl.load_workbook(ledgers.RECTIFY)
    info = book["基本情况"]
    for row in info.iter_rows(min_row=1):
        if row[2].value in ("name", "title", "summary"):
            row[1].value = f"柳湾镇{SCRIPT}{IMG}"
    for sheet in book.worksheets:
        fields = {cell.value: cell.column_letter for cell in sheet[3] if cell.value}
        for field in ("title", "name", "place", "issue", "number"):
            if field in fields and sheet.title not in ("基本情况", "取值", "填写说明"):
                for r in range(4, sheet.max_row + 1):
                    cell = sheet[f"{fields[field]}{r}"]
                    if cell.value:
                        cell.value = f"{cell.value}{SCRIPT}{IMG}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_html_and_script_in_every_text_field_come_back_escaped(server, browser):
    c = clerk(server)
    unit = server.units["甲街道"]
    response = upload(c, unit, f"{IMG}.xlsx", hostile_ledger())
    assert response.status == 302, response.text[:1000]
    vid = int(re.search(r"/v/(\d+)/", response.headers["Location"]).group(1))
    pages = [f"/c/{unit}/", f"/v/{vid}/", f"/v/{vid}/papers/", f"/v/{vid}/papers/preview"]
    for path in pages:
        page = c.get(path)
        assert page.status == 200
        assert "<script>alert" not in page.text and "<img src=x" not in page.text, path
        if "/papers/" != path[-8:]:  # the pages that show the evidence's words show them as text
            assert "&lt;script&gt;" in page.text or "&lt;img" in page.text, path
        csp = page.headers.get("Content-Security-Policy", "")
        script_src = re.search(r"(script-src|default-src)[^;]*", csp)
        assert script_src and "'unsafe-inline'" not in script_src.group(0), (path, csp)
    reviewer = Client(server.url)
    assert reviewer.login("reviewer", PASSWORD).status == 302
    district = reviewer.get("/communities/")
    assert district.status == 200 and "<script>alert" not in district.text
    # and in a real browser: no dialog opens on any of these pages
    context = browser.new_context()
    context.add_cookies([{"name": k.name, "value": k.value, "url": server.url} for k in c.jar])
    tab = context.new_page()
    dialogs: list[str] = []
    tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for path in pages:
        tab.goto(server.url + path)
        tab.wait_for_load_state("load")
    context.close()
    assert dialogs == []


def test_the_same_evidence_in_two_communities_gives_each_its_own_paper_page(server):
    """Byte-identical uploads in two communities share the rendered file (same key), never a page:
    each clerk's 正在生成 page is theirs (not another unit's job, which would be 404 to them)."""
    same = ledgers.edited("D5", "两个社区相同的台账")
    for account, unit in (("far", "丙街道"), ("neighbour", "乙镇")):
        c = clerk(server, account)
        version = upload(c, server.units[unit], "台账.xlsx", same).headers["Location"]
        waiting = c.get(f"{version}papers/pdf")
        assert waiting.status == 302
        page = c.get(waiting.headers["Location"])
        assert page.status == 200 and "正在生成" in page.text, (account, waiting.headers["Location"], page.status)




def test_sessions_logout_invalidates_and_login_is_throttled(server):
    c = clerk(server)
    unit = server.units["甲街道"]
    stolen = c.cookie("sessionid")
    assert stolen and c.get(f"/c/{unit}/").status == 200
    assert c.post("/logout/", form=f"/c/{unit}/").status == 302
    thief = Client(server.url)
    thief.jar.set_cookie(next(k for k in c.jar if k.name == "csrftoken"))
    import http.cookiejar

    thief.jar.set_cookie(http.cookiejar.Cookie(0, "sessionid", stolen, None, False, "127.0.0.1", False, False, "/",
                                                True, False, None, False, None, None, {}))
    back = thief.get(f"/c/{unit}/")
    assert back.status == 302 and "/login/" in back.headers["Location"]

    # a clerk's cookie on a reviewer's page and on another community
    c = clerk(server)
    chinese_page(c.get("/communities/"), 404)
    chinese_page(c.get(f"/c/{server.units['乙镇']}/"), 404)

    # throttling: five failures lock the account from this address, even for the right password
    t = Client(server.url)
    for _ in range(5):
        chinese_page(t.post("/login/", {"username": "neighbour", "password": "wrong"}), 400)
    locked = t.post("/login/", {"username": "neighbour", "password": PASSWORD})
    text = chinese_page(locked, 429)
    assert "锁定" in text and t.cookie("sessionid") is None
    other = Client(server.url)
    assert other.login("reviewer", PASSWORD).status == 302  # another account is not locked


UPLOAD_LIMIT = 20 * 1024 * 1024  # the largest file the engine reads (safecomm.upload.MAX_FILE)
REQUEST_LIMIT = UPLOAD_LIMIT + 1024 * 1024  # a request body: the file, the form's fields, the framing


def _form(token: str, size: int) -> tuple[bytes, str]:
    """An upload form whose file is `size` zero bytes: (body, content type)."""
    boundary = "b" * 32
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.zip"\r\n'
            "Content-Type: application/zip\r\n\r\n").encode()
    return head + b"\0" * size + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_uploads_around_the_limits_are_answered_by_the_app_in_chinese(server):
    """Up to the file limit the upload is read (and refused for what it is); above it the upload
    page says 文件过大 with the limit; a request body above REQUEST_LIMIT gets the Chinese 413
    page naming it, from the embedded server, before any of the body is read."""
    import http.client

    from safecomm.upload import MAX_FILE

    assert MAX_FILE == UPLOAD_LIMIT
    c = clerk(server)
    unit = server.units["甲街道"]
    versions, uploads = snapshot(server, c, unit)
    token = c.token(f"/c/{unit}/")
    headers = {"Referer": server.url + "/"}

    def send(size: int = 0, body_size: int = 0):
        body, kind = _form(token, size)
        if body_size:
            body, kind = _form(token, size + body_size - len(body))
            assert len(body) == body_size
        return c.request("POST", f"/c/{unit}/upload", body, {**headers, "Content-Type": kind})

    at = chinese_page(send(UPLOAD_LIMIT), 400)
    assert "文件过大" not in at and "上传未通过" in at  # read, and refused as not a ledger
    above = chinese_page(send(UPLOAD_LIMIT + 1), 400)
    assert f"文件过大（{UPLOAD_LIMIT + 1} 字节）" in above and f"上限为 {UPLOAD_LIMIT} 字节" in above
    top = chinese_page(send(body_size=REQUEST_LIMIT), 400)  # the largest body the app reads
    assert "文件过大" in top

    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)  # headers only: nothing is read
    conn.putrequest("POST", f"/c/{unit}/upload")
    conn.putheader("Cookie", "; ".join(f"{k.name}={k.value}" for k in c.jar))
    conn.putheader("Content-Type", "multipart/form-data; boundary=x")
    conn.putheader("Content-Length", str(REQUEST_LIMIT + 1))
    conn.endheaders()
    answer = conn.getresponse()
    from .webinfra import Response

    refused = chinese_page(Response(answer.status, answer.headers, answer.read(), ""), 413)
    conn.close()
    assert f"{REQUEST_LIMIT} 字节" in refused and "20 MB" in refused and "generated by" not in refused
    assert snapshot(server, c, unit) == (versions, uploads + 1)  # only the upload that was read is kept (refused)


def _peak_mib(pid: int) -> float:
    """The process's peak resident memory so far (VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def test_hostile_uploads_are_read_within_the_servers_memory_bound(server):
    """Uploads are graded in the server process itself, so the readers' bounds are what keeps one
    small hostile file from taking the server down for everyone: a zip bomb is not inflated past
    the 64 MB limit, a cell at XFD1048576 allocates no 16384 × 1048576 grid. After every hostile
    upload of this module, the server's peak resident memory is within PEAK MiB of what it was
    once set up (a 200 MB bomb inflated, or the grid, would be far above)."""
    c = clerk(server)
    unit = server.units["甲街道"]
    for name in ("zip bomb", "huge cell extent", "too many parts", "billion laughs", "huge integer"):
        filename, data = hostile_files.REFUSED[name]()
        chinese_page(upload(c, unit, filename, data), 400)
        grown = _peak_mib(server.proc.pid) - server.peak
        assert grown < PEAK, f"after {name}: the server's peak grew by {grown:.0f} MiB"
    assert server.proc.poll() is None


PEAK = 100  # MiB all refused hostile uploads may add to the server's peak resident memory
