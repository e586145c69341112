"""A job worker's long-lived child (`python -m safecomm.web.papers.child`): it renders one job after
another, so WeasyPrint, its fonts and the library are imported and loaded once per child instead of
once per job (importing WeasyPrint alone costs about half a second of CPU).

No Django here. The worker writes one request per line on standard input: a JSON list of the
module ("render" or "district") and its arguments, as that module's own command line takes them.
The job's output is what the module prints (its `progress` lines), then one line: `end ok`,
`end error` (the traceback is on standard error) or `end memory` (over the worker's memory limit).
After a job that failed the child ends, as its state may not be sound (memory ran out half-way,
say); the worker starts a fresh one for the next job. At the end of its input it ends."""

from __future__ import annotations

import json
import sys
import traceback


def main() -> int:
    from . import district, render

    mains = {"render": render.main, "district": district.main}
    for line in sys.stdin:
        try:
            module, *argv = json.loads(line)
            code = mains[module](argv)
        except BaseException as exc:  # noqa: BLE001 - whatever it was (SystemExit from argparse too) fails this job only
            traceback.print_exc()
            sys.stderr.flush()
            print("end memory" if starved(exc) else "end error", flush=True)
            return 1
        if code:
            print("end error", flush=True)
            return 1
        print("end ok", flush=True)
    return 0


def starved(exc: BaseException) -> bool:
    """Whether a job failed for want of memory. Not every library says so with a MemoryError (cffi's
    C parser raises SystemError when an allocation fails), so also when the process's peak address
    space came within a tenth of its limit."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, MemoryError):
            return True
        seen = seen.__cause__ or seen.__context__
    try:
        import resource

        limit = resource.getrlimit(resource.RLIMIT_AS)[0]
        status = open("/proc/self/status", encoding="ascii").read()
    except (ImportError, OSError, ValueError):
        return False
    peak = next((int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmPeak:")), 0)
    return limit != resource.RLIM_INFINITY and peak >= limit * 0.9


if __name__ == "__main__":
    sys.exit(main())
