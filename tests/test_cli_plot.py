"""`ganzoo plot LOG.csv --out PNG`: one panel per logged value; clean errors."""

import numpy as np
from PIL import Image

from ganzoo import cli
from ganzoo.cli.plot import read_log


def _log(path, rows):
    path.write_text("epoch,d_loss,g_loss,fid\n" + "".join(f"{r}\n" for r in rows))
    return str(path)


def test_plots_every_column(tmp_path):
    log = _log(tmp_path / "history.csv", ["0,1.5,0.7,", "1,1.2,0.9,40.5", "2,1.1,1.0,30.0"])
    columns = read_log(log)
    assert columns["g_loss"] == [0.7, 0.9, 1.0] and np.isnan(columns["fid"][0])
    out = tmp_path / "curves.png"
    assert cli.main(["plot", log, "--out", str(out)]) == 0
    with Image.open(out) as image:
        width, height = image.size
    assert (width, height) == (600, 660)  # three panels of 6 x 2.2 inches at 100 dpi


def test_errors(tmp_path, capsys):
    assert cli.main(["plot", str(tmp_path / "none.csv"), "--out", str(tmp_path / "c.png")]) == 2
    assert "no such file" in capsys.readouterr().err
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert cli.main(["plot", str(empty), "--out", str(tmp_path / "c.png")]) == 1
    assert "holds no epochs" in capsys.readouterr().err
    assert not (tmp_path / "c.png").exists()
