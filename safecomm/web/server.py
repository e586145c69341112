"""`safecomm serve` and `safecomm worker`: set up Django for a data folder, bring the schema up to
date, make the first admin, optionally load the demo district, then serve (waitress) with job
workers as threads, or run job workers alone."""

from __future__ import annotations

import os
import secrets
import threading
from pathlib import Path

import click

DEMO = [("ready", "朝阳街道"), ("rectify", "柳湾镇"), ("veto", "金沙湾工业园区")]


def setup(data: Path | None = None) -> None:
    """Django configured for `data` (SAFECOMM_DATA, default ./safecomm-data) and migrated."""
    if data is not None:
        os.environ["SAFECOMM_DATA"] = str(Path(data).resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safecomm.web.settings")
    import django
    from django.conf import settings

    Path(os.environ.get("SAFECOMM_DATA", "safecomm-data")).mkdir(parents=True, exist_ok=True)
    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    (Path(settings.DATA) / "tmp").mkdir(exist_ok=True)


def first_admin() -> str | None:
    """On the first start (no admin yet): an `admin` account with a one-time password, returned."""
    from .accounts.models import User

    if User.objects.filter(role=User.ADMIN).exists():
        return None
    password = secrets.token_urlsafe(12)
    User.objects.create_superuser("admin", password=password, role=User.ADMIN, full_name="系统管理员")
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
        take(unit, uploader, f"{folder}.zip", _zip_of(fixtures / folder, fixtures / folder / "台账.xlsx"))
    return made


def _fixtures() -> Path | None:
    """The repository's fixtures/ folder (a source checkout), or None when installed without it."""
    here = Path(__file__).resolve().parents[2] / "fixtures"
    return here if here.is_dir() else None


def _zip_of(folder: Path, evidence: Path) -> bytes:
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


def serve(host: str, port: int, data: Path, with_demo: bool, workers: int, threads: int) -> None:
    setup(data)
    from django.conf import settings

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
    stop = start_workers(workers) if workers else None
    from waitress import serve as run

    from .wsgi import application

    shown = f"[{host}]" if ":" in host else host
    click.echo(f"安全社区创建工作台：http://{shown}:{port}/  （Ctrl+C 停止）")
    try:
        run(application, host=host, port=port, threads=threads, ident="safecomm",
            max_request_body_size=settings.UPLOAD_LIMIT + 1024 * 1024, clear_untrusted_proxy_headers=True,
            _quiet=True)
    finally:
        if stop:
            stop.set()


def worker(data: Path | None, count: int) -> None:
    setup(data)
    stop = start_workers(count)
    click.echo(f"生成任务工作进程已启动（{count} 个线程）：Ctrl+C 停止")
    try:
        while not stop.wait(3600):
            pass
    except KeyboardInterrupt:
        stop.set()
