"""Decoder benchmark: how much each decoder and the chain read, how fast, and the whole pipeline's frame rate.

    .venv/bin/python benchmarks/decode.py [--per-category 55] [--samples DIR ...] [--no-samples]

Prints ONE JSON object on stdout (progress goes to stderr):
- a labelled synthetic set of 1280×720 frames (seeded): a phone showing a ticket QR code, per category —
  clean, rotation, perspective tilt 30–55°, motion blur, noise, low contrast, glare, inverted (dark mode),
  small 60–100 px codes — and empty frames (the venue, or a phone showing no code). Decode rate per category
  and per decoder (zxing-cpp alone, pyzbar alone, the chain), false positives on empty frames, wrong texts,
  per-frame latency (median, p95) on empty frames and on frames with a code, and what each chain stage adds;
- the pipeline's sustained frames/s at 720p: synthetic camera thread → decode chain → debounce, for
  `--pipeline-seconds`, with the camera producing as fast as it can; and at a real-time 30 fps, how long a
  frame waits from capture to decoded and how many frames were dropped;
- with real photos (`--samples DIR`, a set with a manifest.json, or a folder of such sets; by default
  ../shared/qr-samples next to the repository when it exists): read, wrong and false positives per decoder.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.scan import scene  # noqa: E402
from app.scan.deblur import Motion, motion_kernel  # noqa: E402
from app.scan.debounce import Debouncer  # noqa: E402
from app.scan.decode import DEFAULT_STAGES, STAGES, QrDecoder  # noqa: E402
from app.scan.pipeline import ScanPipeline  # noqa: E402
from app.scan.sources import SyntheticCamera  # noqa: E402

CATEGORIES = ("clean", "rotation", "tilt", "blur", "noise", "low_contrast", "glare", "inverted", "small", "empty")
# The single decoders, the chain, and the chain with pyzbar appended (what pyzbar would add if it were in it).
DECODERS = {"zxing": ("zxing",), "pyzbar": ("pyzbar",), "chain": DEFAULT_STAGES,
            "chain_pyzbar": DEFAULT_STAGES + ("pyzbar",)}
DEFAULT_SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "qr-samples"


@dataclass
class Sample:
    category: str
    image: np.ndarray
    expected: str | None


def ticket_payload(rng: np.random.Generator) -> str:
    """What tickets carry: a bare item UUID, a URL containing one, or JSON with `product_item_id`."""
    item = str(uuid.UUID(bytes=rng.bytes(16), version=4))
    kind = int(rng.integers(3))
    return (item, f"https://tickets.example.com/i/{item}", f'{{"product_item_id": "{item}"}}')[kind]


def synthetic_set(per_category: int, seed: int) -> list[Sample]:
    """Each category varies one thing beyond the everyday variation every frame has (position, size, a little
    roll and tilt, light, focus, sensor noise). Severities follow what a webcam at a door sees."""
    rng = np.random.default_rng(seed)
    backdrops = [scene.make_backdrop(seed * 100 + i) for i in range(6)]
    width, height = scene.FRAME_SIZE
    samples = []
    for category in CATEGORIES:
        for _ in range(per_category):
            code_px = rng.uniform(60, 100) if category == "small" else rng.uniform(130, 260)
            pose = scene.Pose(
                center=(rng.uniform(code_px, width - code_px), rng.uniform(0.8 * code_px, height - 0.8 * code_px)),
                code_px=code_px,
                roll_deg=rng.uniform(0, 360) if category == "rotation" else rng.uniform(-25, 25),
                tilt_deg=rng.uniform(30, 55) if category == "tilt" else rng.uniform(0, 20),
                tilt_axis_deg=rng.uniform(0, 360))
            look = scene.Look(brightness=rng.uniform(0.75, 1.15), contrast=rng.uniform(0.85, 1.0),
                              focus_sigma=rng.uniform(0.4, 0.9), noise_sigma=rng.uniform(1.5, 4))
            if category == "blur":
                look = replace(look, motion_blur_px=rng.uniform(5, 14), motion_angle_deg=rng.uniform(0, 180))
            elif category == "noise":
                look = replace(look, noise_sigma=rng.uniform(12, 28))
            elif category == "low_contrast":
                look = replace(look, contrast=rng.uniform(0.15, 0.35), brightness=rng.uniform(0.5, 0.9))
            elif category == "glare":
                look = replace(look, glare=rng.uniform(0.5, 1.0), glare_at=tuple(rng.uniform(0.2, 0.8, 2)),
                               glare_radius=rng.uniform(0.12, 0.3))
            elif category == "inverted":
                look = replace(look, dark_mode=True)
            payload = None if category == "empty" else ticket_payload(rng)
            if category == "empty" and rng.random() < 0.5:
                pose = None  # nobody in front of the camera; otherwise a phone showing something else
            backdrop = backdrops[int(rng.integers(len(backdrops)))]
            samples.append(Sample(category, scene.render(backdrop, payload, pose, look, rng).image, payload))
    return samples


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def evaluate_synthetic(samples: list[Sample], stages: tuple[str, ...]) -> dict:
    decoder = QrDecoder(stages)
    for sample in samples[:: max(1, len(samples) // 20)]:
        decoder.decode(sample.image)  # warm up caches and lazy initialisation
    decoder = QrDecoder(stages)
    read, wrong, false_positives = Counter(), 0, 0
    by_stage = defaultdict(Counter)
    empty_ms, code_ms = [], []
    for sample in samples:
        started = time.perf_counter()
        found = decoder.decode(sample.image)
        elapsed_ms = (time.perf_counter() - started) * 1000
        texts = {d.text for d in found}
        if sample.expected is None:
            empty_ms.append(elapsed_ms)
            false_positives += bool(texts)
            continue
        code_ms.append(elapsed_ms)
        wrong += bool(texts - {sample.expected})
        if sample.expected in texts:
            read[sample.category] += 1
            by_stage[next(d.stage for d in found if d.text == sample.expected)][sample.category] += 1
    totals = Counter(s.category for s in samples)
    with_code = sum(n for c, n in totals.items() if c != "empty")
    return {
        "decode_rate": sum(read.values()) / with_code,
        "false_positives": false_positives,
        "wrong_texts": wrong,
        "per_category": {c: read[c] / totals[c] for c in CATEGORIES if c != "empty"},
        "empty_frame_ms": {"p50": percentile(empty_ms, 50), "p95": percentile(empty_ms, 95)},
        "code_frame_ms": {"p50": percentile(code_ms, 50), "p95": percentile(code_ms, 95)},
        "stages": {name: {"frames_read": sum(by_stage[name].values()),
                          "per_category": dict(by_stage[name]),
                          "runs": s.runs,
                          "mean_ms_per_run": 1000 * s.seconds / s.runs if s.runs else 0.0}
                   for name, s in decoder.stats.items()},
    }


def demo_script(presentations: int, seed: int) -> list[tuple[str, float, float]]:
    rng = np.random.default_rng(seed)
    return [(ticket_payload(rng), float(rng.uniform(1.5, 3.0)), float(rng.uniform(0.5, 2.0)))
            for _ in range(presentations)]


def measure_pipeline(seconds: float, seed: int) -> dict:
    """Sustained throughput: the synthetic camera renders 720p frames as fast as it can on its thread."""
    camera = SyntheticCamera(demo_script(20, seed), realtime=False, repeat=True, seed=seed)
    pipeline = ScanPipeline(camera, decoder=QrDecoder(), debouncer=Debouncer())
    pipeline.start()
    time.sleep(1.0)  # warm-up
    first = pipeline.stats
    started = time.perf_counter()
    time.sleep(seconds)
    last = pipeline.stats
    elapsed = time.perf_counter() - started
    pipeline.stop()
    return {"pipeline_fps_720p": (last.frames_decoded - first.frames_decoded) / elapsed,
            "pipeline_camera_fps_720p": (last.frames_captured - first.frames_captured) / elapsed,
            "pipeline_seconds": elapsed}


def measure_realtime_pipeline(seconds: float, seed: int) -> dict:
    """A 30 fps real-time camera: frames dropped, and how long from capture to decoded for the frames that
    were submitted — the first frame in which each code could be read, as every frame is decoded. Also how
    long from the first frame with the code wholly in view (often still smeared by the phone's arrival)."""
    rng = np.random.default_rng(seed + 1)
    script = [(ticket_payload(rng), float(rng.uniform(1.0, 1.5)), float(rng.uniform(0.3, 0.8)))
              for _ in range(max(1, int(seconds // 1.8)))]
    camera = SyntheticCamera(script, realtime=True, seed=seed + 1, lead_in_s=0.5)
    first_in_view: dict[str, float] = {}
    events = []

    def note_frame(frame) -> None:
        if frame.shown_payload is not None:
            first_in_view.setdefault(frame.shown_payload, frame.captured_at)

    pipeline = ScanPipeline(camera, on_payload=events.append, on_frame=note_frame, preview_max_fps=1000)
    pipeline.start()
    pipeline.wait(timeout_s=camera.duration_s + 30)
    stats = pipeline.stats
    waits = [e.decode_latency_s * 1000 for e in events]
    in_view = [(e.decoded_at - first_in_view[e.text]) * 1000 for e in events if e.text in first_in_view]
    return {"realtime_frames_captured": stats.frames_captured, "realtime_frames_dropped": stats.frames_dropped,
            "realtime_presentations": len(script), "realtime_submissions": len(events),
            "realtime_capture_to_decoded_p50_ms": percentile(waits, 50),
            "realtime_capture_to_decoded_p95_ms": percentile(waits, 95),
            "realtime_wholly_in_view_to_submitted_p50_ms": percentile(in_view, 50),
            "realtime_wholly_in_view_to_submitted_p95_ms": percentile(in_view, 95)}


def sample_sets(paths: list[Path]) -> list[Path]:
    sets = []
    for path in paths:
        if (path / "manifest.json").is_file():
            sets.append(path)
        elif path.is_dir():
            sets.extend(sorted(p for p in path.iterdir() if (p / "manifest.json").is_file()))
        else:
            raise SystemExit(f"no sample set at {path}")
    return sets


# Harder versions of the real photos, so the fallbacks can be judged on real content too. The smear uses the
# same linear motion model the deblur stage undoes: read those figures with that in mind.
DEGRADATIONS: dict[str, Callable[[np.ndarray, np.random.Generator], np.ndarray]] = {
    "half_size": lambda image, rng: cv2.resize(image, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA),
    "motion_smear": lambda image, rng: cv2.filter2D(
        image, -1, motion_kernel(Motion(float(rng.uniform(0, 180)), max(3.0, image.shape[1] / 80)))),
    "dim_low_contrast": lambda image, rng: cv2.convertScaleAbs(image, alpha=0.3, beta=90),
}


def evaluate_samples(sets: list[Path], degrade: Callable[[np.ndarray, np.random.Generator], np.ndarray] | None,
                     seed: int) -> dict[str, dict[str, dict[str, int]]]:
    """Counts per decoder and per set: images with a code, read, wrong text, and false positives (anything
    read in a negative set). Photos are decoded at their own size."""
    decoders = {name: QrDecoder(stages) for name, stages in DECODERS.items()}
    rng = np.random.default_rng(seed)
    per_set = {}
    for folder in sets:
        manifest = json.loads((folder / "manifest.json").read_text())
        negative = bool(manifest.get("negative"))
        counts = {name: Counter(total=0, read=0, wrong=0, false_positives=0, negative=0, unreadable_files=0)
                  for name in decoders}
        for item in manifest["items"]:
            image = cv2.imread(str(folder / item["image"]), cv2.IMREAD_COLOR)
            if image is not None and degrade is not None:
                image = degrade(image, rng)
            expected = item.get("expected")
            for name, decoder in decoders.items():
                texts = {d.text for d in decoder.decode(image)} if image is not None else set()
                c = counts[name]
                if negative:
                    c["negative"] += 1
                    c["false_positives"] += bool(texts)
                else:
                    c["total"] += 1
                    c["read"] += expected in texts
                    c["wrong"] += bool(texts - {expected})
                    c["unreadable_files"] += image is None
        per_set[folder.name] = {name: dict(c) for name, c in counts.items()}
    return per_set


def sample_counts(per_set: dict[str, dict[str, dict[str, int]]]) -> dict[str, dict[str, int]]:
    """Per decoder, summed over the sets."""
    counts = {}
    for name in DECODERS:
        total = Counter()
        for by_decoder in per_set.values():
            total.update(by_decoder[name])
        counts[name] = {k: total[k] for k in ("total", "read", "wrong", "false_positives", "negative")}
    return counts


def sample_figures(counts: dict[str, dict[str, int]]) -> dict:
    """The report's flat keys: `samples_…` for the chain, `{decoder}_samples_…` for the others."""
    out = {}
    for name, c in counts.items():
        key = "samples" if name == "chain" else f"{name}_samples"
        out.update({f"{key}_{k}": c[k] for k in ("total", "read", "wrong", "false_positives")})
        out[f"{key}_decode_rate"] = c["read"] / c["total"] if c["total"] else float("nan")
    out["samples_negative_total"] = counts["chain"]["negative"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-category", type=int, default=55, help="frames per category (10 categories)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--samples", type=Path, action="append", default=[],
                        help="a real-photo set (folder with manifest.json) or a folder of sets; repeatable")
    parser.add_argument("--no-samples", action="store_true", help="skip the default real-photo sets")
    parser.add_argument("--pipeline-seconds", type=float, default=10.0)
    parser.add_argument("--realtime-seconds", type=float, default=12.0)
    parser.add_argument("--stages", default=",".join(DEFAULT_STAGES),
                        help=f"the chain to measure, from: {', '.join(STAGES)}")
    args = parser.parse_args()
    DECODERS["chain"] = tuple(args.stages.split(","))
    DECODERS["chain_pyzbar"] = DECODERS["chain"] + ("pyzbar",)

    def progress(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    progress(f"drawing {args.per_category} frames × {len(CATEGORIES)} categories")
    samples = synthetic_set(args.per_category, args.seed)
    report: dict = {"frames": len(samples), "frame_size": list(scene.FRAME_SIZE), "seed": args.seed,
                    "chain_stages": list(DECODERS["chain"]), "cpu_count": os.cpu_count(),
                    "load_average_1min_at_start": os.getloadavg()[0]}
    synthetic = {}
    for name, stages in DECODERS.items():
        progress(f"decoding the synthetic set with {name} ({', '.join(stages)})")
        synthetic[name] = evaluate_synthetic(samples, stages)
    for name, figures in synthetic.items():
        report[f"{name}_decode_rate"] = figures["decode_rate"]
        report[f"{name}_false_positives"] = figures["false_positives"]
        report[f"{name}_wrong_texts"] = figures["wrong_texts"]
    chain = synthetic["chain"]
    report["empty_frame_p50_ms"] = chain["empty_frame_ms"]["p50"]
    report["empty_frame_p95_ms"] = chain["empty_frame_ms"]["p95"]
    report["code_frame_p50_ms"] = chain["code_frame_ms"]["p50"]
    report["code_frame_p95_ms"] = chain["code_frame_ms"]["p95"]
    report["per_category"] = {c: {name: synthetic[name]["per_category"][c] for name in DECODERS}
                              for c in CATEGORIES if c != "empty"}
    report["latency_ms"] = {name: {"empty": f["empty_frame_ms"], "code": f["code_frame_ms"]}
                            for name, f in synthetic.items()}
    report["chain_stage_figures"] = chain["stages"]

    progress(f"pipeline throughput for {args.pipeline_seconds:.0f} s")
    report.update(measure_pipeline(args.pipeline_seconds, args.seed))
    progress(f"real-time pipeline for {args.realtime_seconds:.0f} s")
    report.update(measure_realtime_pipeline(args.realtime_seconds, args.seed))

    sample_paths = list(args.samples)
    if not sample_paths and not args.no_samples and DEFAULT_SAMPLES.is_dir():
        sample_paths = [DEFAULT_SAMPLES]
    if sample_paths:
        sets = sample_sets(sample_paths)
        progress(f"real photos: {', '.join(s.name for s in sets)}")
        per_set = evaluate_samples(sets, None, args.seed)
        report.update(sample_figures(sample_counts(per_set)))
        report["samples_per_set"] = per_set
        report["degraded_samples"] = {}
        for name, degrade in DEGRADATIONS.items():
            progress(f"real photos, {name}")
            report["degraded_samples"][name] = sample_counts(evaluate_samples(sets, degrade, args.seed))

    budget = {
        "pipeline_fps_720p >= 30": report["pipeline_fps_720p"] >= 30,
        "chain_decode_rate >= 0.97": report["chain_decode_rate"] >= 0.97,
        "chain_false_positives == 0": report["chain_false_positives"] == 0
        and report.get("samples_false_positives", 0) == 0,
        "code_frame_p95_ms <= 15": report["code_frame_p95_ms"] <= 15,
    }
    if sample_paths:
        budget["samples_read > zxing_samples_read"] = report["samples_read"] > report["zxing_samples_read"]
    report["budget"] = budget
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
