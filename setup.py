"""Build the optional C accelerator of the feed parser (newsdesk/reader/feeds/litetree_src/).

Everything else lives in pyproject.toml. The extension is optional: without a C compiler the install
still succeeds and the feed parser uses lxml only (same results, slower; see docs/benchmarks.md).
"""

from pathlib import Path

from setuptools import Extension, setup

LITETREE = Path("newsdesk/reader/feeds/litetree_src")

setup(
    ext_modules=[
        Extension(
            "newsdesk.reader.feeds._litetree",
            sorted(str(path) for path in LITETREE.glob("*.c")),
            depends=sorted(str(path) for path in LITETREE.glob("*.h")),
            extra_compile_args=[
                "-O2",
                "-Wall",
                "-Wextra",
                "-Wno-unused-parameter",
                "-Wno-missing-field-initializers",
                # A missing declaration would only show when the module fails to import: fail the build.
                "-Werror=implicit-function-declaration",
                "-fvisibility=hidden",  # the module exports PyInit__litetree only
            ],
            optional=True,
        )
    ]
)
