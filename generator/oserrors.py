"""Operating-system failures (permissions, full or read-only disks, odd paths) as located, fixable problems.

Whatever reads or writes a file may meet these; none of them is a bug in Rapor, so each becomes one
message naming the path and what to do, never a traceback.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from .errors import Problem, RaporError, shown

# errno -> (what happened, what to do). `{path}` in a hint is the path the failure names.
_REASONS: dict[int, tuple[str, str]] = {
    errno.EACCES: ("permission denied", "give the user running rapor access to {path} and the folders above it"),
    errno.EPERM: ("operation not permitted", "give the user running rapor access to {path} and the folders above it"),
    errno.EROFS: ("the file system is read-only", "build onto a writable disk, e.g. rapor build -o /tmp/site"),
    errno.ENOSPC: ("no space left on the disk", "free some disk space, or build onto another disk with -o DIR"),
    errno.EDQUOT: ("the disk quota is exceeded", "free some space in your quota, or build onto another disk"),
    errno.EFBIG: ("the file is too large for this file system", "build onto another disk with -o DIR"),
    errno.ENOTDIR: ("a part of this path is a file, not a folder",
                    "rename or remove the file that stands where a folder is expected in {path}"),
    errno.EISDIR: ("this is a folder where a file is expected", "replace the folder {path} with a file"),
    errno.ENOENT: ("no such file or folder", "check the path, in rapor.toml or on the command line"),
    errno.ELOOP: ("too many symbolic links (a link that points to itself?)", "fix or remove the link {path}"),
    errno.ENAMETOOLONG: ("the name is too long for this file system", "use a shorter path"),
    errno.EEXIST: ("this already exists", "remove or rename {path}"),
    errno.ENOTEMPTY: ("the folder is not empty", "remove or rename {path}"),
    errno.EXDEV: ("this path lies on another disk", "keep the output folder and its parent on one disk"),
    errno.EMFILE: ("too many open files", "raise the open-file limit (ulimit -n) and build again"),
    errno.ENFILE: ("too many open files on this system", "close some programs and build again"),
    errno.EIO: ("input/output error", "check the disk (it may be failing or unplugged)"),
    errno.EBUSY: ("the file or folder is busy (or a mount point, which cannot be replaced)",
                  "close the program that holds {path}; for a mount point, build into a folder inside it"),
    errno.ETXTBSY: ("the file is busy", "close the program that holds {path} and build again"),
}


def shown_path(path: str | os.PathLike[str] | bytes) -> str:
    """A path as the user sees it: relative to the current folder when inside it, control characters escaped."""
    text = os.fsdecode(path)
    try:
        relative = Path(text).absolute().relative_to(Path.cwd())
        text = relative.as_posix() if relative.parts else "."
    except (ValueError, OSError):
        pass
    return shown(text)


def os_problem(exc: OSError, path: str | os.PathLike[str] | None = None, doing: str = "") -> Problem:
    """One located problem for an OSError; `path` when the error itself names none (e.g. a failed write()).

    `doing` says what Rapor was doing, e.g. "cannot write the output".
    """
    named = exc.filename if exc.filename is not None else path
    where = shown_path(named) if named is not None else "rapor"
    reason, hint = _REASONS.get(exc.errno or 0, (exc.strerror or str(exc), "check {path} and try again"))
    if named is None:
        hint = hint.replace("{path}", "the file")
    if named is not None and os.path.islink(named) and not os.path.exists(named):
        target = "a missing target"
        try:
            target = shown(os.readlink(named))
            os.stat(named)
        except OSError as link_error:
            if link_error.errno == errno.ELOOP:
                reason, hint = "a symbolic link that leads back to itself", "fix or remove the link {path}"
            else:
                reason, hint = f"a symbolic link to {target}, which does not exist", "fix or remove the link {path}"
    if exc.filename2 is not None:
        reason += f" (with {shown_path(exc.filename2)})"
    message = f"{doing}: {reason}" if doing else reason
    return Problem(where, 1, 1, message, hint.format(path=where))


def os_error_text(exc: OSError) -> str:
    """The message for an OSError that reached the command unlocated: located when it names a path."""
    problem = os_problem(exc)
    if exc.filename is None:
        return f"rapor: {problem.message}" + (f"\n  hint: {problem.hint}" if problem.hint else "")
    return problem.format()


def located(exc: OSError, path: str | os.PathLike[str] | None = None, doing: str = "") -> RaporError:
    """A RaporError for an OSError, to raise `from None` in its place."""
    return RaporError([os_problem(exc, path, doing)])
