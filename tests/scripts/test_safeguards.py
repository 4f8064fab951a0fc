"""Tests of scripts/safeguards.py (the catalogue generator) on hand-made compare output, and of
the catalogue itself (scenarios/safeguards/*.toml): every file has its header, extends a base,
changes something, and is listed in docs/safeguards.md.

    python3 -m unittest discover -s tests/scripts -p 'test_*.py'
"""
import csv
import json
import math
import os
import sys
import tempfile
import textwrap
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "scripts"))
import safeguards as sg  # noqa: E402

BASE_TOML = textwrap.dedent("""\
    # a base with two mistakes
    name = "base"
    [first_mail]
    to = "list"        # MISTAKE: the posting address
    alarm = 1.0
    [list]
    headers = false    # MISTAKE: no list headers
    envelope_sender = "poster"  # the poster (not marked)
    """)


def write(folder, name, text):
    path = os.path.join(folder, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(textwrap.dedent(text))
    return path


def compare_row(variant, outcome, base, var, lo, hi, n=10):
    diff = var - base
    pct = "" if base == 0 else f"{diff / base * 100:.6g}"
    return [variant, outcome, base, var, diff, lo, hi, pct, n]


class ScenarioFileTests(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.base = write(self.dir, "base.toml", BASE_TOML)
        os.mkdir(os.path.join(self.dir, "sg"))

    def tearDown(self):
        self.tmp.cleanup()

    def test_mistakes_are_the_marked_lines_with_their_table(self):
        self.assertEqual(sg.mistakes_of(self.base),
                         {"first_mail.to": "the posting address", "list.headers": "no list headers"})

    def test_a_file_cancels_only_mistakes_it_sets_to_another_value(self):
        f = write(self.dir, "sg/x.toml", """\
            # Safeguard: headers on
            extends = "../base.toml"
            name = "x"
            [list]
            headers = true
            envelope_sender = "owner"
            [first_mail]
            to = "list"
            """)
        d = sg.describe_safeguard(f, self.base)
        self.assertEqual(d["title"], "headers on")
        self.assertEqual(d["direction"], "added")
        # first_mail.to is set to the base's own value: not a change, not a cancellation.
        self.assertEqual(d["changed"], {"list.headers": True, "list.envelope_sender": "owner"})
        self.assertEqual(d["cancels"], ["list.headers"])

    def test_header_is_required_and_direction_checked(self):
        f = write(self.dir, "sg/y.toml", 'extends = "../base.toml"\n[list]\nheaders = true\n')
        with self.assertRaisesRegex(sg.CatalogueError, r"y\.toml:1: .*# Safeguard:"):
            sg.header_of(f)
        g = write(self.dir, "sg/z.toml", '# Safeguard: z\n# Direction: sideways\nextends = "../base.toml"\n')
        with self.assertRaisesRegex(sg.CatalogueError, r"z\.toml.*sideways"):
            sg.header_of(g)


class CompareCsvTests(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def write_csv(self, rows, header=sg.COMPARE_COLUMNS):
        path = os.path.join(self.dir, "compare.csv")
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(header)
            w.writerows(rows)
        return path

    def test_missing_column_is_an_error_naming_the_file(self):
        path = self.write_csv([], header=sg.COMPARE_COLUMNS[:-1])
        with self.assertRaisesRegex(sg.CatalogueError, r"compare\.csv:1: missing column\(s\) n"):
            sg.read_compare_csv(path)

    def test_bad_number_names_line_and_column(self):
        path = self.write_csv([["a", "complaints", 1, 2, "x", 0, 2, 100, 5]])
        with self.assertRaisesRegex(sg.CatalogueError, r"compare\.csv:2: column 'diff_mean': 'x'"):
            sg.read_compare_csv(path)

    def test_empty_percent_is_nan(self):
        path = self.write_csv([compare_row("a", "complaints", 0, 3, 1, 5)])
        t = sg.read_compare_csv(path)
        self.assertTrue(math.isnan(t["a"]["complaints"]["percent_change"]))
        self.assertEqual(t["a"]["complaints"]["diff_mean"], 3.0)

    def test_removed_direction_reverses_the_comparison(self):
        row = {"base_mean": 100.0, "variant_mean": 300.0, "diff_mean": 200.0, "diff_ci95_low": 150.0,
               "diff_ci95_high": 260.0, "percent_change": 200.0}
        e = sg.effect_of(row, "removed")
        self.assertEqual((e["diff"], e["low"], e["high"]), (-200.0, -260.0, -150.0))
        self.assertAlmostEqual(e["percent"], (100 - 300) / 300 * 100)
        a = sg.effect_of(row, "added")
        self.assertEqual((a["diff"], a["low"], a["high"], a["percent"]), (200.0, 150.0, 260.0, 200.0))


def entry(title, peak, total=0.0, direction="added"):
    eff = {"diff": peak, "low": peak - 1, "high": peak + 1, "percent": 0.0}
    return {"title": title, "direction": direction,
            "effects": {sg.RANK_OUTCOME: eff, "messages_total": dict(eff, diff=total)}}


class RankAndFormatTests(unittest.TestCase):
    def test_rank_by_peak_reduction_then_total_then_title_nan_last(self):
        es = [entry("c", 5.0), entry("a", -10.0, total=3.0), entry("b", -10.0, total=-7.0),
              entry("n", float("nan")), entry("d", -400.0), entry("e", -10.0, total=3.0)]
        self.assertEqual([e["title"] for e in sg.rank(es)], ["d", "b", "a", "e", "c", "n"])

    def test_numbers(self):
        self.assertEqual(sg.fmt_num(-1234.4), "-1,234")
        self.assertEqual(sg.fmt_num(56.78), "+56.8")
        self.assertEqual(sg.fmt_num(3.14159), "+3.14")
        self.assertEqual(sg.fmt_num(-0.01234), "-0.012")
        self.assertEqual(sg.fmt_num(0.0), "0")
        self.assertEqual(sg.fmt_num(float("nan")), "n/a")

    def test_effect_cell_bold_only_when_the_interval_excludes_zero(self):
        e = {"diff": -1234.0, "low": -1500.0, "high": -900.0, "percent": -45.2}
        self.assertEqual(sg.fmt_effect(e), "**-1,234 [-1,500, -900] (-45 %)**")
        e = {"diff": -12.0, "low": -30.0, "high": 6.0, "percent": -3.0}
        self.assertEqual(sg.fmt_effect(e), "-12.0 [-30.0, +6.00] (-3 %)")
        e = {"diff": 0.0, "low": 0.0, "high": 0.0, "percent": 0.0}
        self.assertEqual(sg.fmt_effect(e), "0 (identical)")
        e = {"diff": 4.0, "low": 1.0, "high": 7.0, "percent": float("nan")}
        self.assertEqual(sg.fmt_effect(e), "**+4.00 [+1.00, +7.00] (n/a %)**")


class EffectClassTests(unittest.TestCase):
    def test_no_effect_and_identical(self):
        zero = {"diff": 0.0, "low": 0.0, "high": 0.0, "percent": 0.0}
        wide = {"diff": 2.0, "low": -1.0, "high": 5.0, "percent": 1.0}
        sure = {"diff": 2.0, "low": 0.5, "high": 5.0, "percent": 1.0}
        self.assertTrue(sg.identical({"effects": {"a": zero, "b": zero}}))
        self.assertFalse(sg.identical({"effects": {"a": zero, "b": wide}}))
        self.assertTrue(sg.no_effect({"effects": {"a": zero, "b": wide}}))
        self.assertFalse(sg.no_effect({"effects": {"a": wide, "b": sure}}))


class DocumentTests(unittest.TestCase):
    """collect() and render() on a hand-made compare folder."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        d = self.tmp.name
        self.base = write(d, "base.toml", BASE_TOML)
        os.mkdir(os.path.join(d, "sg"))
        self.files = [
            write(d, "sg/t-weak.toml", '# Safeguard: weak one\nextends = "../base.toml"\nname = "w"\n'
                  '[list]\nenvelope_sender = "owner"\n'),
            write(d, "sg/t-headers.toml", '# Safeguard: headers\nextends = "../base.toml"\nname = "h"\n'
                  '[list]\nheaders = true\n'),
            write(d, "sg/t-gone.toml", '# Safeguard: kept alarm\n# Direction: removed\n# Explains itself.\n'
                  'extends = "../base.toml"\nname = "g"\n[first_mail]\nalarm = 0.5\n'),
        ]
        self.folder = os.path.join(d, "cmp")
        os.mkdir(self.folder)
        with open(os.path.join(self.folder, "compare.json"), "w") as f:
            json.dump({"format": "mailstorm-compare", "format_version": 1, "base": self.base,
                       "variants": [{"name": n, "file": p} for n, p in zip("whg", self.files)],
                       "replications": 10, "seed": 7, "mode": "reference", "outcomes": []}, f)
        rows = []
        # w: nothing changes; h: peak -600 (significant); g (removed): variant peak +900 => effect -900.
        for name, peak in (("w", (1000, 1000, 0, 0)), ("h", (1000, 400, -700, -500)), ("g", (1000, 1900, 800, 1000))):
            rows.append(compare_row(name, sg.RANK_OUTCOME, peak[0], peak[1], peak[2], peak[3]))
            for o in ("messages_total", "bounces_to_poster", "complaints"):
                rows.append(compare_row(name, o, 50, 50, 0, 0) if name == "w" else compare_row(name, o, 50, 40, -20, 0))
        with open(os.path.join(self.folder, "compare.csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(sg.COMPARE_COLUMNS)
            w.writerows(rows)

    def tearDown(self):
        self.tmp.cleanup()

    def test_table_ranked_and_annotated(self):
        base = {"file": self.base, "name": "base", "mistakes": sg.mistakes_of(self.base)}
        entries, run = sg.collect(base, self.files, self.folder)
        self.assertEqual((run["replications"], run["seed"]), (10, 7))
        doc = sg.render([(base, entries, run)], ["./mailstorm compare base.toml sg/t-*.toml"], "2000-06-24")
        self.assertIn("Generated on 2000-06-24 with:", doc)
        self.assertIn("Base means: sender_inbox_peak_per_hour 1,000, messages_total 50.0, "
                      "bounces_to_poster 50.0, complaints 50.0.", doc)
        self.assertIn("./mailstorm compare base.toml sg/t-*.toml", doc)
        rows = [line for line in doc.splitlines() if line.startswith("| ") and line[2].isdigit()]
        self.assertEqual([r.split(" | ")[2] for r in rows], ["`t-gone.toml`", "`t-headers.toml`", "`t-weak.toml`"])
        self.assertIn("kept alarm *(removed from the base)*", rows[0])
        self.assertIn("**-900 [-1,000, -800] (-47 %)**", rows[0])   # (1000 - 1900) / 1900
        self.assertTrue(rows[1].endswith("| `list.headers` |"))
        self.assertTrue(rows[2].endswith("| none |"))
        self.assertIn("0 (identical)", rows[2])
        self.assertIn("- `list.headers`: no list headers (cancelled by `t-headers.toml`)", doc)
        self.assertIn("- `first_mail.to`: the posting address (cancelled by none of these files)", doc)
        self.assertIn("says when it can act): `t-weak.toml`.", doc)
        self.assertNotIn("shuts his host down", doc)  # the base sets no shutdown
        self.assertNotIn("No difference at the 5 % level", doc)  # t-gone and t-headers do differ
        self.assertIn("Explains itself.", doc)
        self.assertIn('Changes: `first_mail.alarm = 0.5`.', doc)

    def test_the_peak_capped_by_the_shutdown_is_explained(self):
        with open(self.base, "a") as f:
            f.write("[sender]\nshutdown_host = true\nshutdown_after_messages_per_hour = 1000\n")
        base = {"file": self.base, "name": "base", "mistakes": {}}
        entries, run = sg.collect(base, self.files, self.folder)
        doc = sg.render([(base, entries, run)], [], "2000-06-24")
        self.assertIn("`sender.shutdown_after_messages_per_hour` = 1,000", doc)
        run["base_means"][sg.RANK_OUTCOME] = 999.0
        self.assertNotIn("shuts his host down", sg.render([(base, entries, run)], [], "2000-06-24"))

    def test_a_base_not_run_still_lists_its_files(self):
        base = {"file": self.base, "name": "base", "mistakes": {}}
        entries = [sg.describe_safeguard(f, self.base) for f in self.files]
        doc = sg.render([(base, entries, None)], ["cmd"], "2000-06-24")
        self.assertIn("Not run for this version of the document", doc)
        self.assertNotIn("| rank |", doc)
        for f in self.files:
            self.assertIn(f"### `{os.path.basename(f)}`", doc)

    def test_a_variant_missing_from_compare_csv_is_an_error(self):
        base = {"file": self.base, "name": "base", "mistakes": {}}
        extra = write(self.tmp.name, "sg/t-extra.toml", '# Safeguard: extra\nextends = "../base.toml"\n')
        with self.assertRaisesRegex(sg.CatalogueError, r"compare\.json: no variant for .*t-extra\.toml"):
            sg.collect(base, self.files + [extra], self.folder)


class CatalogueTests(unittest.TestCase):
    """The real catalogue in scenarios/safeguards/."""

    folder = os.path.join(REPO, "scenarios", "safeguards")

    def files(self):
        return sorted(os.path.join(self.folder, n) for n in os.listdir(self.folder) if n.endswith(".toml"))

    def test_every_file_extends_its_base_and_changes_something(self):
        bases = {b["prefix"]: os.path.normpath(os.path.join(REPO, b["file"])) for b in sg.BASES}
        files = self.files()
        self.assertGreaterEqual(len(files), 20)
        for path in files:
            with self.subTest(file=os.path.basename(path)):
                prefix = os.path.basename(path).split("-")[0]
                self.assertIn(prefix, bases, "file name must start with a base prefix")
                self.assertEqual(sg.extends_of(path), bases[prefix])
                d = sg.describe_safeguard(path, bases[prefix])
                self.assertTrue(d["changed"], "changes no setting of its base")
                self.assertTrue(any("Real" in line or "real" in line for line in d["description"]),
                                "the header must name the real setting it stands for")

    def test_the_document_lists_every_file(self):
        doc_path = os.path.join(REPO, "docs", "safeguards.md")
        with open(doc_path, encoding="utf-8") as f:
            doc = f.read()
        for path in self.files():
            self.assertIn(f"### `{os.path.basename(path)}`", doc,
                          f"docs/safeguards.md does not list {os.path.basename(path)}: "
                          "run python3 scripts/safeguards.py")


if __name__ == "__main__":
    unittest.main()
