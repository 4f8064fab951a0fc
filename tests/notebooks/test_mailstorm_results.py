"""Unit tests of notebooks/mailstorm_results.py (Python unittest, run by CTest with Debian's python3).

Fixture folders (tests/notebooks/fixtures) follow the sweep and compare contracts; their
statistics were computed by hand and are recomputed here. One real run folder is written at test
time by the built mailstorm (MAILSTORM_BIN, set by CTest) from tests/fixtures/tiny-list.toml.

    MAILSTORM_BIN=build/cli/mailstorm /usr/bin/python3 -m unittest discover -s tests/notebooks -v
"""
import json
import math
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO / "notebooks"))

import pandas as pd  # noqa: E402

import mailstorm_results as mr  # noqa: E402

FIXTURES = HERE / "fixtures"
SWEEP = FIXTURES / "sweep-mini"
COMPARE = FIXTURES / "compare-mini"
POINT_A = "list.posting_policy=open,behaviour.forward_share=0.2"
POINT_B = "list.posting_policy=moderated,behaviour.forward_share=0.2"


class TempDirTest(unittest.TestCase):
    def setUp(self):
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix="mailstorm-results-test-"))

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def copy_fixture(self, src):
        dst = self.tmp / src.name
        shutil.copytree(src, dst)
        return dst


class SweepTest(unittest.TestCase):
    def test_summary_csv_is_read_with_its_keys_as_text(self):
        s = mr.load_sweep(SWEEP)
        self.assertEqual(s.keys, ["list.posting_policy", "behaviour.forward_share"])
        self.assertEqual(len(s.summary), 6)
        self.assertEqual(list(s.summary.columns[:4]),
                         ["point", "list.posting_policy", "behaviour.forward_share", "outcome"])
        self.assertEqual(set(s.summary["behaviour.forward_share"]), {"0.2"})
        f = s.outcome("forwards")
        self.assertEqual(f.loc[POINT_A, "mean"], 12)
        self.assertEqual(f.loc[POINT_B, "list.posting_policy"], "moderated")

    def test_runs_are_one_row_per_summary_with_numeric_outcomes_only(self):
        s = mr.load_sweep(SWEEP)
        self.assertEqual(len(s.runs), 4)
        self.assertEqual(sorted(set(s.runs["point"])), sorted([POINT_A, POINT_B]))
        a = s.runs[s.runs["point"] == POINT_A].set_index("replication")
        self.assertEqual(a.loc[1, "forwards"], 14)
        self.assertEqual(a.loc[0, "messages_total"], 110)
        # instants and the by-kind object are not numeric outcomes
        for col in ("sender_host_down_at", "operator_acted_at", "messages_by_kind"):
            self.assertNotIn(col, s.runs.columns)

    def test_summary_csv_agrees_with_the_runs_through_mean_ci(self):
        s = mr.load_sweep(SWEEP)
        for (point, outcome), row in s.summary.set_index(["point", "outcome"]).iterrows():
            values = s.runs.loc[s.runs["point"] == point, outcome]
            got = mr.mean_ci(values)
            self.assertEqual(got["n"], row["n"])
            for k in ("mean", "sd", "ci95_low", "ci95_high"):
                # the table's t(0.975, 1) is 12.706, the exact one 12.7062...
                self.assertAlmostEqual(got[k], row[k], delta=1e-3 * max(1.0, abs(row[k])), msg=(point, outcome, k))

    def test_missing_runs_folder_gives_an_empty_runs_table(self):
        with tempfile.TemporaryDirectory() as tmp:
            d = pathlib.Path(tmp) / "s"
            shutil.copytree(SWEEP, d)
            shutil.rmtree(d / "runs")
            s = mr.load_sweep(d)
            self.assertTrue(s.runs.empty)
            self.assertIn("point", s.runs.columns)
            self.assertEqual(len(s.summary), 6)


class CompareTest(unittest.TestCase):
    def test_table_and_runs(self):
        c = mr.load_compare(COMPARE)
        self.assertEqual(c.variants, ["base_fix-one"])
        self.assertEqual(c.base, "base")
        self.assertEqual(list(c.table.columns), mr.COMPARE_COLUMNS)
        self.assertEqual(len(c.runs), 6)
        self.assertEqual(set(c.runs["scenario"]), {"base", "base/fix-one"})
        p = c.paired("forwards")
        self.assertEqual(list(p.columns), ["base", "base_fix-one"])
        self.assertEqual(p.loc[2, "base_fix-one"], 18)

    def test_compare_csv_agrees_with_paired_differences_of_the_runs(self):
        c = mr.load_compare(COMPARE)
        for _, row in c.table.iterrows():
            p = c.paired(row["outcome"])
            got = mr.paired_diff_ci(p[c.base], p[row["variant"]])
            for k in ("base_mean", "variant_mean", "diff_mean", "diff_ci95_low", "diff_ci95_high",
                      "percent_change", "n"):
                self.assertAlmostEqual(got[k], row[k], delta=1e-3 * max(1.0, abs(row[k])),
                                       msg=(row["outcome"], k))

    def test_paired_diff_uses_only_replications_both_have(self):
        base = pd.Series({0: 1.0, 1: 2.0, 2: 3.0})
        variant = pd.Series({1: 5.0, 2: 5.0, 3: 9.0})
        got = mr.paired_diff_ci(base, variant)
        self.assertEqual(got["n"], 2)
        self.assertAlmostEqual(got["diff_mean"], 2.5)


class IntervalTest(unittest.TestCase):
    def test_t_quantiles(self):
        self.assertEqual(mr.t975(1), 12.706)
        self.assertEqual(mr.t975(30), 2.042)
        self.assertAlmostEqual(mr.t975(60), 2.0003, places=3)   # tables: 2.000
        self.assertAlmostEqual(mr.t975(120), 1.9799, places=3)  # tables: 1.980
        self.assertTrue(math.isnan(mr.t975(0)))

    def test_mean_ci_of_one_value_has_no_interval(self):
        got = mr.mean_ci([4.0])
        self.assertEqual(got["mean"], 4.0)
        self.assertTrue(math.isnan(got["ci95_low"]))
        self.assertEqual(got["n"], 1)

    def test_mean_ci_known_case(self):
        got = mr.mean_ci([1.0, 2.0, 3.0, 4.0, 5.0])  # sd sqrt(2.5), t(0.975, 4) = 2.776
        half = 2.776 * math.sqrt(2.5) / math.sqrt(5)
        self.assertAlmostEqual(got["ci95_low"], 3 - half)
        self.assertAlmostEqual(got["ci95_high"], 3 + half)


class ErrorTest(TempDirTest):
    def test_a_folder_that_is_none_of_the_three(self):
        with self.assertRaises(ValueError) as e:
            mr.load(self.tmp)
        msg = str(e.exception)
        self.assertIn(str(self.tmp), msg)
        for expected in ("summary.json", "sweep.json", "compare.json"):
            self.assertIn(expected, msg)

    def test_no_such_folder(self):
        with self.assertRaises(ValueError) as e:
            mr.load(self.tmp / "nothing-here")
        self.assertIn("nothing-here", str(e.exception))
        with self.assertRaises(ValueError) as e:
            mr.load_run(self.tmp / "nothing-here")
        self.assertIn("nothing-here", str(e.exception))

    def test_wrong_format_is_named(self):
        d = self.copy_fixture(SWEEP)
        doc = json.loads((d / "sweep.json").read_text())
        doc["format"] = "mailstorm-compare"
        (d / "sweep.json").write_text(json.dumps(doc))
        with self.assertRaises(ValueError) as e:
            mr.load(d)
        self.assertIn("sweep.json", str(e.exception))
        self.assertIn("'mailstorm-sweep'", str(e.exception))

    def test_bad_json_names_the_file_and_line(self):
        d = self.copy_fixture(COMPARE)
        (d / "compare.json").write_text('{"format": "mailstorm-compare",\n  "base": }\n')
        with self.assertRaises(ValueError) as e:
            mr.load(d)
        self.assertIn("compare.json", str(e.exception))
        self.assertIn("line 2", str(e.exception))

    def test_missing_csv_column_is_named(self):
        d = self.copy_fixture(COMPARE)
        text = (d / "compare.csv").read_text().replace("diff_ci95_low", "diff_low")
        (d / "compare.csv").write_text(text)
        with self.assertRaises(ValueError) as e:
            mr.load_compare(d)
        self.assertIn("compare.csv", str(e.exception))
        self.assertIn("diff_ci95_low", str(e.exception))

    def test_missing_summary_csv(self):
        d = self.copy_fixture(SWEEP)
        (d / "summary.csv").unlink()
        with self.assertRaises(ValueError) as e:
            mr.load(d)
        self.assertIn("summary.csv", str(e.exception))

    def test_a_run_summary_that_is_not_mailstorms(self):
        d = self.copy_fixture(SWEEP)
        bad = d / "runs" / POINT_A / "rep-0000" / "summary.json"
        bad.write_text(json.dumps({"format": "something-else"}))
        with self.assertRaises(ValueError) as e:
            mr.load_sweep(d)
        self.assertIn(str(bad), str(e.exception))

    def test_missing_binary_says_how_to_get_one(self):
        old = os.environ.get("MAILSTORM_BIN")
        os.environ["MAILSTORM_BIN"] = str(self.tmp / "no-mailstorm")
        try:
            with self.assertRaises(FileNotFoundError) as e:
                mr.mailstorm_binary()
            self.assertIn("no-mailstorm", str(e.exception))
            self.assertIn("MAILSTORM_BIN", str(e.exception))
        finally:
            if old is None:
                del os.environ["MAILSTORM_BIN"]
            else:
                os.environ["MAILSTORM_BIN"] = old

    def test_work_dir_is_emptied(self):
        old = os.environ.get("MAILSTORM_WORK")
        os.environ["MAILSTORM_WORK"] = str(self.tmp)
        try:
            d = mr.work_dir("nb")
            (d / "stale").write_text("x")
            d2 = mr.work_dir("nb")
            self.assertEqual(d, d2)
            self.assertEqual(list(d2.iterdir()), [])
        finally:
            if old is None:
                del os.environ["MAILSTORM_WORK"]
            else:
                os.environ["MAILSTORM_WORK"] = old


@unittest.skipUnless(os.environ.get("MAILSTORM_BIN"), "MAILSTORM_BIN not set (CTest sets it)")
class RealRunTest(unittest.TestCase):
    """A run folder written now by the built mailstorm, read back: the time series must add up to
    the summary's totals, the cascade must have one row per message written."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = pathlib.Path(tempfile.mkdtemp(prefix="mailstorm-results-run-"))
        cls.out = cls.tmp / "run"
        mr.run_mailstorm("run", REPO / "tests" / "fixtures" / "tiny-list.toml", "--seed", "3", "--cascade",
                         "--quiet", "--out", cls.out)
        cls.r = mr.load(cls.out)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_kind_and_identity(self):
        self.assertIsInstance(self.r, mr.Run)
        self.assertEqual(self.r.scenario_name, "tiny-list")
        self.assertEqual(self.r.summary["seed"], 3)

    def test_time_series_index_is_local_time_from_the_start(self):
        ts = self.r.timeseries
        bin_s = self.r.summary["timeseries"]["bin_s"]
        self.assertEqual(ts.index.name, "time")
        self.assertEqual(ts.index[0], self.r.start)
        self.assertEqual(str(ts.index[0]), "2000-06-24 13:17:00+09:00")
        steps = ts.index.to_series().diff().dropna().dt.total_seconds()
        self.assertTrue((steps == bin_s).all())
        self.assertEqual(len(ts), self.r.summary["timeseries"]["bins"])
        self.assertTrue(((ts.index - self.r.start).total_seconds() == ts["bin_start_s"]).all())

    def test_time_series_adds_up_to_the_outcomes(self):
        ts, o = self.r.timeseries, self.r.outcomes
        created = ts[[c for c in ts.columns if c.startswith("created_")]].sum().sum()
        self.assertGreater(o["messages_total"], 300)  # the storm happened: more than the first mail
        self.assertEqual(created, o["messages_total"])
        self.assertEqual(ts["sender_inbox"].sum(), o["sender_inbox_total"])
        self.assertEqual(ts["complaints"].sum(), o["complaints"])
        self.assertEqual(ts["list_posts_accepted"].sum(), o["list_posts_accepted"])
        self.assertEqual(ts["created_chain_forward"].sum(), o["forwards"])
        self.assertEqual(self.r.messages_by_kind.sum(), o["messages_total"])
        self.assertEqual(ts["delivered"].sum(), self.r.ledger["delivered"])
        self.assertEqual(ts["bounced"].sum(), self.r.ledger["bounced"])

    def test_outcomes_and_times(self):
        o, t = self.r.outcomes, self.r.times
        self.assertEqual(o.dtype, "float64")
        self.assertNotIn("sender_inbox_peak_at", o.index)
        self.assertIn("sender_inbox_peak_at", t.index)
        peak = t["sender_inbox_peak_at"]
        self.assertEqual(peak.utcoffset().total_seconds(), 9 * 3600)
        self.assertAlmostEqual(self.r.hours_after_start("sender_inbox_peak_at") * 3600, o["time_to_peak_s"])
        self.assertIn("sender_host", self.r.hosts.index)

    def test_cascade_has_one_row_per_message(self):
        c = self.r.cascade
        self.assertIsNotNone(c)
        self.assertEqual(len(c), self.r.outcomes["cascade_messages"])
        self.assertEqual(c["generation"].max(), self.r.outcomes["cascade_depth_max"])
        self.assertIsNotNone(self.r.contact_degrees)

    def test_run_without_cascade_has_none(self):
        out = self.tmp / "plain"
        mr.run_mailstorm("run", REPO / "tests" / "fixtures" / "tiny-list.toml", "--quiet", "--out", out)
        r = mr.load_run(out)
        self.assertIsNone(r.cascade)
        self.assertIsNone(r.contact_degrees)

    def test_failing_cli_raises_with_its_message(self):
        with self.assertRaises(RuntimeError) as e:
            mr.run_mailstorm("run", self.tmp / "no-such.toml")
        self.assertIn("no-such.toml", str(e.exception))
        self.assertIn("exited with 2", str(e.exception))


@unittest.skipUnless(os.environ.get("MAILSTORM_BIN"), "MAILSTORM_BIN not set (CTest sets it)")
class RealSweepAndCompareTest(unittest.TestCase):
    """A sweep and a comparison written now by the built mailstorm from tiny-list, read back: the
    loader's tables must agree with each other and with the runs' own summaries."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = pathlib.Path(tempfile.mkdtemp(prefix="mailstorm-results-experiments-"))
        tiny = REPO / "tests" / "fixtures" / "tiny-list.toml"
        (cls.tmp / "sweep.toml").write_text(
            f'extends = "{tiny}"\nname = "tiny-sweep"\n[sweep]\n'
            'first_mail.alarm = [0.0, 0.9]\nlist.posting_policy = ["open", "moderated"]\n', encoding="utf-8")
        (cls.tmp / "variant.toml").write_text(
            f'extends = "{tiny}"\nname = "tiny-list/neutral"\n[first_mail]\nalarm = 0.0\n', encoding="utf-8")
        mr.run_mailstorm("sweep", cls.tmp / "sweep.toml", "--replications", 3, "--seed", 5, "--jobs", 2, "--quiet",
                         "--out", cls.tmp / "sweep")
        mr.run_mailstorm("compare", tiny, cls.tmp / "variant.toml", "--replications", 4, "--seed", 5, "--jobs", 2,
                         "--quiet", "--out", cls.tmp / "compare")
        cls.sweep = mr.load(cls.tmp / "sweep")
        cls.comp = mr.load(cls.tmp / "compare")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_sweep_tables_agree(self):
        s = self.sweep
        self.assertIsInstance(s, mr.Sweep)
        self.assertEqual(s.keys, ["first_mail.alarm", "list.posting_policy"])
        points = [p["name"] for p in s.info["points"]]
        self.assertEqual(len(points), 4)
        self.assertEqual(sorted(set(s.runs["point"])), sorted(points))
        self.assertEqual(len(s.runs), 4 * 3)
        self.assertEqual(len(s.summary), 4 * len(s.info["outcomes"]))
        for (point, outcome), row in s.summary.set_index(["point", "outcome"]).iterrows():
            got = mr.mean_ci(s.runs.loc[s.runs["point"] == point, outcome])
            self.assertEqual(got["n"], row["n"])
            for k in ("mean", "ci95_low", "ci95_high"):
                if pd.isna(row[k]):
                    self.assertTrue(pd.isna(got[k]), (point, outcome, k))
                else:
                    # the CLI's exact t quantile against the loader's 3-decimal table: relative to the width
                    scale = max(1.0, abs(row["mean"]), row["ci95_high"] - row["ci95_low"])
                    self.assertAlmostEqual(got[k], row[k], delta=1e-3 * scale, msg=(point, outcome, k))
        # a point's sweep values are the settings its runs used
        moderated = s.summary[s.summary["list.posting_policy"] == "moderated"]
        self.assertTrue((s.outcome("list_posts_accepted").loc[moderated["point"].unique(), "max"] == 0).all())

    def test_compare_tables_agree(self):
        c = self.comp
        self.assertIsInstance(c, mr.Comparison)
        self.assertEqual(c.base, "tiny-list")
        self.assertEqual(c.variants, ["tiny-list_neutral"])
        self.assertEqual(set(c.runs["scenario"]), {"tiny-list", "tiny-list/neutral"})
        self.assertEqual(len(c.runs), 2 * 4)
        self.assertEqual(len(c.table), len(c.info["outcomes"]))
        for _, row in c.table.iterrows():
            p = c.paired(row["outcome"])
            got = mr.paired_diff_ci(p[c.base], p[row["variant"]])
            for k in ("base_mean", "variant_mean", "diff_mean", "diff_ci95_low", "diff_ci95_high"):
                if pd.isna(row[k]):
                    self.assertTrue(pd.isna(got[k]), (row["outcome"], k))
                else:
                    scale = max(1.0, abs(row["base_mean"]), row["diff_ci95_high"] - row["diff_ci95_low"])
                    self.assertAlmostEqual(got[k], row[k], delta=1e-3 * scale, msg=(row["outcome"], k))


if __name__ == "__main__":
    unittest.main()
