"""click's own messages (usage errors, help headings) in Chinese: the whole CLI speaks Chinese.

click words every message through `gettext` (`_()` and `ngettext()`, imported into each of its
modules) and ships no catalogue; `install()` puts a lookup in this table in their place. A
message missing from the table stays in click's English, never breaks. The keys are click's
msgids verbatim (stable since click 8.0, the same ones translators' .po files use).
"""

from __future__ import annotations

from types import ModuleType

CATALOGUE = {
    # errors
    "Error: {message}": "错误：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing command.": "缺少命令。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "Did you mean {possibility}?": "是不是 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是不是以下之一：{possibilities}？）",
    "Got unexpected extra argument ({args})": "多出了参数（{args}）",
    "Got unexpected extra arguments ({args})": "多出了参数（{args}）",
    "Option {name!r} requires an argument.": "选项 {name!r} 后面需要给出一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 后面需要给出 {nargs} 个值。",
    "Option {name!r} does not take a value.": "选项 {name!r} 不接受值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值，只给了 1 个。",
    "Takes {nargs} values but {len} were given.": "需要 {nargs} 个值，给了 {len} 个。",
    "Invalid start character for option ({option})": "选项的开头字符无效（{option}）",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "Try '{command} {option}' for help.": "运行 '{command} {option}' 查看帮助。",
    "Aborted!": "已中止。",
    "unknown error": "未知错误",
    # parameter types
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是一个文件夹，应为文件。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是一个文件，应为文件夹。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 没有读取权限。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 没有写入权限。",
    "{name} {filename!r} is not executable.": "{name} {filename!r} 没有执行权限。",
    "{value!r} is not {choice}.": "{value!r} 不是可用的取值，应为 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不是可用的取值，应为以下之一：{choices}。",
    "Choose from:\n\t{choices}": "可用的取值：\n\t{choices}",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的数值。",
    "{value} is not in the range {range}.": "{value} 不在允许的范围内（{range}）。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} 不是有效的布尔值，可用：{states}",
    # help pages
    "Usage:": "用法:",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "deprecated": "已弃用",
}

def gettext(message: str) -> str:
    return CATALOGUE.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return gettext(singular if n == 1 else plural)


def install() -> None:
    """Put the table in place of gettext in every click module that words messages."""
    from click import core, decorators, exceptions, formatting, parser, termui, types

    modules: list[ModuleType] = [core, decorators, exceptions, formatting, parser, termui, types]
    for module in modules:
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext
