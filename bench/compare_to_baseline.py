#!/usr/bin/python3
"""Compare Google Benchmark JSON runs with the committed baseline; fail on a real regression.

usage: compare_to_baseline.py [--baseline DIR] [--tolerance T] [--time cpu|real]
                              [--reference NAME] [--allow-new REGEX]... [--update]
                              CURRENT.json [CURRENT.json ...]

Each CURRENT file (written by a benchmark program with --benchmark_out=FILE
--benchmark_out_format=json) is compared with the baseline file of the same name in DIR
(default: bench/baseline next to this script). Several CURRENT files of the same name (from
different folders) are runs of the same program and are pooled: their repetitions count as one
run's (bench/run_regression.sh confirms a failure this way). bench/run_regression.sh runs the
benchmarks and this script; bench/README.md explains the check.

Per benchmark (its counters: the median of its repetitions; its time: the fastest repetition,
since load from other processes only ever adds time):
  * deterministic counters (every user counter except rates: items_per_second, bytes_per_second
    and any name ending in _per_second) must equal the baseline's exactly: a different
    events_handled means the model behaves differently;
  * its time is divided by the time of the reference benchmark (BM_Reference) from the same
    file, and that ratio is compared with the baseline's ratio: it fails when it grew by more than
    the tolerance AND the benchmark's own time grew by more than half the tolerance. A uniformly
    slower or busier machine slows both alike and passes; a reference that alone ran fast (it
    happens: 40 % faster than its baseline in one CI run, the benchmarks unchanged) does not fail
    benchmarks whose own time did not grow. A regression in the code slows the code itself.

Exit status: 0 no regression (or baseline updated), 1 regression, 2 bad input (unreadable or
malformed JSON, a benchmark or baseline file missing on one side, builds of different kinds).

--update rewrites DIR/<name>.json from each CURRENT file (after checking it), for when a change
is intended; commit the result. Only Release builds may become the baseline.

Python 3 standard library only.
"""

import argparse
import json
import math
import os
import re
import statistics
import sys
import tempfile

DEFAULT_TOLERANCE = 0.40
DEFAULT_REFERENCE = "BM_Reference"

# Fields every Google Benchmark 1.7 run carries; anything else numeric is a user counter.
STANDARD_FIELDS = {
    "name", "family_index", "per_family_instance_index", "run_name", "run_type", "repetitions",
    "repetition_index", "threads", "iterations", "real_time", "cpu_time", "time_unit",
    "aggregate_name", "aggregate_unit", "label", "error_occurred", "error_message", "big_o",
    "rms", "complexity", "max_bytes_used", "total_allocated_bytes", "net_heap_growth",
    "allocs_per_iter",
}
TIME_UNITS_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
# Build facts the benchmark programs record in the JSON context (bench/support/reference_benchmark.cpp).
BUILD_KEYS = ("mailstorm_build_type", "mailstorm_sanitize")


class BadInput(Exception):
    """Input the comparison cannot use: exit status 2."""


def is_rate(counter):
    return counter.endswith("_per_second")


class Benchmark:
    """One benchmark of one file: median time (ns) and its counters, from its repetitions."""

    def __init__(self, name):
        self.name = name
        self.cpu_ns = None
        self.real_ns = None
        self.counters = {}
        self.errors = []      # error messages the benchmark program reported
        self.unstable = []    # counters that differ between repetitions

    def time_ns(self, which):
        return self.cpu_ns if which == "cpu" else self.real_ns


class RunFile:
    """A Google Benchmark JSON file: its context and benchmarks by run name, in file order."""

    def __init__(self, path, context, benchmarks):
        self.path = path
        self.context = context
        self.benchmarks = benchmarks


def _number(path, entry, key):
    value = entry.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise BadInput(f"{path}: benchmark '{entry.get('name')}': '{key}' is not a finite number")
    return float(value)


def read_json(path):
    """One Google Benchmark JSON file: (context, benchmark entries); BadInput names the file."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except OSError as e:
        raise BadInput(f"{path}: cannot read: {e.strerror}") from None
    except json.JSONDecodeError as e:
        raise BadInput(f"{path}: line {e.lineno}, column {e.colno}: malformed JSON: {e.msg}") from None
    except UnicodeDecodeError:
        raise BadInput(f"{path}: not UTF-8 text") from None
    if not isinstance(data, dict) or not isinstance(data.get("benchmarks"), list):
        raise BadInput(f"{path}: not Google Benchmark JSON (no 'benchmarks' list); "
                       "write it with --benchmark_out=FILE --benchmark_out_format=json")
    context = data.get("context", {})
    if not isinstance(context, dict):
        raise BadInput(f"{path}: 'context' is not an object")
    return context, data["benchmarks"]


def load_run(path, *more):
    """Reads a Google Benchmark JSON file; raises BadInput with the file named. Files in `more`
    are further runs of the same program, pooled with it: their repetitions count as repetitions
    of one run (the fastest of all of them is taken), and they must come from the same kind of
    build."""
    context, entries = read_json(path)
    entries = list(entries)
    for other in more:
        other_context, other_entries = read_json(other)
        for key in BUILD_KEYS:
            if other_context.get(key) != context.get(key):
                raise BadInput(f"{other}: {key} is '{other_context.get(key)}' but {path}, a run of the "
                               f"same program, has '{context.get(key)}': only runs of the same build "
                               "can be pooled")
        entries += other_entries

    iterations, medians, order = {}, {}, []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise BadInput(f"{path}: benchmarks[{i}] has no 'name'")
        run_name = entry.get("run_name", entry["name"])
        if not isinstance(run_name, str):
            raise BadInput(f"{path}: benchmarks[{i}]: 'run_name' is not a string")
        if run_name not in iterations and run_name not in medians:
            order.append(run_name)
        run_type = entry.get("run_type", "iteration")
        if run_type == "aggregate":
            if entry.get("aggregate_name") == "median":
                medians[run_name] = entry
        elif run_type == "iteration":
            iterations.setdefault(run_name, []).append(entry)
        else:
            raise BadInput(f"{path}: benchmark '{entry['name']}': unknown run_type '{run_type}'")

    benchmarks = {}
    for run_name in order:
        b = Benchmark(run_name)
        reps = iterations.get(run_name, [])
        b.errors = sorted({str(e.get("error_message", "error")) for e in reps if e.get("error_occurred")})
        if b.errors:
            benchmarks[run_name] = b
            continue
        if reps:
            # The fastest repetition's time (noise on a shared machine only adds time: steal, page
            # faults, cache contention); the median of the counters, which must agree anyway.
            def ns(e, key):
                unit = e.get("time_unit", "ns")
                if unit not in TIME_UNITS_NS:
                    raise BadInput(f"{path}: benchmark '{e['name']}': unknown time_unit '{unit}'")
                return _number(path, e, key) * TIME_UNITS_NS[unit]
            b.cpu_ns = min(ns(e, "cpu_time") for e in reps)
            b.real_ns = min(ns(e, "real_time") for e in reps)
            names = [k for k in reps[0] if k not in STANDARD_FIELDS]
            for e in reps[1:]:
                names += [k for k in e if k not in STANDARD_FIELDS and k not in names]
            for k in names:
                values = [_number(path, e, k) if k in e else None for e in reps]
                b.counters[k] = statistics.median(v for v in values if v is not None)
                if not is_rate(k) and len(set(values)) > 1:
                    b.unstable.append(k)
        else:
            # Only aggregates in the file (--benchmark_report_aggregates_only=true): there is no
            # minimum among them, so the median is taken (compare like with like: a baseline
            # written the same way).
            m = medians[run_name]
            unit = m.get("time_unit", "ns")
            if unit not in TIME_UNITS_NS:
                raise BadInput(f"{path}: benchmark '{m['name']}': unknown time_unit '{unit}'")
            b.cpu_ns = _number(path, m, "cpu_time") * TIME_UNITS_NS[unit]
            b.real_ns = _number(path, m, "real_time") * TIME_UNITS_NS[unit]
            for k in m:
                if k not in STANDARD_FIELDS:
                    b.counters[k] = _number(path, m, k)
        benchmarks[run_name] = b
    if not benchmarks:
        raise BadInput(f"{path}: no benchmarks in the file")
    return RunFile(path, context, benchmarks)


def fmt_number(x):
    if x is None:
        return "-"
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.6g}"


def fmt_time(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("us", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.4g} {unit}"
    return f"{ns:.4g} ns"


def fmt_change(ratio):
    return f"{(ratio - 1.0) * 100:+.1f}%"


class Comparison:
    def __init__(self, tolerance, which_time, reference, allow_new):
        self.tolerance = tolerance
        self.which_time = which_time
        self.reference = reference
        self.allow_new = [re.compile(p) for p in allow_new]
        self.rows = []          # (benchmark, what, baseline, now, change, verdict)
        self.regressions = []   # messages
        self.bad_input = []     # messages

    def allowed_new(self, name):
        return any(p.fullmatch(name) for p in self.allow_new)

    def compare_files(self, base, now):
        for key in BUILD_KEYS:
            if base.context.get(key) != now.context.get(key):
                self.bad_input.append(
                    f"{now.path}: {key} is '{now.context.get(key)}' but the baseline {base.path} has "
                    f"'{base.context.get(key)}': only builds of the same kind are comparable "
                    "(the baseline comes from a Release build: cmake -DCMAKE_BUILD_TYPE=Release)")
                return
        ref_base = base.benchmarks.get(self.reference)
        ref_now = now.benchmarks.get(self.reference)
        for f, ref in ((base, ref_base), (now, ref_now)):
            if ref is None:
                self.bad_input.append(f"{f.path}: no reference benchmark '{self.reference}' "
                                      "(times are compared as ratios to it; run it in the same program)")
            elif ref.errors:
                self.bad_input.append(f"{f.path}: the reference benchmark failed: {'; '.join(ref.errors)}")
        ref_ok = not (ref_base is None or ref_now is None or ref_base.errors or ref_now.errors)
        if ref_ok:
            tb, tn = ref_base.time_ns(self.which_time), ref_now.time_ns(self.which_time)
            program = os.path.splitext(os.path.basename(now.path))[0]
            self.rows.append((f"{self.reference} [{program}]", f"{self.which_time} time (machine)", fmt_time(tb),
                              fmt_time(tn), fmt_change(tn / tb), "info"))

        for name in base.benchmarks:
            if name not in now.benchmarks:
                self.bad_input.append(f"{now.path}: benchmark '{name}' is in the baseline {base.path} "
                                      "but not in this run (removed on purpose? then --update)")
        for name, b in sorted(now.benchmarks.items()):
            if name == self.reference:
                continue
            if b.errors:
                self.rows.append((name, "run", "", "", "", "FAIL"))
                self.regressions.append(f"{name}: the benchmark failed: {'; '.join(b.errors)}")
                continue
            old = base.benchmarks.get(name)
            if old is None:
                if self.allowed_new(name):
                    self.rows.append((name, "new benchmark", "-", "", "", "new (not compared)"))
                else:
                    self.bad_input.append(f"{now.path}: benchmark '{name}' is not in the baseline "
                                          f"{base.path} (new? list it with --allow-new, or --update)")
                continue
            self.compare_counters(old, b)
            if ref_ok:
                self.compare_time(old, b, ref_base, ref_now)

    def compare_counters(self, old, b):
        for k in b.unstable:
            self.rows.append((b.name, k, "", "varies", "", "FAIL"))
            self.regressions.append(f"{b.name}: counter '{k}' differs between repetitions of the same "
                                    "run (not deterministic)")
        for k in sorted(set(old.counters) | set(b.counters)):
            if is_rate(k) or k in b.unstable:
                continue
            vb, vn = old.counters.get(k), b.counters.get(k)
            if vb == vn:
                self.rows.append((b.name, k, fmt_number(vb), fmt_number(vn), "=", "ok"))
                continue
            if vb is None or vn is None:
                change = "added" if vb is None else "removed"
            else:
                change = f"{vn - vb:+.6g}"
            self.rows.append((b.name, k, fmt_number(vb), fmt_number(vn), change, "FAIL"))
            self.regressions.append(
                f"{b.name}: deterministic counter '{k}' changed from {fmt_number(vb)} to {fmt_number(vn)}: "
                "the model's behaviour (or its allocations) changed; if that is intended, update the "
                "baseline (bench/compare_to_baseline.py --update ..., see bench/README.md)")

    def compare_time(self, old, b, ref_base, ref_now):
        w = self.which_time
        rb = old.time_ns(w) / ref_base.time_ns(w)
        rn = b.time_ns(w) / ref_now.time_ns(w)
        change = rn / rb
        own = b.time_ns(w) / old.time_ns(w)
        own_limit = 1.0 + self.tolerance / 2.0
        if change > 1.0 + self.tolerance and own > own_limit:
            verdict = "FAIL"
            self.regressions.append(
                f"{b.name}: {w} time relative to {self.reference} grew by {fmt_change(change)} "
                f"(tolerance +{self.tolerance * 100:.0f}%) and its own time by {fmt_change(own)} "
                f"(over +{self.tolerance * 50:g}%): {fmt_time(old.time_ns(w))} -> "
                f"{fmt_time(b.time_ns(w))} while the reference went {fmt_time(ref_base.time_ns(w))} -> "
                f"{fmt_time(ref_now.time_ns(w))}")
        elif change > 1.0 + self.tolerance:
            # Only the reference moved: the code's own time is within half the tolerance.
            verdict = f"ok (own time {fmt_change(own)}: the reference ran fast)"
        elif change < 1.0 / (1.0 + self.tolerance):
            verdict = "ok (faster)"
        else:
            verdict = "ok"
        self.rows.append((b.name, f"{w} time / ref", f"{rb:.4g}", f"{rn:.4g}", fmt_change(change), verdict))

    def table(self):
        header = ("benchmark", "counter / ratio", "baseline", "now", "change", "verdict")
        rows = [header] + self.rows
        widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
        lines = []
        for j, r in enumerate(rows):
            cells = [r[0].ljust(widths[0]), r[1].ljust(widths[1])]
            cells += [r[i].rjust(widths[i]) for i in (2, 3, 4)]
            cells.append(r[5])
            lines.append("  ".join(cells).rstrip())
            if j == 0:
                lines.append("  ".join("-" * w for w in widths))
        return "\n".join(lines)


def write_atomically(path, data):
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates it 0600
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def default_baseline_dir():
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "baseline")


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Compare Google Benchmark JSON runs with the committed baseline "
                    "(exit 0 ok, 1 regression, 2 bad input).")
    p.add_argument("current", nargs="+", metavar="CURRENT.json",
                   help="benchmark output (--benchmark_out=FILE --benchmark_out_format=json); "
                        "compared with the baseline file of the same name; files of the same name "
                        "(from other folders) are runs of one program, pooled")
    p.add_argument("--baseline", default=default_baseline_dir(), metavar="DIR",
                   help="folder of baseline JSON files (default: %(default)s)")
    p.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE, metavar="T",
                   help="fail when time/reference grew by more than this fraction and the "
                        "benchmark's own time by more than half of it "
                        "(default: %(default)s, i.e. +40%% and +20%%)")
    p.add_argument("--time", choices=("cpu", "real"), default="cpu", dest="which_time",
                   help="which time to compare (default: cpu, less disturbed by other processes)")
    p.add_argument("--reference", default=DEFAULT_REFERENCE, metavar="NAME",
                   help="the reference benchmark in each file (default: %(default)s)")
    p.add_argument("--allow-new", action="append", default=[], metavar="REGEX",
                   help="benchmarks matching REGEX (whole name) may be missing from the baseline; "
                        "repeatable")
    p.add_argument("--update", action="store_true",
                   help="rewrite the baseline files from the current runs (for an intended change)")
    args = p.parse_args(argv)
    if not (args.tolerance > 0 and math.isfinite(args.tolerance)):
        p.error(f"--tolerance must be a positive number, not {args.tolerance}")
    for pattern in args.allow_new:
        try:
            re.compile(pattern)
        except re.error as e:
            p.error(f"--allow-new '{pattern}': not a regular expression: {e}")
    names = [os.path.basename(c) for c in args.current]
    for n in set(names):
        if names.count(n) > 1 and args.update:
            p.error(f"two current files are named '{n}': --update writes one run of each program "
                    "as its baseline")
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    cmp = Comparison(args.tolerance, args.which_time, args.reference, args.allow_new)
    try:
        # Files of the same name are runs of the same program: pooled (load_run).
        by_name = {}
        for path in args.current:
            by_name.setdefault(os.path.basename(path), []).append(path)
        runs = [load_run(*paths) for paths in by_name.values()]
        pairs = []
        for run in runs:
            base_path = os.path.join(args.baseline, os.path.basename(run.path))
            if os.path.exists(base_path):
                pairs.append((load_run(base_path), run))
            elif not args.update:
                cmp.bad_input.append(f"{run.path}: no baseline {base_path} (a new benchmark program? "
                                     "create its baseline with --update)")
    except BadInput as e:
        print(f"compare_to_baseline: {e}", file=sys.stderr)
        return 2

    if not args.update and os.path.isdir(args.baseline):
        given = {os.path.basename(p) for p in args.current}
        for f in sorted(os.listdir(args.baseline)):
            if f.endswith(".json") and f not in given:
                cmp.bad_input.append(f"baseline {os.path.join(args.baseline, f)} has no current run "
                                     "(pass its JSON too)")

    for base, run in pairs:
        cmp.compare_files(base, run)
    if cmp.rows:
        print(f"Compared with {args.baseline} ({args.which_time} time relative to {args.reference}, "
              f"tolerance +{args.tolerance * 100:.0f}% with the own time over +{args.tolerance * 50:g}%; "
              "counters exactly):\n")
        print(cmp.table())
        print()

    if args.update:
        return update(args, runs)
    for m in cmp.bad_input:
        print(f"compare_to_baseline: error: {m}", file=sys.stderr)
    for m in cmp.regressions:
        print(f"REGRESSION: {m}", file=sys.stderr)
    if cmp.bad_input:
        return 2
    if cmp.regressions:
        print(f"{len(cmp.regressions)} regression(s).", file=sys.stderr)
        return 1
    print("No regression.")
    return 0


def update(args, runs):
    """Checks each current run and writes it as the baseline of the same name."""
    problems = []
    for run in runs:
        build = run.context.get("mailstorm_build_type")
        if build != "Release" or run.context.get("mailstorm_sanitize") != "off":
            problems.append(f"{run.path}: built as '{build}' (sanitize {run.context.get('mailstorm_sanitize')}): "
                            "the baseline must come from a Release build without sanitizers")
        if args.reference not in run.benchmarks:
            problems.append(f"{run.path}: no reference benchmark '{args.reference}'")
        for b in run.benchmarks.values():
            if b.errors:
                problems.append(f"{run.path}: benchmark '{b.name}' failed: {'; '.join(b.errors)}")
            if b.unstable:
                problems.append(f"{run.path}: benchmark '{b.name}': counters {', '.join(b.unstable)} "
                                "differ between repetitions")
    if problems:
        for m in problems:
            print(f"compare_to_baseline: error: {m}", file=sys.stderr)
        print("Baseline not updated.", file=sys.stderr)
        return 2
    for run in runs:
        target = os.path.join(args.baseline, os.path.basename(run.path))
        with open(run.path, "rb") as f:
            write_atomically(target, f.read())
        print(f"Baseline updated: {target} ({len(run.benchmarks)} benchmarks)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
