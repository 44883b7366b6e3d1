"""Bad input on the command line: a short message, the right exit status, nothing written."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest
from PIL import Image

from ganzoo import _quiet, cli
from ganzoo.callbacks.run import atomic_path
from ganzoo.cli.lock import LockedError, RunLock

_SCRIPT = os.path.join(os.path.dirname(sys.executable), "ganzoo")
GANZOO = [_SCRIPT] if os.path.exists(_SCRIPT) else [sys.executable, "-m", "ganzoo.cli"]
TINY = ["--epochs", "1", "--steps-per-epoch", "1", "--base-filters", "4", "--batch-size", "4"]
STARTUP = _quiet.re.compile("|".join(_quiet.STARTUP_PATTERNS))


def _ganzoo(*argv, env=None, cwd=None):
    result = subprocess.run(
        [*GANZOO, *argv],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def _short(stderr, lines=3):
    text = [line for line in stderr.splitlines() if line.strip()]
    assert 1 <= len(text) <= lines, stderr
    return "\n".join(text)


def test_console_script_errors(tmp_path):
    out = tmp_path / "out"
    damaged = tmp_path / "damaged.keras"
    damaged.write_bytes(b"PK\x03\x04 truncated")
    cases = [
        (["train", "dcgan", "--batch-size", "0"], 2, "expected a positive integer; got 0"),
        (["train", "dcgan", "--dataset", str(tmp_path / "nowhere")], 2, "no such folder"),
        (["sample", str(damaged)], 1, "not a complete .keras file"),
    ]
    for argv, status, message in cases:
        result = _ganzoo(*argv, "--out", str(out))
        assert result.returncode == status, (argv, result.stderr)
        assert message in _short(result.stderr), (argv, result.stderr)
        assert not STARTUP.search(result.stderr), result.stderr  # quiet by default
        assert not out.exists(), argv


def test_unreachable_download_is_one_line(tmp_path):
    # Blocks the network in the child (and tfds' minutes of back-off) before ganzoo runs.
    (tmp_path / "sitecustomize.py").write_text(
        textwrap.dedent(
            """
            import socket
            import urllib3.util.retry

            def refuse(*args, **kwargs):
                raise OSError("network blocked by the test")

            socket.create_connection = socket.getaddrinfo = socket.socket.connect = refuse
            urllib3.util.retry.Retry.get_backoff_time = lambda self: 0
            """
        )
    )
    out = tmp_path / "out"
    data = tmp_path / "tfds"
    result = _ganzoo(
        "train",
        "dcgan",
        "--dataset",
        "mnist",
        "--data-dir",
        str(data),
        "--out",
        str(out),
        env={"PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])},
    )
    assert result.returncode == 1, result.stderr
    line = _short(result.stderr, lines=1)
    assert "could not download the tensorflow-datasets set 'mnist'" in line
    assert "--dataset digits" in line and "--data-dir" in line
    assert not out.exists()


def test_verbose_shows_tensorflow_start_up_lines(tmp_path):
    result = _ganzoo("train", "dcgan", "--verbose", "--epochs", "0")
    assert result.returncode == 2
    assert STARTUP.search(result.stderr), result.stderr


def test_training_is_quiet_and_leaves_no_temporary_files(tmp_path):
    out = tmp_path / "run"
    result = _ganzoo("train", "dcgan", *TINY, "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert not STARTUP.search(result.stderr), result.stderr
    assert "Trained dcgan" in result.stdout
    assert sorted(n for n in os.listdir(out) if not n.startswith(".lock")) == [
        "backup",
        "epoch_0001.png",
        "history.csv",
        "model.keras",
        "progress.gif",
        "run.json",
    ]


def _main(capsys, *argv):
    try:
        status = cli.main(list(argv))
    except SystemExit as exit_:  # argparse's own errors
        status = exit_.code
    return status, _short(capsys.readouterr().err)


def test_bad_values_and_paths(tmp_path, capsys):
    out = tmp_path / "out"
    (tmp_path / "empty").mkdir()
    (tmp_path / "flat").mkdir()
    Image.fromarray(np.zeros((8, 8), np.uint8)).save(tmp_path / "flat" / "0.png")
    (tmp_path / "broken").mkdir()
    Image.fromarray(np.zeros((8, 8), np.uint8)).save(tmp_path / "broken" / "0.png")
    (tmp_path / "broken" / "1.png").write_bytes(b"not a png")
    (tmp_path / "file").write_text("x")
    cases = [
        (["train", "dcgan", "--epochs", "-3"], 2, "expected a positive integer; got -3"),
        (["train", "nosuch"], 2, "invalid choice: 'nosuch'"),
        (["sample", str(tmp_path / "missing.keras")], 2, "no such file"),
        (["train", "dcgan", "--epochs", "0"], 2, "expected a positive integer; got 0"),
        (["train", "dcgan", "--image-size", "0"], 2, "expected a positive integer; got 0"),
        (["train", "dcgan", "--batch-size", "x"], 2, "expected an integer; got 'x'"),
        (["train", "dcgan", "--dataset", "nosuch_set"], 2, "no folder or dataset has that name"),
        (["train", "dcgan", "--dataset", str(tmp_path / "empty")], 2, "holds no image file"),
        (["train", "dcgan", "--dataset", str(tmp_path / "broken")], 1, "1.png"),
        (["train", "cgan", "--dataset", str(tmp_path / "flat")], 2, "holds no image file in its"),
        (["train", "cyclegan", "--domain-a", str(tmp_path / "flat")], 2, "go together"),
        (["train", "cyclegan", "--dataset", "mnist"], 2, "trains on two domains"),
        (["train", "cgan", "--discriminator", "x"], 2, "invalid choice: 'x'"),
        (["sample", str(tmp_path / "file"), "--n", "0"], 2, "expected a positive integer"),
        (["fid", "digits", "digits:test", "--extractor", "digits"], 2, "one split, 'train'"),
        (
            ["fid", "digits", "digits", "--num-samples", "1"],
            2,
            "--num-samples must be at least 2; got 1",
        ),
        (["fid", str(tmp_path / "missing.keras"), "digits"], 2, "no model file"),
    ]
    for argv, status, message in cases:
        result = (
            _main(capsys, *argv, "--out", str(out)) if argv[0] != "fid" else _main(capsys, *argv)
        )
        assert result[0] == status, (argv, result)
        assert message in result[1], (argv, result)
        assert not out.exists(), argv
    status, text = _main(capsys, "train", "dcgan", "--out", str(tmp_path / "file"))
    assert (status, "is a file") == (2, text[text.index("is a file") :][:9])


def test_other_models_and_debug(tmp_path, capsys):
    import keras

    plain = str(tmp_path / "plain.keras")
    keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]).save(plain)
    grid = tmp_path / "grid.png"
    status, text = _main(capsys, "sample", plain, "--out", str(grid))
    assert status == 1 and "not a ganzoo GAN" in text and not grid.exists()
    with pytest.raises(cli.CommandError, match="no such file"):  # --debug: the traceback
        cli.main(["sample", str(tmp_path / "missing.keras"), "--debug"])


def test_a_held_folder_is_refused_and_a_dead_holders_lock_taken_over(tmp_path):
    out = tmp_path / "held"
    out.mkdir()
    # A holder as RunLock makes one (flock on OUT/.lock holding the PID), without TF.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, time\n"
            f"f = open({str(out / '.lock')!r}, 'w')\n"
            "fcntl.flock(f, fcntl.LOCK_EX); f.write(str(os.getpid())); f.flush()\n"
            "print('held', flush=True); time.sleep(300)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(LockedError, match=f"PID {holder.pid}"):
            RunLock(str(out)).acquire()
        result = _ganzoo("train", "dcgan", *TINY, "--out", str(out))
        assert result.returncode == 1
        assert f"in use by another ganzoo train (PID {holder.pid})" in _short(result.stderr)
        assert os.listdir(out) == [".lock"]  # nothing of the refused run
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    with RunLock(str(out)), open(out / ".lock") as f:  # the dead holder's lock is free
        assert f.read().strip() == str(os.getpid())


def test_a_writer_failing_mid_write_leaves_the_old_file(tmp_path):
    path = tmp_path / "model.keras"
    path.write_bytes(b"old")
    with pytest.raises(RuntimeError, match="disk full"), atomic_path(path) as temporary:
        assert temporary.endswith(".keras") and os.path.dirname(temporary) == str(tmp_path)
        with open(temporary, "wb") as f:
            f.write(b"half of the new")
        raise RuntimeError("disk full")
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["model.keras"]
    with atomic_path(path) as temporary, open(temporary, "wb") as f:
        f.write(b"new")
    assert path.read_bytes() == b"new" and os.listdir(tmp_path) == ["model.keras"]


def test_the_filter_drops_start_up_lines_and_passes_the_rest(capfd):
    with _quiet.filtered_stderr():
        os.write(2, b"I0000 cpu_feature_guard.cc:227] This TensorFlow binary is optimized\n")
        os.write(2, b"an unrelated line\n")
        time.sleep(0.05)
    err = capfd.readouterr().err
    assert err == "an unrelated line\n"
