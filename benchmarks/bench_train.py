"""Training throughput of ganzoo's `fit` against two hand-written loops, and its memory.

For each variant at a standard configuration it measures, each in a fresh process:

- `fit`: ganzoo's `gan.fit` with ganzoo's defaults (`compile()` as is) on a
  `ganzoo.data` pipeline;
- `loop_a`: the loop users write from the Keras examples: a `tf.function` step with
  two tapes (critic, then generator), no XLA, plain `optimizer.apply` updates, Keras'
  own `BatchNormalization`, a Python `for` over a plain
  `from_tensor_slices(...).shuffle(...).batch(...)` dataset;
- `loop_b`: the same loop with what ganzoo's defaults bring: the `jit_compile` that
  ganzoo's `compile` chose, its XLA-fused optimizer updates (`gan.optimize`), its fused
  batch norm and the same `ganzoo.data` pipeline as `fit`: the difference to `fit` is
  what ganzoo's machinery (Keras' `fit` loop, trackers, the distribution-ready step)
  costs.

Both loops call the variant's own loss hooks (`discriminator_loss`, `generator_loss`,
`sample_latent`...), so they do exactly the arithmetic `fit` does, on the same
networks and the same images (the offline digits set, resized). Reported: images/s
and step time after `--warmup` steps, peak RSS of the process, the step's FLOPs (TF's
graph profiler over the traced step) and their rate as a fraction of this machine's
dense float32 matmul rate (the ceiling). `--soak` trains `fit` for `--soak-epochs`
epochs and reports RSS after epoch 2 and after the last one.

    python benchmarks/bench_train.py                          # all variants
    python benchmarks/bench_train.py --variants dcgan --steps 20 --warmup 5
    python benchmarks/bench_train.py --variants dcgan,wgan_gp --jit-compile true
    python benchmarks/bench_train.py --variants dcgan --soak --modes fit
    python benchmarks/bench_train.py --variants dcgan,lsgan --alternating 10

`--alternating N` adds, per variant, `benchmarks/fit_vs_loop.py`'s in-process comparison:
N rounds that alternate `fit` and loop_b in one process, so both meet the same machine
state (separate processes differ by ±10 % on a shared VM); it prints the median and the
lowest round's fit/loop ratio.

Prints a Markdown table and writes JSON (`--json`, default `runs/bench_train.json`).

Timings depend on what else the machine runs. `--max-busy` waits before each
measurement until other processes are quiet; a run that another process slowed down
anyway keeps fewer cores busy (CPU time / wall time) than its siblings and is measured
again (`--min-parallel`, `--retries`); each figure is the median of `--repeats` kept
runs. CPU time per step (all threads) is the work done, nearly independent of load;
the "CPU vs" columns compare it. The table's header records the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout

import numpy as np  # noqa: E402

MODES = ("fit", "loop_a", "loop_b")

# Registered name (`ganzoo.registry`) -> (its class's name, for_images kwargs of the
# benchmark's standard size, batch size per generator step). Variants registered
# without an entry here get `standard_config` (28×28×1 digits, batch 64).
STANDARD_CONFIGS = {
    "vanilla": ("VanillaGAN", {"image_shape": (28, 28, 1)}, 64),
    "dcgan": ("DCGAN", {"image_shape": (28, 28, 1)}, 64),
    "wgan_gp": ("WGANGP", {"image_shape": (28, 28, 1)}, 64),
    "cgan": ("CGAN", {"image_shape": (28, 28, 1), "num_classes": 10}, 64),
    "infogan": ("InfoGAN", {"image_shape": (28, 28, 1)}, 64),
    "cyclegan": ("CycleGAN", {"image_shape": (64, 64, 3)}, 1),
    "pix2pix": ("Pix2Pix", {"image_shape": (32, 32, 1)}, 1),  # edges -> digits, batch 1
    # Its learning budget's networks; the loops leave out its lazy regularizers, so only
    # `--modes fit` compares (benchmarks/stylegan2_cost.py has their cost).
    "stylegan2": (
        "StyleGAN2",
        {"image_shape": (32, 32, 1), "latent_dim": 64, "channel_base": 1024, "channel_max": 64},
        32,
    ),
    # Its learning budget's networks at 32x32 (not 28: a power of two); its networks take
    # a level of detail beside z and images, so only `--modes fit` applies.
    "progan": ("ProGAN", {"image_shape": (32, 32, 1), "fmap_base": 1024, "fmap_max": 64}, 16),
}
# Timed steps by default: a few seconds of training each on a 2-core CPU.
STANDARD_STEPS = {
    "vanilla": 400,
    "dcgan": 60,
    "wgan_gp": 8,
    "cgan": 60,
    "infogan": 24,
    "cyclegan": 16,
    "pix2pix": 32,
    "stylegan2": 32,  # two lazy R1 and eight path-length updates
}


def standard_config(variant) -> tuple[str, dict, int]:
    """The benchmark's configuration of a registered variant."""
    if variant.name in STANDARD_CONFIGS:
        return STANDARD_CONFIGS[variant.name]
    if variant.data not in ("images", "labelled"):
        raise SystemExit(f"no standard benchmark configuration for {variant.name!r}")
    kwargs = {"image_shape": (28, 28, 1)}
    if variant.data == "labelled":
        kwargs["num_classes"] = 10
    return variant.cls.__name__, kwargs, 64


def _registry_configs() -> tuple[dict, dict]:
    from ganzoo import registry

    variants = registry.variants()
    configs = {v.name: standard_config(v) for v in variants}
    steps = {v.name: STANDARD_STEPS.get(v.name, max(8, 60 // v.d_steps)) for v in variants}
    return configs, steps


CONFIGS, DEFAULT_STEPS = _registry_configs()


def _labelled(name: str) -> bool:
    """Whether the variant trains on `(images, labels)`."""
    from ganzoo import registry

    return registry.get(name).data == "labelled"


# ---------------------------------------------------------------------- helpers


def rss_mib() -> float:
    """This process's resident set size now, in MiB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def busy_cores(seconds: float = 2.0) -> float:
    """CPU cores busy over the next `seconds` (all processes), from /proc/stat."""

    def sample() -> tuple[int, int]:
        with open("/proc/stat") as f:
            values = [int(v) for v in f.readline().split()[1:]]
        idle = values[3] + values[4]  # idle + iowait
        return sum(values) - idle, sum(values)

    busy0, total0 = sample()
    time.sleep(seconds)
    busy1, total1 = sample()
    return (os.cpu_count() or 1) * (busy1 - busy0) / max(1, total1 - total0)


def wait_for_quiet(max_busy: float, patience: float) -> float:
    """Waits (at most `patience` s) until fewer than `max_busy` cores are busy."""
    deadline = time.monotonic() + patience
    while True:
        busy = busy_cores()
        if busy < max_busy or time.monotonic() > deadline:
            return busy
        time.sleep(5)


def build(name: str, args, keras_batch_norm: bool = False):
    """The variant at its standard configuration, compiled with `args`' options.

    `keras_batch_norm` swaps ganzoo's fused batch norm for Keras' own code (same
    weights, same arithmetic): the layer users of the Keras examples train with.
    """
    import keras

    if keras_batch_norm:
        import ganzoo.layers

        ganzoo.layers.BatchNormalization.call = keras.layers.BatchNormalization.call
    from ganzoo import registry

    _, kwargs, _ = CONFIGS[name]
    cls = registry.get(name).cls
    if args.dtype_policy:
        keras.mixed_precision.set_global_policy(args.dtype_policy)
    keras.utils.set_random_seed(1)
    gan = cls.for_images(**kwargs, seed=1)
    gan.compile(**compile_options(args))
    return gan


def schedule(name: str, args, multiple: int = 1) -> tuple[int, int]:
    """`(warm-up steps, timed steps)` for variant `name`, rounded up to `multiple`."""
    steps = args.steps or DEFAULT_STEPS[name]
    warmup = args.warmup if args.warmup >= 0 else max(4, steps // 4)
    return -(-warmup // multiple) * multiple, -(-steps // multiple) * multiple


def dataset_batch(name: str, gan) -> int:
    """Images per dataset batch: the generator batch × the critic steps per batch."""
    return CONFIGS[name][2] * getattr(gan, "d_steps", 1)  # translators have no critic steps


def digits_arrays(name: str) -> tuple:
    """The arrays behind both pipelines: digits at the variant's size (and for CycleGAN
    domain A = digits 0-4, domain B = digits 5-9, as RGB)."""
    from ganzoo.data.digits import load_digits_arrays

    _, kwargs, _ = CONFIGS[name]
    size, channels = kwargs["image_shape"][0], kwargs["image_shape"][2]
    images, labels = load_digits_arrays(size)
    if channels == 3:
        images = np.repeat(images, 3, axis=-1)
    if name == "pix2pix":
        return (ganzoo_edges(size), images)
    if name == "cyclegan":
        a, b = images[labels < 5], images[labels >= 5]
        count = min(len(a), len(b))
        return a[:count], b[:count]
    if _labelled(name):
        return images, labels
    return (images,)


def ganzoo_edges(size: int):
    """Sobel edge maps of all the digits (`ganzoo.data.sobel_edges`), Pix2Pix's inputs."""
    from ganzoo.data import sobel_edges
    from ganzoo.data.digits import load_digits_arrays

    return sobel_edges(load_digits_arrays(size)[0])


def ganzoo_dataset(name: str, batch: int):
    """The `ganzoo.data` pipeline, repeated (fit and loop_b read the same one)."""
    import tensorflow as tf

    import ganzoo

    _, kwargs, _ = CONFIGS[name]
    size = kwargs["image_shape"][0]
    if name == "pix2pix":
        edges, digits = digits_arrays(name)
        return ganzoo.data.aligned_pairs(edges, digits, batch, seed=0).repeat()
    if name == "cyclegan":

        def domain(low: int, seed: int):
            ds = ganzoo.data.load("digits", batch_size=None, image_size=size, seed=seed)
            ds = ds.filter(lambda x, y: (y >= low) & (y < low + 5))
            return ds.map(lambda x, y: tf.image.grayscale_to_rgb(x))

        return ganzoo.data.paired(
            domain(0, 1), domain(5, 2), batch_size=batch, shuffle=False, seed=3
        ).repeat()
    return ganzoo.data.load(
        "digits",
        batch_size=batch,
        image_size=size,
        seed=0,
        with_labels=_labelled(name),
        repeat=True,
    )


def naive_dataset(name: str, batch: int):
    """What the Keras/TensorFlow examples build: slices, shuffle, batch (no prefetch)."""
    import tensorflow as tf

    arrays = digits_arrays(name)
    element = arrays[0] if len(arrays) == 1 else arrays
    count = len(arrays[0])
    return (
        tf.data.Dataset.from_tensor_slices(element)
        .shuffle(count, seed=0)
        .batch(batch, drop_remainder=True)
        .repeat()
    )


def make_loop_step(gan, fused_updates: bool = False):
    """The two-tape step of the Keras examples, on the variant's own loss hooks.

    With `fused_updates` the optimizer updates go through `gan.optimize`, which runs
    them as one XLA computation where ganzoo's `compile` chose to (loop_b); without,
    they are plain `optimizer.apply` calls (loop_a).
    """
    import tensorflow as tf

    g_opt, d_opt = gan.g_optimizer, gan.d_optimizer

    def update(tape, loss, variables, optimizer):
        if fused_updates:
            gan.optimize(tape, loss, variables, optimizer)
        else:
            optimizer.apply(tape.gradient(loss, variables), variables)

    if hasattr(gan, "generator_g"):  # CycleGAN: generators first, then discriminators

        def cycle_step(batch):
            real_a, real_b = gan.unpack(batch)
            with tf.GradientTape() as tape:
                fake_b = gan.generator_g(real_a, training=True)
                fake_a = gan.generator_f(real_b, training=True)
                terms = gan.generator_loss(real_a, real_b, fake_a, fake_b)
                g_loss = tf.reduce_mean(terms["g_loss"])
                scaled = g_opt.scale_loss(g_loss)  # loss scaling under mixed_float16
            update(tape, scaled, gan.player_variables("generator"), g_opt)
            fake_b = gan.pool_b(fake_b, gan.draw)
            fake_a = gan.pool_a(fake_a, gan.draw)
            with tf.GradientTape() as tape:
                terms = gan.discriminator_loss(real_a, real_b, fake_a, fake_b)
                d_loss = tf.reduce_mean(terms["d_loss"])
                scaled = d_opt.scale_loss(d_loss)
            update(tape, scaled, gan.player_variables("discriminator"), d_opt)
            return d_loss, g_loss

        return cycle_step

    if hasattr(gan, "encoder"):  # VAE-GAN: encoder, decoder, then D on the decoder's fakes
        return _vaegan_loop_step(gan, update)

    if not hasattr(gan, "latent_dim"):  # Pix2Pix: D on G's fakes, then G (the reference)

        def paired_step(batch):
            real_a, real_b = gan.unpack(batch)
            fake_b = gan.generator(real_a, training=True)
            with tf.GradientTape() as tape:
                d_loss = tf.reduce_mean(gan.discriminator_loss(real_a, real_b, fake_b)["d_loss"])
                scaled = d_opt.scale_loss(d_loss)
            update(tape, scaled, gan.player_variables("discriminator"), d_opt)
            with tf.GradientTape() as tape:
                fake_b = gan.generator(real_a, training=True)
                g_loss = tf.reduce_mean(gan.generator_loss(real_a, real_b, fake_b)["g_loss"])
                scaled = g_opt.scale_loss(g_loss)
            update(tape, scaled, gan.player_variables("generator"), g_opt)
            return d_loss, g_loss

        return paired_step

    from ganzoo.layers.spectral_norm import update_spectral_norms

    def step(batch):
        real, condition = gan.unpack(batch)
        chunks = gan.critic_batches(real, condition)
        d_vars, g_vars = gan.discriminator_variables, gan.generator_variables
        for chunk, chunk_condition in chunks:
            update_spectral_norms(gan.discriminator)  # SNGAN's power iteration, as fit's
            latents = gan.sample_latent(tf.shape(chunk)[0])
            fake = gan.generator(gan.generator_inputs(latents, chunk_condition), training=True)
            with tf.GradientTape() as tape:
                terms = gan.apply_regularizers(  # WGAN-GP's gradient penalty, R1, ...
                    "discriminator",
                    gan.discriminator_loss(chunk, fake, latents, chunk_condition),
                    lambda r=chunk, f=fake, c=chunk_condition: [
                        (lambda x: gan.discriminate(x, c), r, f)
                    ],
                )
                d_loss = tf.reduce_mean(terms["d_loss"])
                scaled = d_opt.scale_loss(d_loss)
            update(tape, scaled, d_vars, d_opt)
        chunk, chunk_condition = chunks[-1]
        latents = gan.sample_latent(tf.shape(chunk)[0])
        with tf.GradientTape() as tape:
            fake = gan.generator(gan.generator_inputs(latents, chunk_condition), training=True)
            g_loss = tf.reduce_mean(
                gan.generator_loss(fake, latents, chunk_condition, chunk)["g_loss"]
            )
            scaled = g_opt.scale_loss(g_loss)
        update(tape, scaled, g_vars, g_opt)
        return d_loss, g_loss

    return step


def _vaegan_loop_step(gan, update):
    """VAE-GAN's three tapes, on the model's shared forward pass and losses."""
    import keras
    import tensorflow as tf

    from ganzoo.losses import gaussian_kl_per_example

    e_opt, g_opt, d_opt = gan.e_optimizer, gan.g_optimizer, gan.d_optimizer
    pair = gan.loss_pair

    def step(batch):
        real, _ = gan.unpack(batch)
        n = tf.shape(real)[0]
        noise = gan.draw(keras.random.normal, (n, gan.latent_dim))
        prior = gan.sample_latent(n)
        with tf.GradientTape() as tape:
            mean, log_variance = gan.encoder(real, training=True)
            latents = mean + tf.exp(0.5 * log_variance) * noise
            llike = gan.decode_and_discriminate(real, latents, prior)[2]
            e_loss = tf.reduce_mean(gaussian_kl_per_example(mean, log_variance) + llike)
            scaled = e_opt.scale_loss(e_loss)
        update(tape, scaled, gan.player_variables("encoder"), e_opt)
        latents = tf.stop_gradient(latents)
        with tf.GradientTape() as tape:
            recon, sample, llike, logits = gan.decode_and_discriminate(real, latents, prior)
            gan_terms = pair.generator(logits[1]) + pair.generator(logits[2])
            g_loss = tf.reduce_mean(gan.gamma * llike + gan_terms)
            scaled = g_opt.scale_loss(g_loss)
        update(tape, scaled, gan.player_variables("generator"), g_opt)
        fakes = (tf.stop_gradient(recon), tf.stop_gradient(sample))
        with tf.GradientTape() as tape:
            _, (r, x, s) = gan.discriminate_all(real, *fakes)
            d_loss = tf.reduce_mean(0.5 * (pair.discriminator(r, x) + pair.discriminator(r, s)))
            scaled = d_opt.scale_loss(d_loss)
        update(tape, scaled, gan.player_variables("discriminator"), d_opt)
        return d_loss, g_loss

    return step


def step_flops(gan, spec) -> float:
    """FLOPs of one training step, counted by TF's profiler on the traced loop step."""
    import tensorflow as tf
    from tensorflow.python.profiler import model_analyzer, option_builder

    concrete = tf.function(make_loop_step(gan)).get_concrete_function(spec)
    options = (
        option_builder.ProfileOptionBuilder(option_builder.ProfileOptionBuilder.float_operation())
        .with_empty_output()
        .build()
    )
    return float(model_analyzer.profile(concrete.graph, options=options).total_float_ops)


# ---------------------------------------------------------------------- one measurement


def run_fit(name: str, args) -> dict:
    import keras

    gan = build(name, args)
    batch = dataset_batch(name, gan)
    dataset = ganzoo_dataset(name, batch)
    spe = gan.steps_per_execution
    warmup, steps = schedule(name, args, spe)
    stamps: list[tuple[float, float]] = []

    class Clock(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            stamps.append((time.perf_counter(), time.process_time()))

    gan.fit(
        dataset,
        epochs=1,
        steps_per_epoch=warmup + steps,
        verbose=0,
        callbacks=[Clock()],
    )
    executions = steps // spe
    (wall0, cpu0), (wall1, cpu1) = stamps[-1 - executions], stamps[-1]
    return result(name, "fit", gan, batch, wall1 - wall0, cpu1 - cpu0, steps)


def run_loop(name: str, mode: str, args) -> dict:
    import tensorflow as tf

    gan = build(name, args, keras_batch_norm=mode == "loop_a")
    batch = dataset_batch(name, gan)
    # loop_b: the jit_compile ganzoo's compile resolved ("auto": XLA on a GPU, and on a CPU
    # for variants with `jit_compile_on_cpu`).
    jit = bool(gan.jit_compile) if mode == "loop_b" else False
    dataset = ganzoo_dataset(name, batch) if mode == "loop_b" else naive_dataset(name, batch)
    step = tf.function(make_loop_step(gan, fused_updates=mode == "loop_b"), jit_compile=jit)
    start = cpu_start = losses = None
    warmup, steps = schedule(name, args)
    for i, element in enumerate(dataset.take(warmup + steps)):
        if i == warmup:
            if losses is not None:
                float(losses[0])  # the warm-up steps are done
            start, cpu_start = time.perf_counter(), time.process_time()
        losses = step(element)
    float(losses[0])  # wait for the last step
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    out = result(name, mode, gan, batch, elapsed, cpu, steps)
    out["jit_compile"] = jit
    if mode == "loop_a":
        out["gflop_per_step"] = step_flops(gan, dataset.element_spec) / 1e9
    return out


def result(name: str, mode: str, gan, batch: int, elapsed: float, cpu: float, steps: int) -> dict:
    return {
        "variant": name,
        "mode": mode,
        "image_shape": list(CONFIGS[name][1]["image_shape"]),
        "batch": batch,
        "d_steps": getattr(gan, "d_steps", 1),
        "jit_compile": bool(gan.jit_compile),
        "dtype_policy": gan.dtype_policy.name,
        "steps_per_execution": int(gan.steps_per_execution),
        "steps": steps,
        "step_ms": 1000 * elapsed / steps,
        # CPU time of all the process's threads: the work done, less sensitive to load.
        "cpu_ms_per_step": 1000 * cpu / steps,
        "images_per_s": batch * steps / elapsed,
        "peak_rss_mib": peak_rss_mib(),
    }


def run_soak(name: str, args) -> dict:
    import gc

    import keras

    gan = build(name, args)
    batch = dataset_batch(name, gan)
    rss: list[float] = []

    class Memory(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            gc.collect()
            rss.append(rss_mib())

    gan.fit(
        ganzoo_dataset(name, batch),
        epochs=args.soak_epochs,
        steps_per_epoch=args.soak_steps,
        verbose=0,
        callbacks=[Memory()],
    )
    return {
        "variant": name,
        "mode": "soak",
        "epochs": args.soak_epochs,
        "steps_per_epoch": args.soak_steps,
        "rss_mib": rss,
        "growth_after_epoch_2": rss[-1] / rss[1] - 1,
        "peak_rss_mib": peak_rss_mib(),
    }


def matmul_rate(size: int = 2048, repeats: int = 20) -> dict:
    """Dense float32 matmul rate (FLOP/s) of this machine through TensorFlow."""
    import tensorflow as tf

    a = tf.random.normal((size, size))
    b = tf.random.normal((size, size))
    matmul = tf.function(lambda x, y: tf.matmul(x, y))
    matmul(a, b).numpy()
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(repeats):
            c = matmul(a, b)
        c.numpy()
        best = min(best, (time.perf_counter() - start) / repeats)
    return {"mode": "matmul", "size": size, "gflops": 2 * size**3 / best / 1e9}


def compile_options(args) -> dict:
    options = {}
    if args.jit_compile != "default":
        options["jit_compile"] = {"true": True, "false": False, "auto": "auto"}[args.jit_compile]
    if args.steps_per_execution:
        options["steps_per_execution"] = args.steps_per_execution
    return options


def child(args) -> dict:
    if args.child == "matmul":
        return matmul_rate()
    name, mode = args.child.split(":")
    if mode == "fit":
        return run_fit(name, args)
    if mode == "soak":
        return run_soak(name, args)
    return run_loop(name, mode, args)


# ---------------------------------------------------------------------- driver


def spawn(what: str, argv: list[str], args) -> dict:
    busy = wait_for_quiet(args.max_busy, args.patience) if args.max_busy > 0 else None
    command = [sys.executable, __file__, "--child", what, *argv]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {args.timeout:.0f} s"}
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("{"):
            return {**json.loads(line), "busy_cores_before": busy, "load_after": load_average()}
    return {"error": (done.stderr or done.stdout)[-2000:]}


def alternating(name: str, rounds: int, args) -> dict:
    """`fit_vs_loop.py`'s median and lowest fit/loop ratio over `rounds` in-process rounds."""
    if args.max_busy > 0:
        wait_for_quiet(args.max_busy, args.patience)
    command = [sys.executable, str(Path(__file__).with_name("fit_vs_loop.py"))]
    command += ["--variant", name, "--rounds", str(rounds)]
    if args.steps_per_execution:
        command += ["--steps-per-execution", str(args.steps_per_execution)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {args.timeout:.0f} s"}
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("fit/loop: median"):
            median, lowest = (float(part.split()[-1]) for part in line.split(":")[1].split(","))
            return {"variant": name, "mode": "alternating", "median": median, "lowest": lowest}
    return {"error": (done.stderr or done.stdout)[-2000:]}


def parallelism(run: dict) -> float:
    """Cores a run kept busy on average: CPU time over wall time."""
    if "error" in run:
        return 0.0
    return run["cpu_ms_per_step"] / run["step_ms"]


def clean(runs: list[dict], args) -> list[dict]:
    """The runs that kept at least `--min-parallel` × the best run's cores busy."""
    best = max((parallelism(r) for r in runs), default=0.0)
    return [r for r in runs if "error" not in r and parallelism(r) >= args.min_parallel * best]


def table(results: list[dict], ceiling: float | None) -> str:
    rows = [
        "| variant | input, batch | mode | XLA | steps/exec | images/s | step ms | CPU ms/step "
        "| vs loop_a | vs loop_b | CPU vs loop_a | CPU vs loop_b | % of matmul peak "
        "| peak RSS MiB |",
        "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    by = {(r.get("variant"), r.get("mode")): r for r in results}
    for r in results:
        if r.get("mode") not in MODES or "error" in r:
            continue
        a, b = by.get((r["variant"], "loop_a")), by.get((r["variant"], "loop_b"))
        flops = (a or {}).get("gflop_per_step")
        peak = f"{100 * flops / (r['step_ms'] / 1000) / ceiling:.1f}" if flops and ceiling else "–"
        shape = "×".join(str(s) for s in r["image_shape"])
        d_steps = r["d_steps"]
        batch = f"{r['batch']}" + (f" ({d_steps}×{r['batch'] // d_steps})" if d_steps > 1 else "")
        cells = [
            r["variant"],
            f"{shape}, {batch}",
            r["mode"] + ("" if r["dtype_policy"] == "float32" else f" ({r['dtype_policy']})"),
            "on" if r["jit_compile"] else "off",
            str(r["steps_per_execution"]) if r["mode"] == "fit" else "–",
            f"{r['images_per_s']:.0f}" if r["images_per_s"] >= 100 else f"{r['images_per_s']:.2f}",
            f"{r['step_ms']:.1f}",
            f"{r['cpu_ms_per_step']:.1f}",
            f"{r['images_per_s'] / a['images_per_s']:.2f}×" if a else "–",
            f"{r['images_per_s'] / b['images_per_s']:.2f}×" if b else "–",
            # Work per step: the loop's CPU time over this run's (> 1: this run does less).
            f"{a['cpu_ms_per_step'] / r['cpu_ms_per_step']:.2f}×" if a else "–",
            f"{b['cpu_ms_per_step'] / r['cpu_ms_per_step']:.2f}×" if b else "–",
            peak,
            f"{r['peak_rss_mib']:.0f}",
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--variants", default=",".join(CONFIGS), help=f"comma-separated, from {list(CONFIGS)}"
    )
    parser.add_argument("--modes", default=",".join(MODES), help=f"comma-separated {MODES}")
    parser.add_argument(
        "--steps", type=int, default=0, help=f"timed steps (0: per variant, {DEFAULT_STEPS})"
    )
    parser.add_argument(
        "--warmup", type=int, default=-1, help="untimed steps first (-1: a quarter of --steps)"
    )
    parser.add_argument("--repeats", type=int, default=1, help="runs of each; the median")
    parser.add_argument(
        "--jit-compile",
        choices=("default", "auto", "true", "false"),
        default="default",
        help="jit_compile for compile (default: ganzoo's default)",
    )
    parser.add_argument(
        "--steps-per-execution", type=int, default=0, help="for compile (0: ganzoo's default)"
    )
    parser.add_argument(
        "--dtype-policy",
        default="",
        help="Keras dtype policy, e.g. mixed_bfloat16 (default: float32)",
    )
    parser.add_argument(
        "--alternating",
        type=int,
        default=0,
        help="also run N alternating in-process fit/loop_b rounds per variant (fit_vs_loop.py)",
    )
    parser.add_argument("--soak", action="store_true", help="also measure RSS over epochs")
    parser.add_argument("--soak-epochs", type=int, default=10)
    parser.add_argument("--soak-steps", type=int, default=30, help="steps per soak epoch")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per process")
    parser.add_argument(
        "--max-busy",
        type=float,
        default=0.0,
        help="before each measurement, wait until fewer CPU cores than this are busy "
        "(other processes; 0: do not wait)",
    )
    parser.add_argument(
        "--patience", type=float, default=900, help="longest wait for --max-busy (s)"
    )
    parser.add_argument(
        "--min-parallel",
        type=float,
        default=0.85,
        help="keep runs whose CPU/wall ratio is at least this fraction of the best run's "
        "of the same variant and mode (others were slowed by other processes); 0 keeps all",
    )
    parser.add_argument(
        "--retries", type=int, default=3, help="extra rounds to replace rejected runs"
    )
    parser.add_argument("--json", default=str(ROOT / "runs" / "bench_train.json"))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args)))
        return 0

    passthrough = [
        f"--steps={args.steps}",
        f"--warmup={args.warmup}",
        f"--jit-compile={args.jit_compile}",
        f"--steps-per-execution={args.steps_per_execution}",
        f"--soak-epochs={args.soak_epochs}",
        f"--soak-steps={args.soak_steps}",
        f"--dtype-policy={args.dtype_policy}",
    ]
    load_start = load_average()
    ceiling = spawn("matmul", passthrough, args)
    print(f"dense float32 matmul: {ceiling.get('gflops', float('nan')):.1f} GFLOP/s", flush=True)
    results = [ceiling]
    modes = args.modes.split(",")
    for name in args.variants.split(","):
        if name not in CONFIGS:
            raise SystemExit(f"unknown variant {name!r}; expected one of {list(CONFIGS)}")
        # Rounds of every mode in turn, so a change in the machine's load hits all modes.
        runs: dict[str, list[dict]] = {mode: [] for mode in modes}
        for _ in range(args.repeats):
            for mode in modes:
                runs[mode].append(spawn(f"{name}:{mode}", passthrough, args))
        # A run that another process slowed down keeps fewer cores busy than the mode's
        # other runs (CPU time / wall time): measure again, up to --retries times.
        for _ in range(args.retries):
            short = [m for m in modes if len(clean(runs[m], args)) < args.repeats]
            if not short:
                break
            for mode in short:
                runs[mode].append(spawn(f"{name}:{mode}", passthrough, args))
        for mode in modes:
            good = clean(runs[mode], args) or [r for r in runs[mode] if "error" not in r]
            if not good:
                print(f"{name} {mode}: FAILED {runs[mode][0]['error']}", flush=True)
                results.append({"variant": name, "mode": mode, **runs[mode][0]})
                continue
            good.sort(key=lambda r: r["images_per_s"])
            chosen = dict(good[len(good) // 2])
            chosen["kept_images_per_s"] = [r["images_per_s"] for r in good]
            chosen["all_runs"] = [
                {k: r.get(k) for k in ("images_per_s", "cpu_ms_per_step", "busy_cores_before")}
                for r in runs[mode]
            ]
            results.append(chosen)
            print(
                f"{name} {mode}: {chosen['images_per_s']:.2f} images/s, "
                f"{chosen['step_ms']:.1f} ms/step, {chosen['cpu_ms_per_step']:.1f} CPU ms/step, "
                f"peak RSS {chosen['peak_rss_mib']:.0f} MiB "
                f"({len(good)} of {len(runs[mode])} runs kept)",
                flush=True,
            )
        if args.alternating:
            rounds = alternating(name, args.alternating, args)
            results.append(rounds)
            if "error" in rounds:
                print(f"{name} alternating: FAILED {rounds['error']}", flush=True)
            else:
                print(
                    f"{name} alternating, {args.alternating} rounds in one process: fit/loop_b "
                    f"median {rounds['median']:.3f}, lowest {rounds['lowest']:.3f}",
                    flush=True,
                )
        if args.soak:
            soak = spawn(f"{name}:soak", passthrough, args)
            results.append(soak)
            if "error" in soak:
                print(f"{name} soak: FAILED {soak['error']}", flush=True)
            else:
                print(
                    f"{name} soak: RSS after epoch 2 {soak['rss_mib'][1]:.0f} MiB, after epoch "
                    f"{soak['epochs']} {soak['rss_mib'][-1]:.0f} MiB "
                    f"({100 * soak['growth_after_epoch_2']:+.1f}%)",
                    flush=True,
                )
    load_end = load_average()
    import tensorflow as tf

    header = (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"TensorFlow {tf.__version__}; load average at start {load_start}, at end {load_end}; "
        f"median of {args.repeats} runs per figure"
    )
    print()
    print(header)
    print(table(results, ceiling.get("gflops")))
    rounds = [r for r in results if r.get("mode") == "alternating" and "error" not in r]
    if rounds:
        print(f"\n| variant | fit/loop_b, {args.alternating} alternating rounds: median | lowest |")
        print("|---|---:|---:|")
        for r in rounds:
            print(f"| {r['variant']} | {r['median']:.3f} | {r['lowest']:.3f} |")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    with open(args.json, "w") as f:
        json.dump({"machine": header, "results": results}, f, indent=1)
    print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
