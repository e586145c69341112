"""`safecomm serve` and `safecomm worker`: set up Django for a data folder, bring the schema up to
date, make the first admin, optionally load the demo district, then serve (waitress) with job
workers as threads, or run job workers alone."""

from __future__ import annotations

import os
import secrets
import sys
import threading
from pathlib import Path

import click

DEMO = [("ready", "朝阳街道"), ("rectify", "柳湾镇"), ("veto", "金沙湾工业园区")]


EXIT_SETUP = 2


def fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(EXIT_SETUP)


def setup(data: Path | None = None) -> None:
    """Django configured for `data` (SAFECOMM_DATA, default ./safecomm-data) and migrated; a
    folder or database that cannot be used stops here with a message and exit 2."""
    if data is not None:
        os.environ["SAFECOMM_DATA"] = str(Path(data).resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safecomm.web.settings")
    folder = Path(os.environ.get("SAFECOMM_DATA", "safecomm-data"))
    try:
        (folder / "tmp").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"数据文件夹 {folder} 无法建立或写入：{exc.strerror or exc}")
    import django

    try:
        django.setup()
    except ValueError as exc:  # SAFECOMM_DATABASE_URL of another kind
        fail(str(exc))
    from django.core.management import call_command
    from django.db.utils import Error

    try:
        call_command("migrate", interactive=False, verbosity=0)
    except Error as exc:
        fail(f"无法使用数据库：{str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}"
             "（检查 SAFECOMM_DATABASE_URL 的地址、用户名、密码和数据库名，以及数据库是否已启动）")


def first_admin() -> str | None:
    """On the first start (no admin yet): an `admin` account with a one-time password, returned."""
    from .accounts.models import User

    from django.db import IntegrityError, transaction

    if User.objects.filter(role=User.ADMIN).exists():
        return None
    password = secrets.token_urlsafe(12)
    try:
        with transaction.atomic():
            User.objects.create_superuser("admin", password=password, role=User.ADMIN, full_name="系统管理员")
    except IntegrityError:  # another process starting at the same moment made it (and printed its password)
        return None
    return password


def demo() -> list[tuple[str, str, str]]:
    """The three fixtures as a demo district with a clerk (of 柳湾镇), a reviewer and a city
    officer: (role, account, password) of the accounts made now. SAFECOMM_DEMO_PASSWORD sets
    their password (for scripted tests); otherwise each gets a random one."""
    from .accounts import make
    from .accounts.models import User
    from .evidence.models import Version
    from .evidence.versions import take

    city, district, units = make.district("石嘴山市（演示）", "演示区", *(name for _, name in DEMO),
                                          province="宁夏回族自治区（演示）")
    communities = {folder: unit for (folder, _), unit in zip(DEMO, units)}
    made = []
    for username, role, unit, full in (("demo-clerk", User.CLERK, communities["rectify"], "演示填报人"),
                                       ("demo-reviewer", User.REVIEWER, district, "演示审核人"),
                                       ("demo-officer", User.OFFICER, city, "演示市级管理人员")):
        if User.objects.filter(username=username).exists():
            continue
        password = os.environ.get("SAFECOMM_DEMO_PASSWORD") or secrets.token_urlsafe(9)
        make.user(username, password, role, unit, full)
        made.append((dict(User.ROLES)[role], username, password))
    uploader = User.objects.get(username="demo-clerk")
    fixtures = _fixtures()
    for folder, _ in DEMO:
        unit = communities[folder]
        if fixtures is None or Version.objects.filter(community=unit).exists():
            continue
        take(unit, uploader, f"{folder}.zip", zip_of(fixtures / folder, fixtures / folder / "台账.xlsx"))
    return made


def _fixtures() -> Path | None:
    """The repository's fixtures/ folder: beside the package in an editable checkout, else in the
    folder `serve` is started from (a checkout installed with `pip install .`, as setup.sh does);
    None when neither has the example communities."""
    for here in (Path(__file__).resolve().parents[2] / "fixtures", Path.cwd() / "fixtures"):
        if (here / "ready").is_dir():
            return here
    return None


def zip_of(folder: Path, evidence: Path) -> bytes:
    """A fixture as a clerk would send it: the ledger and its attachments in one .zip."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(evidence, evidence.name)
        for path in sorted((folder / "attachments").rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


def start_workers(count: int) -> threading.Event:
    from .papers.queue import work

    stop = threading.Event()
    for n in range(count):
        threading.Thread(target=work, args=(stop,), name=f"safecomm-worker-{n}", daemon=True).start()
    return stop


def chinese_refusals(server) -> None:
    """waitress answers what it refuses before the app runs (a body above REQUEST_LIMIT: 413; a
    malformed request: 400) in English plain text; these channels answer with the app's Chinese
    page naming the limit instead."""
    from waitress.channel import HTTPChannel
    from waitress.task import ErrorTask

    from .errors import transport_page

    class ChineseError(ErrorTask):
        def execute(self):
            error = self.request.error
            content_type, body = transport_page(error.code)
            self.status = f"{error.code} {error.reason}"
            self.response_headers.extend([("Content-Type", content_type), ("X-Content-Type-Options", "nosniff"),
                                          ("Content-Security-Policy", "default-src 'none'")])
            self.set_close_on_finish()
            self.content_length = len(body)
            self.write(body)

    class Channel(HTTPChannel):
        error_task_class = ChineseError

    from waitress.server import BaseWSGIServer, MultiSocketServer

    listening = list(server.map.values()) if isinstance(server, MultiSocketServer) else [server]
    for one in listening:
        if isinstance(one, BaseWSGIServer):
            one.channel_class = Channel


def serve(host: str, port: int, data: Path, with_demo: bool, workers: int, threads: int) -> None:
    setup(data)
    from django.conf import settings
    from waitress import create_server

    from .wsgi import application

    try:  # bound first: a busy port stops the start before anything is created or printed
        server = create_server(application, host=host, port=port, threads=threads, ident="safecomm",
                               max_request_body_size=settings.REQUEST_LIMIT + 1,  # waitress refuses its limit itself
                               clear_untrusted_proxy_headers=True)
    except OSError as exc:
        fail(f"无法在 {host}:{port} 上启动：{exc.strerror or exc}（端口已被占用时请用 --port 换一个端口）")
    chinese_refusals(server)
    password = first_admin()
    click.echo(f"数据文件夹：{settings.DATA}")
    if password:
        click.echo(f"已创建管理员账号 admin，一次性密码：{password}（请登录后在“账号管理”中修改；此密码不再显示）")
    if with_demo:
        made = demo()
        for role, username, pw in made:
            click.echo(f"演示账号（{role}）：{username}  密码：{pw}")
        if not made:
            click.echo("演示数据已存在（账号见首次加载时的输出）")
        if _fixtures() is None:
            click.echo("提示：未找到示例证据（源代码中的 fixtures/ 文件夹），演示社区暂无证据：可用演示填报人账号上传台账")
    stop = start_workers(workers) if workers else None
    shown = f"[{host}]" if ":" in host else host
    if host not in ("127.0.0.1", "localhost", "::1") and not os.environ.get("SAFECOMM_ALLOWED_HOSTS"):
        click.echo("提示：让其他电脑访问时，请把它们用的地址写进环境变量 SAFECOMM_ALLOWED_HOSTS（如 10.1.2.3），否则会被拒绝（见 docs/serve.md）")
    click.echo(f"安全社区创建工作台：http://{shown}:{port}/  （Ctrl+C 停止）")
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        if stop:
            stop.set()


def worker(data: Path | None, count: int) -> None:
    setup(data)
    password = first_admin()  # a province may start its job workers before any web process
    if password:
        click.echo(f"已创建管理员账号 admin，一次性密码：{password}（请登录后在“账号管理”中修改；此密码不再显示）")
    stop = start_workers(count)
    click.echo(f"生成任务工作进程已启动（{count} 个线程）：Ctrl+C 停止")
    try:
        while not stop.wait(3600):
            pass
    except KeyboardInterrupt:
        stop.set()
