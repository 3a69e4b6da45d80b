"""The console script `emulate`: choose the language, then run `cli`.

The language must be known before `cli` (and typer) are imported, because
help texts are translated when the commands are defined.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
import types
from collections.abc import Iterable
from typing import Any

# The values of PYDANTIC_DISABLE_PLUGINS with which pydantic loads no plugin at all.
_NO_PLUGINS = ("__all__", "1", "true")
_LOADER = "pydantic.plugin._loader"


def main() -> None:
    """UTF-8 output everywhere, the language first, and no traceback for anything a user can cause."""
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
    try:
        from .cli import main as run

        run()
    except KeyboardInterrupt:
        sys.stderr.write("emulate: " + i18n._("interrupted") + "\n")
        sys.exit(130)
    except BrokenPipeError:
        os._exit(0)


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
