"""The user's variant of docs/extending.md, written and tested exactly as the page shows."""

import re
from pathlib import Path

PAGE = Path(__file__).resolve().parents[1] / "docs" / "extending.md"


def _example_source() -> str:
    blocks = re.findall(r"```python\n(.*?)```", PAGE.read_text(), flags=re.S)
    (example,) = [b for b in blocks if "class TestUniformLatentGAN" in b]
    return example


def test_the_page_example_is_under_40_lines():
    assert len(_example_source().strip().splitlines()) < 40


def test_the_page_example_passes_the_whole_harness():
    namespace: dict = {}
    exec(compile(_example_source(), str(PAGE), "exec"), namespace)
    namespace["TestUniformLatentGAN"]().test_contract()
