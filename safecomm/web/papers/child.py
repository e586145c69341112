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
        except MemoryError:
            print("end memory", flush=True)
            return 1
        except BaseException:  # noqa: BLE001 - whatever it was (SystemExit from argparse too) fails this job only
            traceback.print_exc()
            sys.stderr.flush()
            print("end error", flush=True)
            return 1
        if code:
            print("end error", flush=True)
            return 1
        print("end ok", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
