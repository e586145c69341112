"""Error pages in Chinese, never a traceback (DEBUG is off unless SAFECOMM_DEBUG=1)."""

from __future__ import annotations

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
