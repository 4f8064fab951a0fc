#!/usr/bin/python3
"""Measure issue 7's scale targets: whole-process wall time and peak memory of `mailstorm run`.

usage: scale_targets.py MAILSTORM [--runs N] [--seed S | --seeds LIST] [--only NAME]...
                        [--against BINARY] [--record FILE]

MAILSTORM is a Release build of the command line (e.g. build/cli/mailstorm). Each target is run
N times (default 5), one run at a time (one core), and its median wall time and median peak
resident memory are compared with the target. The wall time is read from a monotonic clock
around the process, to the microsecond (`/usr/bin/time -f %e` gives hundredths of a second, too
coarse for bestboy's fast runs of 0.06 s). The peak memory is `/usr/bin/time -f %M`'s, in KiB.
(It is not read from this script's own `wait4`: a child started from Python begins with
Python's pages, and the kernel keeps that high-water mark through `exec`, so every run would
seem to take at least this script's 13 MB.) Starting `/usr/bin/time` as well costs about 4.5 ms
on this platform's virtual machines (2026-12-01: `/usr/bin/time /bin/true` 7.1 ms against 2.6
ms for `/bin/true`, medians of 31). That is nothing beside the large lists' seconds, whose runs
are all made under it; bestboy's runs are not (4.5 ms is 7 % of a fast run), and each of its
modes is run once more under `/usr/bin/time` for the peak memory.

  bestboy   scenarios/bestboy-2000.toml, reference and fast in alternation: the ratio of the
            medians (reference / fast) must be at least 20. A third run in the alternation,
            "no-mail", is the same scenario with the first mail sent after the horizon (fast
            mode, --set first_mail.sent_after=366d): start-up, the scenario, the 18,000 members,
            the time series' ticks and the result files, with no mail at all. Every run of the
            storm does all of that too, so reference / no-mail is the largest ratio any fast
            mode of this program could reach on this machine; it is printed as "ceiling". A
            fourth, "start-up", is `mailstorm validate` on the scenario: the program started,
            the scenario read and checked, nothing run
  mega-1m   scenarios/mega-list-1m.toml, fast: under 10 s and under 4 GB
  mega-10m  scenarios/mega-list-10m.toml, fast: under 120 s and under 16 GB

--against BINARY runs another build in alternation with MAILSTORM on the same commands (for
example the previous commit's), and prints its medians and the ratio of the two, so that a
change can be judged on a shared machine whose speed drifts: compare binaries only within one
run of this script. --record FILE appends one CSV line per process run (binary, target, mode,
seed, run, wall_s, max_rss_kib, date).

The seed matters: each seed is another storm, and fast mode's storm for a seed differs from
reference mode's and changes when fast mode's draws change; --seed checks another one, and
--seeds (a range "1-22" or a list "3,16,18") checks each of several in turn, then says on how
many every target was met and, with --against, gives the median of the per-seed ratios:

  bench/scale_targets.py build/cli/mailstorm --only mega-1m --seeds 1-22 --runs 3 --against OLD

Timing targets are not checked in CI: a shared machine's speed varies by up to half between
minutes. Run this on an otherwise idle machine. Exit status: 0 every target checked is met,
1 one is not, 2 bad usage or a run failed.

Python 3 standard library only.
"""

import argparse
import csv
import datetime
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# name: (scenario, modes, wall limit s, memory limit KiB, speed-up wanted of fast over reference).
# The limits apply to the "fast" mode's runs.
TARGETS = {
    "bestboy": ("scenarios/bestboy-2000.toml", ["reference", "fast", "no-mail", "start-up"], None, None,
                20.0),
    "mega-1m": ("scenarios/mega-list-1m.toml", ["fast"], 10.0, 4 * 1024 * 1024, None),
    "mega-10m": ("scenarios/mega-list-10m.toml", ["fast"], 120.0, 16 * 1024 * 1024, None),
}

# What each mode adds to `mailstorm run SCENARIO`. "no-mail" sends the first mail after any
# horizon the scenario allows (366 days is the longest), so nothing is sent: what is left is the
# work every run does whatever the storm. "start-up" is not a run (see mode_command).
MODE_ARGS = {
    "reference": ["--mode", "reference"],
    "fast": ["--mode", "fast"],
    "no-mail": ["--mode", "fast", "--set", "first_mail.sent_after=366d"],
}


def mode_command(binary, scenario, mode, seed, out):
    """The command line of one process run of `mode`, writing its results (if any) into out."""
    if mode == "start-up":
        return [binary, "validate", os.path.join(ROOT, scenario)]
    return [binary, "run", os.path.join(ROOT, scenario)] + MODE_ARGS[mode] + [
        "--seed", str(seed), "--quiet", "--out", os.path.join(out, "run")]


def run_once(binary, scenario, mode, seed, memory):
    """One whole-process run; returns (wall seconds, peak RSS KiB). With memory false the
    process is started directly and the peak memory is None; with memory true it is started
    under /usr/bin/time, whose own start the wall time then includes."""
    with tempfile.TemporaryDirectory(prefix="mailstorm-scale-") as out:
        timing = os.path.join(out, "time.txt")
        command = mode_command(binary, scenario, mode, seed, out)
        cmd = (["/usr/bin/time", "-o", timing, "-f", "%M"] if memory else []) + command
        start = time.perf_counter()
        done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - start
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command[1:])} exited {done.returncode}: {done.stderr.strip()}")
        if not memory:
            return wall, None
        with open(timing) as f:
            return wall, int(f.read().split()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mailstorm")
    parser.add_argument("--runs", type=int, default=5)
    seeds = parser.add_mutually_exclusive_group()
    seeds.add_argument("--seed", type=int, default=1)
    seeds.add_argument("--seeds", type=seed_list, help='a range "1-22" or a list "3,16,18"')
    parser.add_argument("--only", action="append", choices=sorted(TARGETS))
    parser.add_argument("--against")
    parser.add_argument("--record")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    args.seed_list = args.seeds or [args.seed]
    if not os.path.exists("/usr/bin/time"):
        print("scale_targets: /usr/bin/time is missing (Debian package `time`)", file=sys.stderr)
        return 2
    binaries = [("this", args.mailstorm)] + ([("against", args.against)] if args.against else [])
    for _, b in binaries:
        if not os.access(b, os.X_OK):
            print(f"scale_targets: {b} is not an executable", file=sys.stderr)
            return 2

    if not args.record:
        return measure(args, binaries, None)
    new = not os.path.exists(args.record)
    with open(args.record, "a", newline="") as record_file:
        if new:
            csv.writer(record_file).writerow(
                ["binary", "target", "mode", "seed", "run", "wall_s", "max_rss_kib", "date"])
        return measure(args, binaries, record_file)


def seed_list(text):
    """ "1-22" or "3,16,18" -> a list of seeds (argparse type)."""
    try:
        if "-" in text and "," not in text:
            lo, hi = (int(x) for x in text.split("-"))
            if lo > hi:
                raise ValueError
            return list(range(lo, hi + 1))
        return [int(x) for x in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f'expected a range "1-22" or a list "3,16,18", not {text!r}')


def measure(args, binaries, record_file):
    """Runs and reports the targets for every seed; 0 all met, 1 one is not, 2 a run failed."""
    met_seeds, ratios = [], []
    for seed in args.seed_list:
        status, seed_ratios = measure_seed(args, binaries, record_file, seed)
        if status == 2:
            return 2
        if status == 0:
            met_seeds.append(seed)
        ratios += seed_ratios
    if len(args.seed_list) > 1:
        print(f"every target met on {len(met_seeds)} of {len(args.seed_list)} seeds"
              + (f" (not on {', '.join(str(s) for s in args.seed_list if s not in met_seeds)})"
                 if len(met_seeds) < len(args.seed_list) else ""))
        if ratios:
            print(f"this / against, per seed and target: median {statistics.median(ratios):.3f}"
                  f" ({min(ratios):.3f}-{max(ratios):.3f}), faster in {sum(r < 1 for r in ratios)}"
                  f" of {len(ratios)}")
    return 0 if len(met_seeds) == len(args.seed_list) else 1


def measure_seed(args, binaries, record_file, seed):
    """Runs and reports the targets for one seed; returns (0 all met, 1 one is not, 2 a run
    failed; the ratios this / against of the medians, one per target, empty without --against).
    Each run is appended to record_file (a CSV file, or None) as soon as it is done."""
    met = True
    ratios = []
    for name in args.only or list(TARGETS):
        scenario, modes, wall_limit, rss_limit, speedup = TARGETS[name]
        samples = {(who, mode): [] for who, _ in binaries for mode in modes}
        # Every run under /usr/bin/time where memory has a limit; otherwise one more run per
        # mode, after the timed ones, for the memory alone (see the top of this file).
        memory_each_run = rss_limit is not None
        memory_once = {}

        def record(binary, mode, run, wall, rss):
            if record_file:
                csv.writer(record_file).writerow([binary, name, mode, seed, run, wall, rss,
                                                  datetime.datetime.now().isoformat(timespec="seconds")])
                record_file.flush()

        try:
            for i in range(args.runs):
                for who, binary in binaries:  # in alternation: a slow minute hits all alike
                    for mode in modes:
                        wall, rss = run_once(binary, scenario, mode, seed, memory_each_run)
                        samples[(who, mode)].append((wall, rss))
                        record(binary, mode, i + 1, f"{wall:.4f}", "" if rss is None else rss)
            if not memory_each_run:
                for who, binary in binaries:
                    for mode in modes:
                        _, memory_once[(who, mode)] = run_once(binary, scenario, mode, seed, True)
                        record(binary, mode, "memory", "", memory_once[(who, mode)])
        except RuntimeError as e:
            print(f"scale_targets: {e}", file=sys.stderr)
            return 2, []

        def medians(who, mode):
            walls = [w for w, _ in samples[(who, mode)]]
            rsss = [r for _, r in samples[(who, mode)]] if memory_each_run else [memory_once[(who, mode)]]
            return statistics.median(walls), min(walls), max(walls), round(statistics.median(rsss)), max(rsss)

        print(f"{name}: {scenario}, seed {seed}, median of {args.runs}"
              + ("" if memory_each_run else " (wall times without /usr/bin/time; memory from one run under it)"))
        for who, binary in binaries:
            for mode in modes:
                wall, lo, hi, rss, rss_max = medians(who, mode)
                memory = f"{rss:>10,} KiB (max {rss_max:,})" if memory_each_run else f"{rss:>10,} KiB"
                print(f"  {who:8} {mode:9} {wall:8.3f} s ({lo:.3f}-{hi:.3f})  {memory}  {binary}")
        wall, _, _, rss, _ = medians("this", "fast")
        verdicts = []
        if wall_limit is not None:
            verdicts.append((f"wall {wall:.3f} s < {wall_limit:g} s", wall < wall_limit))
        if rss_limit is not None:
            verdicts.append((f"memory {rss:,} KiB < {rss_limit:,} KiB", rss < rss_limit))
        if speedup is not None:
            reference = medians("this", "reference")[0]
            ratio = reference / wall
            verdicts.append((f"reference / fast {ratio:.1f} >= {speedup:g}", ratio >= speedup))
            if "no-mail" in modes:
                print(f"  ceiling  reference / no-mail {reference / medians('this', 'no-mail')[0]:.1f}:"
                      " the largest reference / fast any fast mode could reach here")
            if "start-up" in modes:
                print(f"  ceiling  reference / start-up {reference / medians('this', 'start-up')[0]:.1f}:"
                      " the same for a run that did nothing after reading the scenario")
        if args.against:
            ratios.append(wall / medians("against", "fast")[0])
            print(f"  this / against (fast mode, medians): {ratios[-1]:.2f}")
        for text, ok in verdicts:
            print(f"  {'met    ' if ok else 'NOT MET'} {text}")
            met = met and ok
    return (0 if met else 1), ratios


if __name__ == "__main__":
    sys.exit(main())
