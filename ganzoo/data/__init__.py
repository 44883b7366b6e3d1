"""Data for ganzoo: float32 NHWC images in [-1, 1], int32 labels, equal batches.

- `load(name, ...)`: tensorflow-datasets sets (`mnist`, `fashion_mnist`, `cifar10`,
  `celeb_a`, `cycle_gan/<pair>`, ...) and the offline `digits` set.
- `image_folder(path, image_size, ...)`: a folder of image files.
- `paired(ds_a, ds_b)`, `cyclegan_jitter`, `resize`, `digits_domains`: unpaired
  domains for CycleGAN.
- `paired_images(path, direction)`: pix2pix-style side-by-side pairs;
  `aligned_folders(a_dir, b_dir)`, `aligned_pairs(a, b)`, the offline `digits_edges`.
- `semi_supervised`: `load(name, labelled=N)`'s few labels (`-1`: unlabelled).
- `preview`, `keep_preview`: the cheap first batch of a ganzoo dataset that `peek`
  reads, and handing it on to a dataset derived from it.
- `DownloadError`: a tensorflow-datasets set that could not be downloaded.
- `SyncEpoch`, `set_epoch`: per-epoch shuffle orders that a resumed run reproduces.
- `check_images`, `check_labels`, `check_paired`, `check_not_empty`, `peek`: input
  checks that fail fast with a message naming the problem.

See `docs/data.md`.
"""

from ganzoo.data import semi_supervised
from ganzoo.data.aligned import aligned_folders, aligned_pairs, digits_edges, sobel_edges
from ganzoo.data.checks import check_images, check_labels, check_not_empty, check_paired, peek
from ganzoo.data.cyclegan import cyclegan_jitter, digits_domains, paired, resize
from ganzoo.data.datasets import DownloadError, load, num_classes
from ganzoo.data.digits import load_digits_arrays
from ganzoo.data.folder import image_folder
from ganzoo.data.pipeline import SyncEpoch, set_epoch
from ganzoo.data.previews import keep_preview, preview
from ganzoo.data.side_by_side import paired_images

__all__ = [
    "DownloadError",
    "SyncEpoch",
    "aligned_folders",
    "aligned_pairs",
    "check_images",
    "check_labels",
    "check_not_empty",
    "check_paired",
    "cyclegan_jitter",
    "digits_domains",
    "digits_edges",
    "image_folder",
    "keep_preview",
    "load",
    "load_digits_arrays",
    "num_classes",
    "paired",
    "paired_images",
    "peek",
    "preview",
    "resize",
    "semi_supervised",
    "set_epoch",
    "sobel_edges",
]
