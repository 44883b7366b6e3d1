"""Reading a TorchScript archive's tensors with `zipfile`, `pickle` and NumPy, without torch.

A TorchScript file (`torch.jit.save`) is a zip archive: `data.pkl` pickles the module
tree and names raw little-endian tensor storages `data/0`, `data/1`, ...; `code/` holds
the TorchScript source. `ganzoo.metrics.fid_inception` reads the FID Inception weights
from one such file.
"""

from __future__ import annotations

import io
import os
import pickle
import zipfile
from collections import OrderedDict
from typing import Any

import numpy as np


def read_torchscript_tensors(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Reads every tensor of a TorchScript archive into NumPy, without torch.

    Args:
        path: a `.pt` file written by `torch.jit.save`.

    Returns:
        `{dotted attribute path: array}`, e.g. `"net.layers.mixed_4.conv.weight"`, in the
        archive's (PyTorch) layouts.

    Example:
    >>> tensors = read_torchscript_tensors(fid_inception.find_torchscript_weights())  # doctest: +SKIP
    >>> tensors["net.layers.conv.weight"].shape  # doctest: +SKIP
    (32, 3, 3, 3)
    """
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        pickles = [n for n in names if n.endswith("/data.pkl") and n.count("/") == 1]
        if not pickles:
            raise ValueError(f"{os.fspath(path)!r} is not a TorchScript archive (no data.pkl).")
        root = pickles[0][: -len("data.pkl")]
        if f"{root}byteorder" in names:
            byteorder = archive.read(f"{root}byteorder").decode().strip()
            if byteorder != "little":
                raise ValueError(f"Unsupported tensor byte order {byteorder!r} in {path}.")
        unpickler = _TorchScriptUnpickler(io.BytesIO(archive.read(pickles[0])), archive, root)
        tree = unpickler.load()
    tensors: dict[str, np.ndarray] = {}
    _collect_tensors(tree, "", tensors)
    return tensors


_STORAGE_DTYPES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
    "ShortStorage": np.int16,
    "CharStorage": np.int8,
    "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}


class _ScriptObject:
    """Stands in for a pickled TorchScript module: keeps its attribute dict."""

    def __init__(self, *args: Any) -> None:
        self.attributes: dict[str, Any] = {}

    def __setstate__(self, state: Any) -> None:
        self.attributes = dict(state) if isinstance(state, dict) else {"state": state}


def _rebuild_tensor(storage, offset, size, stride, *unused) -> np.ndarray:
    size, stride = tuple(size), tuple(stride)
    if not size:
        return np.array(storage[offset])
    itemsize = storage.itemsize
    view = np.lib.stride_tricks.as_strided(
        storage[offset:], shape=size, strides=tuple(s * itemsize for s in stride)
    )
    return np.ascontiguousarray(view)


def _rebuild_parameter(data, requires_grad, backward_hooks, *unused) -> np.ndarray:
    return data


class _TorchScriptUnpickler(pickle.Unpickler):
    """Unpickles `data.pkl` of a TorchScript archive into NumPy arrays."""

    def __init__(self, file, archive: zipfile.ZipFile, root: str) -> None:
        super().__init__(file)
        self._archive = archive
        self._root = root
        self._storages: dict[str, np.ndarray] = {}
        self._classes: dict[str, type] = {}

    def find_class(self, module: str, name: str) -> Any:
        if module == "torch._utils" and name == "_rebuild_tensor_v2":
            return _rebuild_tensor
        if module == "torch._utils" and name == "_rebuild_parameter":
            return _rebuild_parameter
        if module == "torch" and name in _STORAGE_DTYPES:
            return name
        if module == "torch.jit._pickle" and name in ("build_intlist", "build_doublelist"):
            return list
        if module == "torch.jit._pickle" and name == "build_boollist":
            return list
        if module == "collections" and name == "OrderedDict":
            return OrderedDict
        if module.startswith("__torch__"):
            key = f"{module}.{name}"
            if key not in self._classes:
                self._classes[key] = type(name, (_ScriptObject,), {})
            return self._classes[key]
        raise pickle.UnpicklingError(
            f"Unexpected object {module}.{name} in a TorchScript archive; refusing to load it."
        )

    def persistent_load(self, pid: Any) -> np.ndarray:
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"Unexpected persistent id {pid!r}.")
        _, storage_type, key, _location, numel = pid
        if key not in self._storages:
            raw = self._archive.read(f"{self._root}data/{key}")
            dtype = np.dtype(_STORAGE_DTYPES[storage_type]).newbyteorder("<")
            self._storages[key] = np.frombuffer(raw, dtype=dtype)[:numel]
        return self._storages[key]


def _collect_tensors(obj: Any, prefix: str, out: dict[str, np.ndarray]) -> None:
    if isinstance(obj, _ScriptObject):
        for key, value in obj.attributes.items():
            _collect_tensors(value, f"{prefix}{key}.", out)
    elif isinstance(obj, np.ndarray) and obj.ndim > 0:
        out[prefix[:-1]] = obj
