"""Build the optional C accelerator of the feed parser (newsdesk/reader/feeds/_litetree.c).

Everything else lives in pyproject.toml. The extension is optional: without a C compiler the install
still succeeds and the feed parser uses lxml only (same results, slower; see docs/benchmarks.md).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "newsdesk.reader.feeds._litetree",
            ["newsdesk/reader/feeds/_litetree.c"],
            extra_compile_args=[
                "-O2",
                "-Wall",
                "-Wextra",
                "-Wno-unused-parameter",
                "-Wno-missing-field-initializers",
                # A missing declaration would only show when the module fails to import: fail the build.
                "-Werror=implicit-function-declaration",
            ],
            optional=True,
        )
    ]
)
