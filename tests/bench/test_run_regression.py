"""Tests of bench/run_regression.sh's confirmation of a failure: the benchmark programs are
stand-ins (small Python programs in a made-up build folder) that write Google Benchmark JSON, a
benchmark slower in the runs listed, so the script's runs, retry and pooling are checked without
building anything.

Run: /usr/bin/python3 -m unittest discover -s tests/bench -v   (CTest: bench_compare_tests)
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "..", "..", "bench", "run_regression.sh")
sys.path.insert(0, HERE)
from test_compare_to_baseline import suite  # noqa: E402  (the made-up run of three benchmarks)

PROGRAMS = ("bench/sim/bench_sim_queue", "bench/sim/bench_sim_phold", "bench/models/bench_models_storm")

# A stand-in benchmark program: writes suite()'s run to --benchmark_out, with the benchmark
# "Storm/small-storm/reference" slower by the factor of this call in the file `slowdowns` (one
# per call, first call first; 1 when there is none), and counts its calls in <program>.calls.
FAKE = """#!{python}
import json, os, sys
sys.path.insert(0, {here!r})
from test_compare_to_baseline import suite
me = os.path.abspath(__file__)
calls = me + ".calls"
n = int(open(calls).read()) if os.path.exists(calls) else 0
open(calls, "w").write(str(n + 1))
factors = open({slowdowns!r}).read().split()
factor = float(factors[n]) if n < len(factors) else 1.0
out = next(a.split("=", 1)[1] for a in sys.argv if a.startswith("--benchmark_out="))
json.dump(suite(scale={{"Storm/small-storm/reference": factor}}), open(out, "w"))
"""


class RunRegressionTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.build = os.path.join(self.tmp.name, "build")
        self.baseline = os.path.join(self.tmp.name, "baseline")
        self.slowdowns = os.path.join(self.tmp.name, "slowdowns")
        os.makedirs(self.baseline)
        for program in PROGRAMS:
            path = os.path.join(self.build, program)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(FAKE.format(python=sys.executable, here=HERE, slowdowns=self.slowdowns))
            os.chmod(path, 0o755)
            with open(os.path.join(self.baseline, os.path.basename(program) + ".json"), "w",
                      encoding="utf-8") as f:
                json.dump(suite(), f)

    def tearDown(self):
        self.tmp.cleanup()

    def run_check(self, *slowdowns, env=None):
        """Runs the script with each program's calls slower by `slowdowns` (first call, second...)."""
        with open(self.slowdowns, "w", encoding="utf-8") as f:
            f.write("\n".join(str(x) for x in slowdowns) + "\n")
        p = subprocess.run(["bash", SCRIPT, self.build, "--", "--baseline", self.baseline],
                           capture_output=True, text=True, timeout=120,
                           env=dict(os.environ, **(env or {})))
        calls = []
        for prog in PROGRAMS:
            with open(os.path.join(self.build, prog) + ".calls", encoding="utf-8") as f:
                calls.append(int(f.read()))
        return p.returncode, p.stdout, p.stderr, calls

    def test_no_regression_runs_once(self):
        code, out, err, calls = self.run_check(1.0)
        self.assertEqual(code, 0, out + err)
        self.assertEqual(calls, [1, 1, 1])
        self.assertNotIn("confirm", err)

    def test_slow_first_run_is_not_confirmed(self):
        # 2x slower in the first run only (a slow spell): the second run passes the pooled check.
        code, out, err, calls = self.run_check(2.0, 1.0)
        self.assertEqual(code, 0, out + err)
        self.assertEqual(calls, [2, 2, 2])
        self.assertIn("running the subset once more to confirm it", err)
        self.assertTrue(out.rstrip().endswith("No regression."), out)

    def test_regression_in_both_runs_fails(self):
        code, out, err, calls = self.run_check(2.0, 2.0)
        self.assertEqual(code, 1, out + err)
        self.assertEqual(calls, [2, 2, 2])
        # Every program's copy of the slow benchmark fails, in the pooled comparison too.
        self.assertEqual(err.count("REGRESSION: Storm/small-storm/reference"), 6, err)

    def test_confirmation_can_be_switched_off(self):
        code, out, err, calls = self.run_check(2.0, 1.0, env={"MAILSTORM_BENCH_CONFIRM": "0"})
        self.assertEqual(code, 1, out + err)
        self.assertEqual(calls, [1, 1, 1])


if __name__ == "__main__":
    unittest.main()
