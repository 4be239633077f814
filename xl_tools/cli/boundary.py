"""The exception boundary of every command: what escapes a command becomes an exit code and one line.

- ``XlToolsError``: unusable input or an impossible request → its Chinese line, exit 2 (or the error's
  own ``exit_code``: a refused publish is 1, "the filing has errors");
- anything else is a defect of ours → "内部错误…" with the path of a log file holding the traceback,
  exit 3. Exit 1 stays reserved for "the filing has errors".

The batch review and the server use ``crashlog.internal_error_line`` for their rows and answers.
"""

from __future__ import annotations

import gc
import sys
import warnings
from typing import Callable

from ..crashlog import internal_error_line, write_log
from ..errors import XlToolsError

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def run(command: Callable[[], int], context: str) -> int:
    """Run one command, mapping whatever escapes it to an exit code and one line on stderr."""
    hook = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: _log_unraisable(unraisable, context)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")     # libraries' English warnings are not for the user
            return int(command() or 0)
    except XlToolsError as err:
        print(f"错误：{err}", file=sys.stderr)
        return getattr(err, "exit_code", EXIT_USAGE)
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:            # `xl-tools check --json F | head`: the reader went away
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - the boundary: every defect becomes exit 3 and a log
        print(internal_error_line(exc, context), file=sys.stderr)
        return EXIT_INTERNAL
    finally:
        gc.collect()                    # what a failed write left open is closed under our hook
        sys.unraisablehook = hook


def _log_unraisable(unraisable, context: str) -> None:
    """An exception raised where Python cannot pass it on (a library's half-written zip closed by the
    garbage collector on a full disk): to the log, never a traceback on the user's screen."""
    if unraisable.exc_value is not None:
        write_log(unraisable.exc_value, f"{context} (ignored: {unraisable.err_msg or ''} {unraisable.object!r})")
