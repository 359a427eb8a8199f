"""Sub-commands beyond the core ones. Each module here registers itself with `explorer.cli.register`."""
import importlib
import pkgutil

for _mod in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_mod.name}")
