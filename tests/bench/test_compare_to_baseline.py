"""Tests of bench/compare_to_baseline.py: its main() is run on made-up Google Benchmark JSON (the
shape Google Benchmark 1.7 writes), and its exit status and messages are checked (one test runs it
as a program).

Run: /usr/bin/python3 -m unittest discover -s tests/bench -v   (CTest: bench_compare_tests)
"""

import contextlib
import copy
import importlib.util
import io
import json
import math
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "..", "..", "bench", "compare_to_baseline.py")
_spec = importlib.util.spec_from_file_location("compare_to_baseline", SCRIPT)
compare_to_baseline = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(compare_to_baseline)

CONTEXT = {"date": "2026-01-01T00:00:00+00:00", "host_name": "test", "num_cpus": 2,
           "mailstorm_build_type": "Release", "mailstorm_sanitize": "off"}


def entry(name, cpu, rep, unit="ns", real=None, **counters):
    e = {"name": name, "family_index": 0, "per_family_instance_index": 0, "run_name": name,
         "run_type": "iteration", "repetitions": 3, "repetition_index": rep, "threads": 1,
         "iterations": 100, "real_time": cpu if real is None else real, "cpu_time": cpu,
         "time_unit": unit}
    e.update(counters)
    return e


def suite(scale=None, counters=None, reps=(1.0, 1.02, 0.97)):
    """A run of three benchmarks with three repetitions each; `scale` multiplies a benchmark's
    times, `counters` overrides its counters."""
    scale = scale or {}
    counters = counters or {}
    base = {
        "BM_Reference": (500.0, "us", {}),
        "Storm/small-storm/reference": (20.0, "ms", {"events_handled": 93810.0, "messages_total": 32683.0,
                                                     "allocations_per_event": 0.3259460611875067,
                                                     "items_per_second": 3.1e6}),
        "BM_QueueHold<RadixHeap>/1000": (40.0, "ns", {"allocations_per_event": 0.0}),
    }
    out = []
    for rep, jitter in enumerate(reps):
        for name, (t, unit, cs) in base.items():
            cs = dict(cs, **counters.get(name, {}))
            if "items_per_second" in cs:  # a rate: changes with the time, never compared
                cs["items_per_second"] = cs["items_per_second"] * jitter
            out.append(entry(name, t * scale.get(name, 1.0) * jitter, rep, unit, **cs))
    return {"context": dict(CONTEXT), "benchmarks": out}


class CompareTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.baseline = os.path.join(self.tmp.name, "baseline")
        self.current = os.path.join(self.tmp.name, "current")
        os.makedirs(self.baseline)
        os.makedirs(self.current)

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, folder, data, name="bench_demo.json"):
        path = os.path.join(folder, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(data if isinstance(data, str) else json.dumps(data, indent=2))
        return path

    def run_script(self, *args):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = compare_to_baseline.main(["--baseline", self.baseline, *args])
            except SystemExit as e:  # argparse's usage errors
                code = e.code
        return code, out.getvalue(), err.getvalue()

    def compare(self, current, *extra, name="bench_demo.json"):
        return self.run_script(*extra, self.write(self.current, current, name))

    # -- times

    def test_runs_as_a_program(self):
        self.write(self.baseline, suite())
        path = self.write(self.current, suite(scale={"Storm/small-storm/reference": 2.0}))
        p = subprocess.run([sys.executable, SCRIPT, "--baseline", self.baseline, path],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("FAIL", p.stdout)

    def test_identical_input_passes(self):
        self.write(self.baseline, suite())
        code, out, err = self.compare(suite())
        self.assertEqual(code, 0, out + err)
        self.assertIn("No regression.", out)
        self.assertNotIn("FAIL", out)

    def test_two_times_slower_benchmark_fails(self):
        self.write(self.baseline, suite())
        code, out, err = self.compare(suite(scale={"Storm/small-storm/reference": 2.0}))
        self.assertEqual(code, 1, out + err)
        self.assertIn("REGRESSION: Storm/small-storm/reference: cpu time relative to BM_Reference grew by +100.0%",
                      err)
        # Only that benchmark fails.
        self.assertEqual(err.count("REGRESSION:"), 1, err)

    def test_uniformly_slower_machine_passes(self):
        # Every benchmark, the reference included, 1.5x slower: the machine, not the code.
        self.write(self.baseline, suite())
        slow = {n: 1.5 for n in ("BM_Reference", "Storm/small-storm/reference", "BM_QueueHold<RadixHeap>/1000")}
        code, out, err = self.compare(suite(scale=slow))
        self.assertEqual(code, 0, out + err)
        self.assertIn("+50.0%  info", out)  # the reference's own slow-down is shown, not judged

    def test_uniformly_slower_machine_without_reference_change_would_fail(self):
        # The same 1.5x on the benchmarks alone is past the default tolerance (+40%).
        self.write(self.baseline, suite())
        slow = {n: 1.5 for n in ("Storm/small-storm/reference", "BM_QueueHold<RadixHeap>/1000")}
        code, out, err = self.compare(suite(scale=slow))
        self.assertEqual(code, 1, out + err)
        self.assertEqual(err.count("REGRESSION:"), 2, err)

    def test_tolerance_option(self):
        self.write(self.baseline, suite())
        current = suite(scale={"BM_QueueHold<RadixHeap>/1000": 1.3})
        self.assertEqual(self.compare(current)[0], 0)
        self.assertEqual(self.compare(current, "--tolerance", "0.2")[0], 1)

    @staticmethod
    def scaled(name, factor, reps=(0, 1, 2)):
        """A run like suite()'s, with the CPU times of `name` in repetitions `reps` times factor."""
        current = suite()
        for e in current["benchmarks"]:
            if e["name"] == name and e["repetition_index"] in reps:
                e["cpu_time"] *= factor
        return current

    def test_fastest_repetition_ignores_slow_ones(self):
        # Two repetitions of three 3x slower (a slow phase of a shared machine, page faults): the
        # fastest repetition is unaffected. A median would have failed this run.
        self.write(self.baseline, suite())
        code, out, err = self.compare(self.scaled("Storm/small-storm/reference", 3.0, reps=(0, 1)))
        self.assertEqual(code, 0, out + err)

    def test_every_repetition_slower_fails(self):
        # ...but when every repetition is 2x slower, so is the fastest: a real regression.
        self.write(self.baseline, suite())
        code, out, err = self.compare(self.scaled("Storm/small-storm/reference", 2.0))
        self.assertEqual(code, 1, out + err)
        self.assertIn("Storm/small-storm/reference", err)

    def test_fastest_reference_repetition_is_used(self):
        # The reference is taken the same way as the benchmarks, by its fastest repetition. One
        # repetition of BM_Reference twice as fast, and a benchmark whose own time grew 1.3x in
        # every repetition: its ratio is 1.3 x 485 / 250 = 2.52x the baseline's (the baseline's
        # fastest reference is its 0.97 repetition) and it fails; with the reference's median it
        # would have been 1.3x, within the tolerance.
        self.write(self.baseline, suite())
        current = self.scaled("BM_Reference", 0.5, reps=(0,))
        for e in current["benchmarks"]:
            if e["name"] == "Storm/small-storm/reference":
                e["cpu_time"] *= 1.3
        code, out, err = self.compare(current)
        self.assertEqual(code, 1, out + err)
        self.assertIn("REGRESSION: Storm/small-storm/reference: cpu time relative to BM_Reference grew by +152.2%"
                      " (tolerance +40%) and its own time by +30.0% (over +20%)", err)
        self.assertEqual(err.count("REGRESSION:"), 1, err)

    def test_fast_reference_alone_is_not_a_regression(self):
        # CI's run of e98f541: BM_Reference 40 % faster than its baseline (254 against 424 us),
        # the benchmarks' own times within +3 %. Every ratio grew by about +70 %, yet the code did
        # not get slower: the own time decides, and the verdict says why it passed.
        self.write(self.baseline, suite())
        current = self.scaled("BM_Reference", 0.6)
        for e in current["benchmarks"]:
            if e["name"] != "BM_Reference":
                e["cpu_time"] *= 1.03
        code, out, err = self.compare(current)
        self.assertEqual(code, 0, out + err)
        self.assertIn("ok (own time +3.0%: the reference ran fast)", out)
        self.assertIn("No regression.", out)

    def test_own_time_limit_is_half_the_tolerance(self):
        # With the reference 1.3x faster, a benchmark whose own time grew 1.15x (ratio +49.5 %)
        # passes and one that grew 1.25x (ratio +62.5 %) fails; with --tolerance 0.2 the own-time
        # limit is +10 %, and 1.15x fails too.
        self.write(self.baseline, suite())
        for own, tolerance, expected in ((1.15, "0.4", 0), (1.25, "0.4", 1), (1.15, "0.2", 1)):
            current = self.scaled("BM_Reference", 1 / 1.3)
            for e in current["benchmarks"]:
                if e["name"] == "BM_QueueHold<RadixHeap>/1000":
                    e["cpu_time"] *= own
            code, out, err = self.compare(current, "--tolerance", tolerance)
            with self.subTest(own=own, tolerance=tolerance):
                self.assertEqual(code, expected, out + err)
                self.assertEqual(err.count("REGRESSION:"), expected, err)

    def test_aggregates_only_input(self):
        # --benchmark_report_aggregates_only=true: the median aggregate is used.
        base = suite()
        agg = {"context": base["context"], "benchmarks": []}
        for name in ("BM_Reference", "Storm/small-storm/reference", "BM_QueueHold<RadixHeap>/1000"):
            e = next(copy.deepcopy(x) for x in base["benchmarks"] if x["name"] == name)
            for a in ("mean", "median", "stddev"):
                x = dict(e, name=f"{name}_{a}", run_type="aggregate", aggregate_name=a)
                if a == "stddev":
                    x["cpu_time"] = x["real_time"] = 1.0
                agg["benchmarks"].append(x)
        self.write(self.baseline, agg)
        self.assertEqual(self.compare(agg)[0], 0)
        slow = copy.deepcopy(agg)
        for e in slow["benchmarks"]:
            if e["name"] == "BM_QueueHold<RadixHeap>/1000_median":
                e["cpu_time"] *= 2
        self.assertEqual(self.compare(slow)[0], 1)

    def test_time_units_are_converted(self):
        self.write(self.baseline, suite())
        current = suite()
        for e in current["benchmarks"]:
            if e["name"] == "Storm/small-storm/reference":
                e["cpu_time"] *= 1000.0
                e["real_time"] *= 1000.0
                e["time_unit"] = "us"
        code, out, err = self.compare(current)
        self.assertEqual(code, 0, out + err)

    # -- deterministic counters

    def test_changed_counter_fails_and_says_how_to_update(self):
        self.write(self.baseline, suite())
        code, out, err = self.compare(
            suite(counters={"Storm/small-storm/reference": {"events_handled": 93811.0}}))
        self.assertEqual(code, 1, out + err)
        self.assertIn("deterministic counter 'events_handled' changed from 93810 to 93811", err)
        self.assertIn("--update", err)

    def test_counter_compared_exactly(self):
        # One unit in the last place of a double is a change.
        self.write(self.baseline, suite())
        v = 0.3259460611875067
        bumped = math.nextafter(v, 1.0)
        self.assertNotEqual(v, bumped)
        code, out, err = self.compare(
            suite(counters={"Storm/small-storm/reference": {"allocations_per_event": bumped}}))
        self.assertEqual(code, 1, out + err)
        self.assertIn("'allocations_per_event' changed", err)

    def test_rate_counters_are_not_compared(self):
        self.write(self.baseline, suite())
        code, out, err = self.compare(
            suite(counters={"Storm/small-storm/reference": {"items_per_second": 1.0}}))
        self.assertEqual(code, 0, out + err)

    def test_counter_differing_between_repetitions_fails(self):
        self.write(self.baseline, suite())
        current = suite()
        current["benchmarks"][1]["events_handled"] = 1.0
        code, out, err = self.compare(current)
        self.assertEqual(code, 1, out + err)
        self.assertIn("differs between repetitions", err)

    def test_counter_removed_fails(self):
        self.write(self.baseline, suite())
        current = suite()
        for e in current["benchmarks"]:
            e.pop("messages_total", None)
        code, out, err = self.compare(current)
        self.assertEqual(code, 1, out + err)
        self.assertIn("'messages_total' changed from 32683 to -", err)

    def test_failed_benchmark_fails(self):
        self.write(self.baseline, suite())
        current = suite()
        for e in current["benchmarks"]:
            if e["name"] == "Storm/small-storm/reference":
                e["error_occurred"] = True
                e["error_message"] = "the same seed gave a different run"
        code, out, err = self.compare(current)
        self.assertEqual(code, 1, out + err)
        self.assertIn("the same seed gave a different run", err)

    # -- bad input (exit 2)

    def test_malformed_json_is_bad_input(self):
        self.write(self.baseline, suite())
        code, out, err = self.compare('{"benchmarks": [')
        self.assertEqual(code, 2, out + err)
        self.assertIn("bench_demo.json: line 1", err)
        self.assertIn("malformed JSON", err)

    def test_not_benchmark_json_is_bad_input(self):
        self.write(self.baseline, suite())
        code, out, err = self.compare('{"context": {}}')
        self.assertEqual(code, 2, out + err)
        self.assertIn("no 'benchmarks' list", err)

    def test_non_numeric_time_is_bad_input(self):
        self.write(self.baseline, suite())
        current = suite()
        current["benchmarks"][0]["cpu_time"] = "fast"
        code, out, err = self.compare(current)
        self.assertEqual(code, 2, out + err)
        self.assertIn("'cpu_time' is not a finite number", err)

    def test_malformed_baseline_is_bad_input(self):
        self.write(self.baseline, "not json")
        code, out, err = self.compare(suite())
        self.assertEqual(code, 2, out + err)
        self.assertIn(os.path.join("baseline", "bench_demo.json"), err)

    def test_missing_benchmark_is_bad_input(self):
        self.write(self.baseline, suite())
        current = suite()
        current["benchmarks"] = [e for e in current["benchmarks"] if e["name"] != "BM_QueueHold<RadixHeap>/1000"]
        code, out, err = self.compare(current)
        self.assertEqual(code, 2, out + err)
        self.assertIn("benchmark 'BM_QueueHold<RadixHeap>/1000' is in the baseline", err)

    def test_new_benchmark_needs_allow_new(self):
        self.write(self.baseline, suite())
        current = suite()
        current["benchmarks"].append(entry("Storm/small-storm/fast", 5e6, 0, events_handled=90000.0))
        code, out, err = self.compare(current)
        self.assertEqual(code, 2, out + err)
        self.assertIn("'Storm/small-storm/fast' is not in the baseline", err)
        code, out, err = self.compare(current, "--allow-new", "Storm/.*/fast")
        self.assertEqual(code, 0, out + err)
        self.assertIn("new (not compared)", out)

    def test_missing_reference_is_bad_input(self):
        self.write(self.baseline, suite())
        current = suite()
        current["benchmarks"] = [e for e in current["benchmarks"] if e["name"] != "BM_Reference"]
        code, out, err = self.compare(current)
        self.assertEqual(code, 2, out + err)
        self.assertIn("no reference benchmark 'BM_Reference'", err)

    def test_missing_baseline_file_is_bad_input(self):
        code, out, err = self.compare(suite(), name="bench_other.json")
        self.assertEqual(code, 2, out + err)
        self.assertIn("no baseline", err)

    def test_baseline_file_without_current_run_is_bad_input(self):
        self.write(self.baseline, suite())
        self.write(self.baseline, suite(), name="bench_more.json")
        code, out, err = self.compare(suite())
        self.assertEqual(code, 2, out + err)
        self.assertIn("bench_more.json has no current run", err)

    def test_different_build_type_is_bad_input(self):
        self.write(self.baseline, suite())
        current = suite()
        current["context"]["mailstorm_build_type"] = "RelWithDebInfo"
        code, out, err = self.compare(current)
        self.assertEqual(code, 2, out + err)
        self.assertIn("mailstorm_build_type is 'RelWithDebInfo'", err)

    def test_missing_file_is_bad_input(self):
        code, out, err = self.run_script(os.path.join(self.current, "absent.json"))
        self.assertEqual(code, 2, out + err)
        self.assertIn("absent.json: cannot read", err)

    def test_bad_tolerance_is_usage_error(self):
        self.write(self.baseline, suite())
        code, out, err = self.compare(suite(), "--tolerance", "-1")
        self.assertEqual(code, 2, out + err)
        self.assertIn("--tolerance must be a positive number", err)

    # -- --update

    def test_update_writes_the_baseline_then_compares_clean(self):
        self.write(self.baseline, suite())
        changed = suite(counters={"Storm/small-storm/reference": {"events_handled": 1.0}},
                        scale={"BM_QueueHold<RadixHeap>/1000": 3.0})
        changed["benchmarks"].append(entry("Storm/small-storm/fast", 5e6, 0, events_handled=90000.0))
        self.assertEqual(self.compare(changed)[0], 2)
        code, out, err = self.compare(changed, "--update")
        self.assertEqual(code, 0, out + err)
        self.assertIn("Baseline updated", out)
        with open(os.path.join(self.baseline, "bench_demo.json"), encoding="utf-8") as f:
            self.assertEqual(json.load(f), changed)
        self.assertEqual(os.listdir(self.baseline), ["bench_demo.json"])  # no temporary left
        self.assertEqual(self.compare(changed)[0], 0)

    def test_update_creates_a_new_baseline_file(self):
        code, out, err = self.compare(suite(), "--update", name="bench_new.json")
        self.assertEqual(code, 0, out + err)
        self.assertTrue(os.path.exists(os.path.join(self.baseline, "bench_new.json")))

    def test_update_refuses_a_non_release_build(self):
        self.write(self.baseline, suite())
        current = suite()
        current["context"]["mailstorm_sanitize"] = "on"
        code, out, err = self.compare(current, "--update")
        self.assertEqual(code, 2, out + err)
        self.assertIn("Baseline not updated", err)
        with open(os.path.join(self.baseline, "bench_demo.json"), encoding="utf-8") as f:
            self.assertEqual(json.load(f), suite())

    # -- pooled runs of the same program (bench/run_regression.sh confirms a failure this way)

    def pooled(self, *runs, extra=()):
        """Compares runs written under the same name in folders of their own, pooled."""
        paths = []
        for i, run in enumerate(runs):
            folder = os.path.join(self.current, f"run{i}")
            os.makedirs(folder)
            paths.append(self.write(folder, run))
        return self.run_script(*extra, *paths)

    def test_pooled_runs_take_the_fastest_repetition_of_all(self):
        # A first run 2x slower in every repetition fails alone; pooled with a normal second run,
        # the fastest repetitions are the second run's, and it passes.
        self.write(self.baseline, suite())
        slow = self.scaled("Storm/small-storm/reference", 2.0)
        self.assertEqual(self.compare(slow)[0], 1)
        code, out, err = self.pooled(slow, suite())
        self.assertEqual(code, 0, out + err)
        self.assertIn("No regression.", out)

    def test_regression_in_every_pooled_run_fails(self):
        # A real regression shows in both runs, so pooling them does not hide it.
        self.write(self.baseline, suite())
        slow = self.scaled("Storm/small-storm/reference", 2.0)
        code, out, err = self.pooled(slow, slow)
        self.assertEqual(code, 1, out + err)
        self.assertEqual(err.count("REGRESSION:"), 1, err)

    def test_pooled_counter_change_fails(self):
        self.write(self.baseline, suite())
        changed = suite(counters={"Storm/small-storm/reference": {"events_handled": 93811.0}})
        code, out, err = self.pooled(changed, changed)
        self.assertEqual(code, 1, out + err)
        self.assertIn("deterministic counter 'events_handled' changed from 93810 to 93811", err)

    def test_pooled_runs_of_different_builds_are_bad_input(self):
        self.write(self.baseline, suite())
        other = suite()
        other["context"]["mailstorm_build_type"] = "Debug"
        code, out, err = self.pooled(suite(), other)
        self.assertEqual(code, 2, out + err)
        self.assertIn("only runs of the same build can be pooled", err)

    def test_update_takes_one_run_per_program(self):
        self.write(self.baseline, suite())
        code, out, err = self.pooled(suite(), suite(), extra=("--update",))
        self.assertEqual(code, 2, out + err)
        self.assertIn("--update writes one run of each program", err)


if __name__ == "__main__":
    unittest.main()
