"""Error pages in Chinese, never a traceback (DEBUG is off unless SAFECOMM_DEBUG=1)."""

from __future__ import annotations

from html import escape

from django.conf import settings
from django.http import HttpResponseServerError
from django.shortcuts import render

PAGES = {
    400: ("请求有误", "这个请求无法处理（表单内容不完整或格式不对）：请返回上一页重试。"),
    403: ("无权操作", "您的账号不能做这项操作，或表单已过期：请返回上一页刷新后重试。"),
    404: ("页面不存在", "没有这个页面，或您的账号无权查看它：请从首页进入。"),
}
PLAIN_500 = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>服务器出错</title></head>
<body><h1>服务器出错</h1><p>处理这个请求时出了错，已记录在服务器日志中。请稍后重试；一再出现请告知系统管理员。</p>
<p><a href="/">返回首页</a></p></body></html>"""


def too_large(limit: int) -> tuple[str, str]:
    """Title and message of the answer to a request body above `limit` bytes."""
    return ("上传的文件过大", f"这次提交的内容超过了 {limit // (1024 * 1024)} MB（{limit} 字节）的上限，没有保存。"
            f"单个台账、YAML 或 .zip 文件不能超过 {settings.UPLOAD_LIMIT // (1024 * 1024)} MB："
            "请删去不需要的附件、压缩图片，或分批上传后重试。")


def plain_page(status: int, title: str, message: str) -> bytes:
    """An error page without Django (the embedded server answers it before the app runs)."""
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}</title></head>'
            f"<body><h1>{escape(title)}</h1><p>{escape(message)}</p><p><a href=\"/\">返回首页</a></p></body></html>"
            ).encode("utf-8")


TRANSPORT = {  # what the embedded server refuses before the app, in words for the person at the browser
    400: ("请求有误", "这个请求无法处理（格式不对或不完整）：请返回上一页重试。"),
    431: ("请求头过大", "浏览器发送的请求头过大（常因 Cookie 过多）：请清除本站的 Cookie 后重试。"),
    500: ("服务器出错", "处理这个请求时出了错，已记录在服务器日志中。请稍后重试；一再出现请告知系统管理员。"),
}


def transport_page(status: int) -> tuple[str, bytes]:
    """The embedded server's own refusals (413, 400, 431, …) as Chinese pages: (content type, body)."""
    title, message = too_large(settings.REQUEST_LIMIT) if status == 413 else TRANSPORT.get(status, TRANSPORT[400])
    return "text/html; charset=utf-8", plain_page(status, title, message)


def request_too_large(request):
    title, message = too_large(settings.REQUEST_LIMIT)
    return render(request, "error.html", {"title": title, "message": message}, status=413)


def busy(request):
    response = render(request, "error.html", {
        "title": "服务器正忙",
        "message": "这时有别的保存正在进行，等了一会儿仍未轮到，这次提交没有保存：请稍候片刻，返回上一页重新提交。"},
        status=503)
    response["Retry-After"] = "5"
    return response


def _page(request, status: int):
    title, message = PAGES[status]
    return render(request, "error.html", {"title": title, "message": message}, status=status)


def bad_request(request, exception=None):
    return _page(request, 400)


def permission_denied(request, exception=None):
    return _page(request, 403)


def not_found(request, exception=None):
    return _page(request, 404)


def server_error(request):
    """No template, no database: whatever broke may break a page again."""
    return HttpResponseServerError(PLAIN_500)


def csrf_failure(request, reason=""):
    return render(request, "error.html", {"title": "表单已过期", "message": "页面停留太久或在别的窗口退出了登录：请返回上一页，刷新后重新提交。"}, status=403)
