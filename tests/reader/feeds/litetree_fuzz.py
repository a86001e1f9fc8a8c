"""Mutation fuzzer for a given build of `_litetree` (run in a subprocess by test_litetree_sanitized.py).

    python litetree_fuzz.py EXTENSION.so SEED ITERATIONS [SEED_DIR ...]

Loads that shared object as the module, mutates seed documents (the repo's fixtures and any folders given)
and drives every element method on what it accepts. Prints "ok <accepted>" at the end; a sanitizer
report or a crash ends the process with a failure code first.
"""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parents[1] / "data" / "feeds"
TOKENS = [b"<", b">", b"&", b"]]>", b"&amp;", b"&#", b"&#x", b"<!--", b"-->", b"<![CDATA[", b"<?", b"?>"]
TOKENS += [b"\x00", b"\xff", b"\xc3", b"'", b'"', b"/", b":", b"\r", b"xmlns:a=", b"xml:base=", b"<!DOCTYPE x>"]


def mutate(data: bytes, rng: random.Random) -> bytes:
    pos = rng.randrange(len(data) + 1)
    kind = rng.randrange(4)
    if kind == 0:
        return data[:pos] + data[pos + rng.randrange(1, 16) :]
    if kind == 1:
        return data[:pos] + rng.choice(TOKENS) + data[pos:]
    if kind == 2:
        return data[:pos] + bytes([rng.randrange(256)]) + data[pos + 1 :]
    other = rng.randrange(len(data) + 1)
    return data[:pos] + data[min(pos, other) : max(pos, other)] + data[pos:]  # duplicate a slice


def main(argv: list[str]) -> int:
    library, seed, iterations, *folders = argv
    spec = importlib.util.spec_from_file_location("newsdesk.reader.feeds._litetree", library)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    seeds = [p.read_bytes() for p in sorted(FIXTURES.glob("*.xml"))]
    for folder in folders:
        seeds += [p.read_bytes() for p in sorted(Path(folder).rglob("*.xml"))[:600]]
    rng = random.Random(int(seed))
    accepted = 0
    table = {"item": 0, "title": 1, "{http://www.w3.org/2005/Atom}entry": 0, "link": 100, "category": 101}
    for _ in range(int(iterations)):
        data = rng.choice(seeds)
        for _ in range(rng.randrange(1, 4)):
            data = mutate(data, rng)
        result = module.parse(data, rng.choice(["https://example.com/feed", ""]))
        if result is None:
            continue
        accepted += 1
        for el in result[0].iter():
            (el.tag, el.text, el.tail, el.attrib, el.base, el.get("href"), el.itertext(), el.iter("{*}item"))
            el.sort_children(table, 2)
            if len(el):
                el.inner_xml()
                el[-1]
    print("ok", accepted)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
