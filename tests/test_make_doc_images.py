"""scripts/make_doc_images.py --quick: every picture of the layout it promises, one table row."""

import importlib.util
import json
import math
import pathlib
import sys

from PIL import Image

SCRIPT = pathlib.Path(__file__).resolve().parents[1] / "scripts" / "make_doc_images.py"


def _load():
    spec = importlib.util.spec_from_file_location("make_doc_images", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _size(columns: int, rows: int, scale: int) -> tuple[int, int]:
    """`(width, height)` of an `image_grid` of 32-pixel images, padding 2, times `scale`."""
    return (scale * (columns * 34 + 2), scale * (rows * 34 + 2))


def _open(path: pathlib.Path) -> Image.Image:
    with Image.open(path) as image:
        image.verify()  # a whole, valid PNG
    image = Image.open(path)
    assert image.format == "PNG"
    return image


def test_quick_run_writes_pictures_and_table(tmp_path):
    script = _load()
    images, zoo = tmp_path / "images", tmp_path / "zoo.md"
    argv = ["--quick", "--variants", "cgan,vanilla", "--out", str(images), "--zoo", str(zoo)]
    results = script.main(argv)
    assert [result.name for result in results] == ["cgan", "vanilla"]

    scale = script.SCALE
    expected = {
        "cgan_samples.png": _size(8, 8, scale),
        "cgan_thumb.png": _size(4, 4, 1),
        # A row per class: 10 digits, GRID_N // 10 samples each.
        "cgan_grid.png": _size(script.GRID_N // 10, 10, scale),
        "vanilla_samples.png": _size(8, 8, scale),
        "vanilla_thumb.png": _size(4, 4, 1),
    }
    for name, size in expected.items():
        image = _open(images / name)
        assert image.size == size, name
        assert image.mode == "L", name  # grayscale digits
    for name in ("cgan_losses.png", "vanilla_losses.png"):
        width, height = _open(images / name).size
        assert width > 100 and height > 100
    # Plain samples are not written twice: vanilla's ImageGrid layout is its samples.
    assert not (images / "vanilla_grid.png").exists()

    rows = [line for line in zoo.read_text(encoding="utf-8").splitlines() if line.startswith("| [")]
    assert len(rows) == 2
    for row, name in zip(rows, ("cgan", "vanilla"), strict=True):
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert cells[0].startswith(f"[`{name}`]({name}.md)")
        fid, steps, batch, cpu, wall = cells[4:9]
        assert math.isfinite(float(fid.split()[0])) and float(fid.split()[0]) >= 0
        assert int(steps) == script.QUICK_BUDGET.steps
        assert int(batch) == script.QUICK_BUDGET.batch_size
        assert f"![{name} samples](images/{name}_thumb.png)" in cells[9]  # shown inline
        assert f"[losses](images/{name}_losses.png)" in cells[9]
        assert all(math.isfinite(float(value)) for value in (cpu, wall))
        assert f"(images/{name}_samples.png)" in cells[9]
    records = json.loads((images / script.RESULTS_FILE).read_text(encoding="utf-8"))
    assert [record["name"] for record in records] == ["cgan", "vanilla"]
    assert all(math.isfinite(record["fid"]) for record in records)
