"""The directory's import module, found by ``kechuang.core.tabular``'s autodiscovery: it registers the specs
in ``specs.py``.

The framework itself moved to ``kechuang.core.tabular``; its public names are re-exported here for one release
so that code importing them from the old place keeps working. New code imports from ``kechuang.core.tabular``.
"""

from kechuang.core.tabular import *  # noqa: F403  (the old public names, for one release)
from kechuang.core.tabular import __all__  # noqa: F401
from kechuang.directory import specs  # noqa: F401  (registers the directory's specs)
