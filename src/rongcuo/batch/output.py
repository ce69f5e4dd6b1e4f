"""Where ``rongcuo screen`` writes: an output that never clobbers an input or another run's.

The output file of a run is guarded four ways (docs/screening.md, "The output file"):

* **It is never an input.** Before anything is opened for writing, the output's device and inode
  (symlinks followed) are compared with those of every input file: the JSONL file, standard input
  when it is a file, every filing of a directory. A match is ``screen_output_is_input``.
* **One run at a time.** A lock (``fcntl.flock``) on ``OUTPUT.lock`` beside the output is held for
  the whole run; a second run on the same output stops with ``screen_output_locked``. The lock file
  is removed at the end.
* **Nothing existing is truncated before the run is known good.** A new output file is created
  exclusively and written in place (nothing can be lost, and a killed run leaves a prefix that
  ``--resume`` continues). An existing output is left as it is: the records go to a temporary file
  beside it, renamed over it when the run ends (completed, or stopped by Ctrl-C or SIGTERM with
  every record finished). ``--resume`` appends only after the existing output and its manifest
  have been checked.
* **A manifest binds the output to its run.** ``OUTPUT.manifest``, a JSON document beside the
  output, names the input (path, kind, size), the ruleset (digest, label, directory), the options
  that change records (``--trace``) and the rongcuo version, and how much of the input the output
  covers: the records, the input bytes they were read from and the SHA-256 of those bytes. It is
  rewritten (atomically, by rename) after every chunk. ``--resume`` compares it with this run and
  refuses any difference as ``screen_resume_mismatch``, naming the manifest and the field.

A sidecar, not a header line in the output, so that the output stays exactly one JSONL record per
input record (line *n* is record *n*), the same bytes whether it goes to a file or to standard
output, readable by any JSONL tool with nothing to skip.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import fcntl
import os
import stat
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any, Final

from .. import reader
from ..errors import Location, Problem, RongcuoError

__all__ = [
    "MANIFEST_FORMAT",
    "Manifest",
    "ScreenError",
    "Sink",
    "check_not_input",
    "manifest_path",
]

MANIFEST_FORMAT: Final = "rongcuo-screen-manifest/1"
MAX_MANIFEST_BYTES: Final = 1024 * 1024


class ScreenError(Exception):
    """The run cannot start or go on: the input or output is unusable (one coded problem)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def _io(exc: OSError, path: str | os.PathLike[str], *, writing: bool = True) -> ScreenError:
    return ScreenError(reader.io_problem(exc, path, writing=writing))


def manifest_path(output: Path) -> Path:
    """``OUTPUT.manifest``: the manifest beside the output."""
    return output.with_name(output.name + ".manifest")


def lock_path(output: Path) -> Path:
    """``OUTPUT.lock``: the lock file beside the output."""
    return output.with_name(output.name + ".lock")


# --------------------------------------------------------------------------- output is not input


def identity(path: str | os.PathLike[str]) -> tuple[int, int] | None:
    """``(st_dev, st_ino)`` of what ``path`` names (symlinks followed); ``None`` if nothing."""
    try:
        st = os.stat(path)  # noqa: PTH116 - str or path alike
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def check_not_input(
    output: Path, inputs: Iterable[str | os.PathLike[str]], *, stdin: bool = False
) -> None:
    """Raise ``screen_output_is_input`` when ``output`` is one of ``inputs`` (or standard input,
    when ``stdin`` and it is a file), compared by device and inode."""
    out_id = identity(output)
    if out_id is None:
        return  # a new file is nobody's input
    for source in inputs:
        if identity(source) == out_id:
            raise _is_input(output, reader.shown_path(source))
    if stdin:
        try:
            st = os.fstat(0)
        except OSError:
            return
        if (st.st_dev, st.st_ino) == out_id and stat.S_ISREG(st.st_mode):
            raise _is_input(output, reader.STDIN)


def _is_input(output: Path, source: str) -> ScreenError:
    shown = reader.shown_path(output)
    return ScreenError(
        Problem(
            "screen_output_is_input",
            f"the output is the input {source}: writing it would destroy what is being read; "
            "write the records to another file",
            Location(shown),
            message_zh=f"输出文件就是输入 {source}：写入会毁掉正在读取的内容；请写到另一个文件",
        )
    )


# --------------------------------------------------------------------------- the lock


class Lock:
    """An exclusive, non-blocking ``flock`` on ``OUTPUT.lock``; removed when released."""

    def __init__(self, output: Path) -> None:
        self.path = lock_path(output)
        self.output = output
        self._fd = -1

    def acquire(self) -> None:
        for _ in range(10):  # the file may be removed by the run that held it: try again
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except OSError as exc:  # named as the output: the directory it would be in, say
                raise _io(exc, self.output) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                os.close(fd)
                if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise self._locked() from None
                raise _io(exc, self.path) from None
            if identity(self.path) == _fd_identity(fd):
                self._fd = fd
                with contextlib.suppress(OSError):
                    os.write(fd, f"{os.getpid()}\n".encode())
                return
            os.close(fd)  # locked a file that was removed meanwhile
        raise self._locked()

    def _locked(self) -> ScreenError:
        shown = reader.shown_path(self.output)
        return ScreenError(
            Problem(
                "screen_output_locked",
                f"another rongcuo screen is writing this output (it holds {self.path.name}); "
                "wait for that run to end, or write to another file",
                Location(shown),
                message_zh=f"另一个 rongcuo screen 进程正在写这个输出（持有 {self.path.name}）；"
                "请等它结束，或写到另一个文件",
            )
        )

    def release(self) -> None:
        if self._fd < 0:
            return
        with contextlib.suppress(OSError):
            self.path.unlink()
        os.close(self._fd)
        self._fd = -1


def _fd_identity(fd: int) -> tuple[int, int]:
    st = os.fstat(fd)
    return st.st_dev, st.st_ino


# --------------------------------------------------------------------------- the manifest


@dataclasses.dataclass(frozen=True)
class Manifest:
    """What an output was made from, and how much of its input it covers."""

    input_kind: str  # "jsonl", "stdin" or "directory"
    input_path: str  # absolute, shown with undecodable bytes escaped; "-" for stdin
    input_size: int | None  # bytes of a file, filings of a directory, None for a pipe
    ruleset_digest: str
    ruleset_label: str
    ruleset_dir: str  # absolute, or "bundled"
    trace: bool
    version: str
    records: int = 0
    consumed_bytes: int = 0
    consumed_sha256: str = ""

    def to_data(self) -> dict[str, Any]:
        return {
            "format": MANIFEST_FORMAT,
            "rongcuo": self.version,
            "input": {"kind": self.input_kind, "path": self.input_path, "size": self.input_size},
            "ruleset": {
                "digest": self.ruleset_digest,
                "label": self.ruleset_label,
                "dir": self.ruleset_dir,
            },
            "options": {"trace": self.trace},
            "consumed": {
                "records": self.records,
                "bytes": self.consumed_bytes,
                "sha256": self.consumed_sha256,
            },
        }

    def fields(self) -> list[tuple[tuple[str, ...], object]]:
        """The fields a resume must match, in the order they are compared."""
        data = self.to_data()
        out: list[tuple[tuple[str, ...], object]] = [(("format",), data["format"])]
        out.append((("rongcuo",), data["rongcuo"]))
        for group in ("input", "ruleset", "options"):
            for key, value in data[group].items():
                if (group, key) != ("ruleset", "label"):  # the digest decides
                    out.append(((group, key), value))
        return out


def read_manifest(output: Path) -> dict[str, Any]:
    """The manifest beside ``output`` as data; ``screen_resume_mismatch`` if none or unreadable."""
    path = manifest_path(output)
    shown = reader.shown_path(path)
    if not path.exists():
        raise mismatch(
            path,
            (),
            f"{reader.shown_path(output)} has no manifest beside it: it was not written by "
            "rongcuo screen --output (or by an older version), so what it was made from is "
            "not known",
            f"{reader.shown_path(output)} 旁没有清单文件：它不是由 rongcuo screen --output "
            "（或较新版本）写出的，无从得知它由什么产生",
        )
    try:
        data = reader.parse_json(
            reader.read_file(path, limit=MAX_MANIFEST_BYTES, error=RongcuoError),
            filename=shown,
            error=RongcuoError,
        )
    except RongcuoError as exc:
        raise ScreenError(exc.problems[0]) from None
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        raise mismatch(
            path,
            ("format",),
            f"not a manifest of this rongcuo ({MANIFEST_FORMAT})",
            f"不是本版 rongcuo 的清单文件（{MANIFEST_FORMAT}）",
        )
    return data


def compare(manifest: Manifest, stored: Mapping[str, Any], output: Path) -> None:
    """Refuse, naming the field, a stored manifest that differs from this run's."""
    for path, want in manifest.fields():
        got: Any = stored
        for key in path:
            got = got.get(key) if isinstance(got, dict) else None
        if got != want:
            name = ".".join(path)
            raise mismatch(
                manifest_path(output),
                path,
                f"{reader.shown_path(output)} was made with {name} = {_shown(got)}; "
                f"this run has {_shown(want)}",
                f"{reader.shown_path(output)} 产生时 {name} 为 {_shown(got)}，"
                f"本次为 {_shown(want)}",
            )


def _shown(value: object) -> str:
    """A manifest value as a message quotes it: JSON, escaped, cut after 120 characters."""
    import json

    text = json.dumps(value)  # ASCII: control characters and surrogates come out escaped
    return text if len(text) <= 120 else text[:120] + "…"


def mismatch(where: Path, path: tuple[str, ...], message: str, message_zh: str) -> ScreenError:
    return ScreenError(
        Problem(
            "screen_resume_mismatch",
            message,
            Location(reader.shown_path(where), path=path),
            message_zh=message_zh,
        )
    )


def write_json_atomically(path: Path, data: Mapping[str, Any], *, sync: bool = False) -> None:
    """Write ``data`` to ``path`` by a temporary file beside it and a rename."""
    import json

    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as f:
            f.write(text.encode("utf-8", "backslashreplace"))
            if sync:
                f.flush()
                fsync(f.fileno())
        Path(tmp).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        raise


# --------------------------------------------------------------------------- the sink


class Sink:
    """The open output of a run and how it ends: in place, by rename, or not a file at all.

    ``mode``: ``"new"`` (created here, written in place), ``"replace"`` (an existing output,
    replaced by a temporary file at the end), ``"append"`` (``--resume`` after the checks),
    ``"stream"`` (standard output, or an output that is not a regular file such as /dev/null).
    """

    def __init__(self, output: Path | None, mode: str, file: IO[bytes], temp: Path | None) -> None:
        self.output = output
        self.mode = mode
        self.file = file
        self.temp = temp
        self.manifest: Manifest | None = None

    @property
    def is_file(self) -> bool:
        return self.mode != "stream"

    def write(self, data: bytes) -> None:
        try:
            self.file.write(data)
            self.file.flush()
        except OSError as exc:
            raise _io(exc, self.output or "<stdout>") from None

    def record_progress(self, manifest: Manifest) -> None:
        """Rewrite the manifest: the output now covers ``manifest.records`` input records."""
        self.manifest = manifest
        if self.output is None or not self.is_file:
            return
        target = manifest_path(self.output)
        if self.mode == "replace":
            target = self._temp_manifest()
        try:
            write_json_atomically(target, manifest.to_data())
        except OSError as exc:
            raise _io(exc, target) from None

    def _temp_manifest(self) -> Path:
        assert self.temp is not None
        return self.temp.with_name(self.temp.name + ".manifest")

    def finish(self, *, keep: bool) -> None:
        """Flush, fsync and close; a replacing run renames its file over the output when
        ``keep`` (the run ended well), and removes it otherwise."""
        failure: OSError | None = None
        try:
            self.file.flush()
            if self.is_file:
                fsync(self.file.fileno())
        except OSError as exc:
            failure = exc
        finally:
            if self.output is not None:
                with contextlib.suppress(OSError):
                    self.file.close()
        if self.mode != "replace" or self.output is None or self.temp is None:
            if failure is not None:
                raise _io(failure, self.output or "<stdout>")
            if self.is_file and self.output is not None and self.manifest is not None:
                self._sync_manifest(manifest_path(self.output))
            return
        temp_manifest = self._temp_manifest()
        if failure is not None or not keep:
            for p in (self.temp, temp_manifest):
                with contextlib.suppress(OSError):
                    p.unlink()
            if failure is not None:
                raise _io(failure, self.output)
            return
        target = manifest_path(self.output)
        try:
            # the old manifest goes first: at no moment does an output sit beside a manifest
            # that is not its own (a crash in between leaves an output with none: not resumable)
            with contextlib.suppress(FileNotFoundError):
                target.unlink()
            self.temp.replace(self.output)
            if temp_manifest.exists():
                self._sync_manifest(temp_manifest)
                temp_manifest.replace(target)
            _sync_dir(self.output.parent)
        except OSError as exc:
            raise _io(exc, self.output) from None

    def _sync_manifest(self, path: Path) -> None:
        if self.manifest is None:
            return
        try:
            write_json_atomically(path, self.manifest.to_data(), sync=True)
        except OSError as exc:
            raise _io(exc, path) from None

    def discard(self) -> None:
        """Close without keeping anything a replacing run wrote (an error before the end)."""
        if self.output is not None:  # standard output is not ours to close
            with contextlib.suppress(OSError):
                self.file.close()
        if self.mode == "replace" and self.temp is not None:
            for p in (self.temp, self._temp_manifest()):
                with contextlib.suppress(OSError):
                    p.unlink()


def open_sink(output: Path | None, *, resume_at: int | None) -> Sink:
    """Open the output. ``resume_at``: the byte length of the checked prefix to append after
    (``--resume`` on an existing output), else ``None``."""
    import sys

    if output is None:
        return Sink(None, "stream", sys.stdout.buffer, None)
    try:
        st = os.stat(output)  # noqa: PTH116 - follow a symlink to what it names
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise _io(exc, output) from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        if stat.S_ISDIR(st.st_mode):
            raise _io(OSError(errno.EISDIR, os.strerror(errno.EISDIR)), output)
        try:  # a device or FIFO: written as a stream (no lock, no manifest, no rename)
            fd = os.open(output, os.O_WRONLY | os.O_CLOEXEC)
        except OSError as exc:
            raise _io(exc, output) from None
        return Sink(output, "stream", os.fdopen(fd, "wb"), None)
    try:
        if resume_at is not None and st is not None:
            fd = os.open(output, os.O_WRONLY | os.O_CLOEXEC)
            os.ftruncate(fd, resume_at)  # drops only a torn last line, after the checks
            os.lseek(fd, 0, os.SEEK_END)
            return Sink(output, "append", os.fdopen(fd, "wb"), None)
        if st is None:
            fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
            return Sink(output, "new", os.fdopen(fd, "wb"), None)
        fd, tmp = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp")
        with contextlib.suppress(OSError):
            os.fchmod(fd, stat.S_IMODE(st.st_mode))
        return Sink(output, "replace", os.fdopen(fd, "wb"), Path(tmp))
    except OSError as exc:
        raise _io(exc, output) from None


def fsync(fd: int) -> None:
    """Fsync, where the output can be synced at all (not a pipe or a device like /dev/null)."""
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EROFS):
            raise


def _sync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable (where the platform allows it)."""
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
