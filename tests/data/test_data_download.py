"""The real tensorflow-datasets download path, as far as the network (blocked here)."""

import socket

import pytest

import ganzoo


def test_download_path_imports_everything_and_fails_in_one_line(tmp_path, monkeypatch):
    from tensorflow_datasets.core.download import downloader

    def refuse(*args, **kwargs):
        raise OSError("network blocked by the test")

    # The test blocks the network itself, so a machine with one downloads nothing.
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(downloader, "MAX_RETRIES", 0)  # tfds backs off for minutes
    try:
        ganzoo.data.load("mnist", data_dir=str(tmp_path))
    except ImportError as error:  # e.g. importlib_resources, tensorflow/datasets#11212
        pytest.fail(f"the tfds download path misses a module: {error!r}")
    except ganzoo.data.DownloadError as error:
        assert error.name == "mnist"
        assert "\n" not in str(error)
        assert "cannot reach http" in error.reason
        assert isinstance(error, ConnectionError)
    else:
        pytest.fail("no DownloadError without a network")
