"""The console script `emulate`: choose the language, then run `cli`.

The language must be known before `cli` (and typer) are imported, because
help texts are translated when the commands are defined.
"""

from __future__ import annotations

import gc
import importlib
import os
import signal
import sys
import types
from collections.abc import Iterable
from typing import Any

# The values of PYDANTIC_DISABLE_PLUGINS with which pydantic loads no plugin at all.
_NO_PLUGINS = ("__all__", "1", "true")
_LOADER = "pydantic.plugin._loader"


class Terminated(BaseException):
    """SIGTERM, raised in the main process as Ctrl-C raises KeyboardInterrupt: `finally` blocks run.

    A BaseException, so that no `except Exception` takes it for an error of its own.
    """


#: the process that runs the command; the pool's workers are forked from it and inherit its handler
_MAIN_PID = os.getpid()


def _on_signal(signum: int, frame: object) -> None:
    """Ctrl-C and SIGTERM: the main process unwinds (and stops its workers); a worker leaves it to the main one."""
    if os.getpid() != _MAIN_PID:
        if signum == signal.SIGTERM:
            os._exit(128 + signum)  # stopped by the main process: quietly, no traceback
        return  # Ctrl-C reaches the whole process group: the main process stops the workers
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise Terminated


def main() -> None:
    """UTF-8 output everywhere, the language first, and no traceback for anything a user can cause.

    Ends with exit 130 (Ctrl-C) or 143 (SIGTERM) and one line; a write error on
    standard output is one line and exit 1; a closed pipe ends quietly, with
    exit 1 whatever was printed (what typer does for a pipe closed under it).
    """
    global _MAIN_PID
    _MAIN_PID = os.getpid()
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    # The start imports some 300 modules and makes emulate's models: some 45,000 objects that live
    # until the run ends, and no garbage cycle worth finding. The cyclic garbage collector ran about
    # 80 times while they were made (a fifth of the CPU time of `emulate validate FILE`); it is off
    # until they are made, and then they are frozen out of its reach (`modules_loaded`).
    gc.disable()
    # emulate uses no pydantic plugin: without this, the first model built scans every installed
    # package's entry points for one (~7 ms of each run). A value set by the user is kept.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if os.environ["PYDANTIC_DISABLE_PLUGINS"] in _NO_PLUGINS:
        _no_plugin_loader()
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and (stream.encoding or "").lower().replace("-", "") != "utf8":
            stream.reconfigure(encoding="utf-8")
    from . import i18n

    asked = i18n.from_argv(sys.argv[1:])
    language = i18n.resolve(asked)
    i18n.use(language, explicit=asked is not None)
    i18n.use_in_typer(language)
    code = _run()
    if code == 130:  # typer turns KeyboardInterrupt into exit 130, silently
        _say(i18n._("interrupted"))
    elif code == 143:
        _say(i18n._("terminated"))
    sys.exit(code)


def _run() -> int:
    """Run the command line; its exit code, standard output flushed."""
    from . import i18n

    try:
        from .cli import main as run

        run()
        code: int = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except KeyboardInterrupt:
        code = 130
    except Terminated:
        code = 143
    except BrokenPipeError:
        return _closed_pipe()
    except OSError as exc:
        if exc.filename is not None:
            # a file the command could not open or list (its own problem codes are the better
            # message; this is the last guard against a traceback): named, in one line
            _say(i18n._("{file}: {reason}").format(file=exc.filename, reason=exc.strerror or exc))
            return 1
        # an error with no file is the one of writing standard output (a full disk)
        _say(i18n._("cannot write the output: {reason}").format(reason=exc.strerror or exc))
        return _discard_output(1)
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        return _closed_pipe()
    except OSError as exc:
        _say(i18n._("cannot write the output: {reason}").format(reason=exc.strerror or exc))
        return _discard_output(1)
    return code


def _say(message: str) -> None:
    """One line on standard error (which may be closed too: then nothing)."""
    try:
        sys.stderr.write(f"emulate: {message}\n")
        sys.stderr.flush()
    except OSError:
        pass


def _closed_pipe() -> int:
    """The reader of standard output went away (`emulate score 2017 | head`): end quietly."""
    return _discard_output(1)


def _discard_output(code: int) -> int:
    """Standard output pointed at /dev/null, so that the flush at exit finds nothing to fail on."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
    return code


def modules_loaded() -> None:
    """The start is over (the command's modules and models are made): the garbage collector on again.

    What the start made is moved out of the collector's reach first (`gc.freeze`), so that
    it is not walked again by every later collection either.
    """
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def _no_plugin_loader() -> None:
    if _LOADER not in sys.modules:
        sys.modules[_LOADER] = _PluginLoader(_LOADER)


class _PluginLoader(types.ModuleType):
    """Stands in for pydantic's plugin loader while every plugin is disabled.

    pydantic imports `pydantic.plugin._loader` at its first model even when
    PYDANTIC_DISABLE_PLUGINS disables every plugin, and that module imports
    importlib.metadata (with email, csv, zipfile...: ~15 ms of each run) only to
    load none. Here `get_plugins()` returns none while plugins are disabled;
    anything else asked of the module (and `get_plugins` once they are enabled)
    comes from pydantic's own loader, imported then.
    """

    def get_plugins(self) -> Iterable[Any]:
        if os.environ.get("PYDANTIC_DISABLE_PLUGINS") in _NO_PLUGINS:
            return ()
        plugins: Iterable[Any] = self._real().get_plugins()
        return plugins

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system asks for __path__ and the like: a plain module has none
            raise AttributeError(name)
        return getattr(self._real(), name)

    def _real(self) -> types.ModuleType:
        if sys.modules.get(_LOADER) is self:
            del sys.modules[_LOADER]
        return importlib.import_module(_LOADER)
