"""Where the time goes: py-spy attached to each measured process (``bench/e2e.py --profile``).

py-spy (``pip install py-spy``; part of the ``bench`` extra) is attached by pid once a
process has started — the process runs unchanged, the sampler is a separate process whose CPU
is not counted in the figures, but it pauses the process for each sample, so a profiled run's
rates are a little low — and records folded stacks (``--format raw``: one line per distinct
stack, frames root first, separated by ``;``, then the sample count) of the threads that are
running, not idle ones, 100 times a second, into ``{work}/{process}.folded``.

:func:`summary` reads such files (see its docstring).

    python -m bench.e2e_profile FILE.folded...
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

_FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^():]+)(?::\d+)?\)$")
_PACKAGES = (
    "redis",
    "arq",
    "aiohttp",
    "selectolax",
    "numpy",
    "lxml",
    "feedparser",
    "trafilatura",
    "datasketch",
    "logging",
    "json",
    "zlib",
    "pydantic",
)
_ENTRY = ("crawler.cli", "crawler.runtime.roles", "crawler.runtime")  # under (nearly) every sample
# top frames of a thread that is waiting, not working: the event loop in epoll, an idle
# thread-pool thread in its queue, a thread on a lock (py-spy does not always tell them idle)
_IDLE = {
    ("select", "selectors.py"),
    ("_worker", "concurrent/futures/thread.py"),
    ("wait", "threading.py"),
}


def py_spy() -> str | None:
    beside = Path(sys.executable).with_name("py-spy")
    return str(beside) if beside.exists() else shutil.which("py-spy")


def attach(pid: int, out: Path) -> subprocess.Popen[bytes]:
    """Start sampling ``pid``; the sampler writes ``out`` and exits when the process ends."""
    binary = py_spy()
    if binary is None:
        raise RuntimeError("--profile needs py-spy: pip install -e '.[bench]'")
    args = [binary, "record", "--pid", str(pid), "--format", "raw"]
    return subprocess.Popen(
        [*args, "--rate", "100", "-o", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _area(file: str) -> str:
    """``crawler/core/dedup.py`` → ``crawler.core.dedup``; a library file → its package."""
    path = file.removesuffix(".py").replace("\\", "/")
    if path.startswith(("crawler/", "workers/", "bench/")):
        return path.replace("/", ".")
    top = path.split("/", 1)[0]
    return top if top in _PACKAGES else ""


def summary(files: list[Path], top: int = 15) -> dict[str, list[tuple[str, float]]]:
    """Shares of the busy samples (those whose top frame is not an idle wait, ``_IDLE``):
    ``inclusive`` (a frame of the area anywhere in the stack), ``by_area`` (the deepest frame
    of a known area: where the CPU went, the C code and the standard library it called
    included; the entry points excepted) and ``self`` (the top frame)."""
    inclusive: Counter[str] = Counter()
    deepest: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    busy = idle = 0
    for stack, samples in _stacks(files):
        if not stack or (stack[-1]["func"].split(".")[-1], stack[-1]["file"]) in _IDLE:
            idle += samples
            continue
        busy += samples
        known = [a for a in (_area(f["file"]) for f in stack) if a and not a.startswith(_ENTRY)]
        inclusive.update(dict.fromkeys(set(known), samples))
        deepest[known[-1] if known else "(event loop, interpreter)"] += samples
        leaves[f"{stack[-1]['func']} ({stack[-1]['file']})"] += samples

    def shares(counter: Counter[str]) -> list[tuple[str, float]]:
        return [(k, round(100 * v / max(busy, 1), 1)) for k, v in counter.most_common(top)]

    return {
        "idle_samples_dropped": [("% of all samples", round(100 * idle / max(busy + idle, 1), 1))],
        "inclusive": shares(inclusive),
        "by_area": shares(deepest),
        "self": shares(leaves),
    }


def _stacks(files: list[Path]) -> Iterator[tuple[list[re.Match[str]], int]]:
    for file in files:
        for line in file.read_text(errors="replace").splitlines():
            stack, _, count = line.rpartition(" ")
            if count.isdigit():
                frames = (_FRAME.match(frame) for frame in stack.split(";"))
                yield [frame for frame in frames if frame], int(count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", type=Path, nargs="+")
    result = summary(parser.parse_args().files, top=25)
    for title, rows in result.items():
        print(f"{title} (% of samples)")
        for name, share in rows:
            print(f"  {share:5.1f}  {name}")


if __name__ == "__main__":
    main()
