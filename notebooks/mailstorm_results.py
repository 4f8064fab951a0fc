"""Reads mailstorm's result folders into pandas.

Python 3 standard library and pandas only. Three kinds of folder (README.md "Result files" and
the sweep/compare contracts):

- a run folder, written by ``mailstorm run SCENARIO --out DIR``: ``summary.json``,
  ``timeseries.csv`` and, with ``--cascade``, ``cascade.csv`` and ``contact_degrees.csv``;
- a sweep folder (``mailstorm sweep``): ``sweep.json``, ``summary.csv`` and
  ``runs/<point>/rep-<NNNN>/summary.json``;
- a compare folder (``mailstorm compare``): ``compare.json``, ``compare.csv`` and
  ``runs/<scenario name>/rep-<NNNN>/summary.json``.

    import mailstorm_results as mr
    run = mr.load_run("out/bestboy-2000")
    run.outcomes["forwards"], run.timeseries["sender_inbox"].resample("1h").sum()
    sweep = mr.load_sweep("out/sweep")        # sweep.summary, sweep.runs
    comp = mr.load_compare("out/compare")     # comp.table, comp.runs
    anything = mr.load("some/folder")         # whichever of the three it is

Besides the readers: ``mean_ci`` / ``paired_diff_ci`` (Student-t 95 % intervals, as the CLI
computes them) and ``mailstorm_binary`` / ``run_mailstorm`` to run the simulator from a notebook.
"""
from __future__ import annotations

import dataclasses
import json
import math
import os
import pathlib
import subprocess
import tempfile
from typing import Iterable, Optional, Sequence

import pandas as pd

__all__ = [
    "Run", "Sweep", "Comparison", "load_run", "load_sweep", "load_compare", "load", "runs_table",
    "mean_ci", "paired_diff_ci", "t975", "mailstorm_binary", "work_dir", "run_mailstorm",
]

SUMMARY_FORMAT = "mailstorm-summary"
SWEEP_FORMAT = "mailstorm-sweep"
COMPARE_FORMAT = "mailstorm-compare"

# The outcomes that are instants (ISO 8601 local times with offset, or null); every other scalar
# outcome is a number.
TIME_OUTCOMES = ("sender_inbox_peak_at", "uproar_peak_at", "sender_host_down_at", "operator_acted_at")


# ------------------------------------------------------------------------------- errors ------
class ResultsError(ValueError):
    """A folder or file that is not what mailstorm writes (names the path and what was expected)."""


def _read_json(path: pathlib.Path, expected_format: str) -> dict:
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except FileNotFoundError:
        raise ResultsError(f"{path}: no such file") from None
    except json.JSONDecodeError as e:
        raise ResultsError(f"{path}: not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})") from None
    if not isinstance(doc, dict) or doc.get("format") != expected_format:
        found = doc.get("format") if isinstance(doc, dict) else type(doc).__name__
        raise ResultsError(f"{path}: \"format\" is {found!r}, expected {expected_format!r}")
    return doc


def _read_csv(path: pathlib.Path, required: Sequence[str], **kwargs) -> pd.DataFrame:
    if not path.is_file():
        raise ResultsError(f"{path}: no such file")
    try:
        df = pd.read_csv(path, **kwargs)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as e:
        raise ResultsError(f"{path}: not a readable CSV file ({e})") from None
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise ResultsError(f"{path}: missing column(s) {', '.join(missing)}; "
                           f"found {', '.join(map(str, df.columns))}")
    return df


# --------------------------------------------------------------------------------- runs ------
@dataclasses.dataclass
class Run:
    """One ``mailstorm run --out DIR`` folder.

    summary      the whole summary.json (dict)
    outcomes     the numeric outcomes (Series, float; named as in summary.json)
    times        the instant outcomes (Series of tz-aware Timestamps, NaT when it never happened)
    messages_by_kind  envelopes created per message kind (Series)
    timeseries   timeseries.csv indexed by the bin's local start time (tz-aware, named "time");
                 bin_start_s stays a column
    hosts        summary.json's per-host figures, indexed by host name
    ledger       the conservation ledger (dict)
    start        the run's start (tz-aware Timestamp, the scenario's local offset)
    cascade      cascade.csv (DataFrame) or None when the run was not recorded with --cascade
    contact_degrees  contact_degrees.csv (DataFrame) or None
    """
    path: pathlib.Path
    summary: dict
    outcomes: pd.Series
    times: pd.Series
    messages_by_kind: pd.Series
    timeseries: pd.DataFrame
    hosts: pd.DataFrame
    ledger: dict
    start: pd.Timestamp
    cascade: Optional[pd.DataFrame]
    contact_degrees: Optional[pd.DataFrame]

    @property
    def scenario_name(self) -> str:
        return self.summary["scenario"]["name"]

    @property
    def settings(self) -> dict:
        return self.summary["scenario"]["settings"]

    def hours_after_start(self, key: str) -> float:
        """Hours from the run's start to the instant outcome `key` (NaN when it never happened)."""
        t = self.times[key]
        return float("nan") if pd.isna(t) else (t - self.start).total_seconds() / 3600.0


def numeric_outcomes(summary: dict) -> pd.Series:
    """The numeric outcomes of one summary.json (the names `mailstorm sweep`/`compare` tabulate)."""
    out = {k: float(v) for k, v in summary["outcomes"].items()
           if isinstance(v, (int, float)) and not isinstance(v, bool)}
    return pd.Series(out, dtype="float64", name="value")


def time_outcomes(summary: dict) -> pd.Series:
    values = {}
    for k, v in summary["outcomes"].items():
        if k in TIME_OUTCOMES or (isinstance(v, str) and k.endswith("_at")):
            values[k] = pd.Timestamp(v) if v else pd.NaT
    return pd.Series(values, dtype="object", name="time")


def read_summary(path) -> dict:
    """One summary.json, checked to be mailstorm's."""
    doc = _read_json(pathlib.Path(path), SUMMARY_FORMAT)
    for key in ("outcomes", "start", "scenario"):
        if key not in doc:
            raise ResultsError(f"{path}: no \"{key}\" in this summary.json")
    return doc


def load_run(directory) -> Run:
    """Reads a ``mailstorm run --out DIR`` folder."""
    d = pathlib.Path(directory)
    if not d.is_dir():
        raise ResultsError(f"{d}: not a folder (expected a mailstorm run folder with summary.json)")
    summary = read_summary(d / "summary.json")
    ts = _read_csv(d / "timeseries.csv", ["bin_start_s", "bin_start_local"])
    ts.index = pd.DatetimeIndex(pd.to_datetime(ts.pop("bin_start_local")), name="time")
    hosts = pd.DataFrame(summary.get("hosts", []))
    if "name" in hosts.columns:
        hosts = hosts.set_index("name")
    cascade = None
    if (d / "cascade.csv").is_file():
        cascade = _read_csv(d / "cascade.csv", ["message_id", "parent_id", "kind", "generation", "created_s"])
    degrees = None
    if (d / "contact_degrees.csv").is_file():
        degrees = _read_csv(d / "contact_degrees.csv", ["degree", "vertices"])
    by_kind = summary["outcomes"].get("messages_by_kind", {})
    return Run(path=d, summary=summary, outcomes=numeric_outcomes(summary), times=time_outcomes(summary),
               messages_by_kind=pd.Series(by_kind, dtype="float64", name="envelopes"),
               timeseries=ts, hosts=hosts, ledger=summary.get("ledger", {}),
               start=pd.Timestamp(summary["start"]), cascade=cascade, contact_degrees=degrees)


def runs_table(runs_dir, group_column: str = "group") -> pd.DataFrame:
    """Every RUNS_DIR/<group>/rep-*/summary.json (the layout of sweep and compare folders) as one
    row: the group (its folder under RUNS_DIR), replication, seed, scenario (its name in
    summary.json), every numeric outcome. Empty (with those first columns) when RUNS_DIR does not
    exist or holds no run."""
    runs_dir = pathlib.Path(runs_dir)
    rows = []
    if runs_dir.is_dir():
        for f in sorted(runs_dir.glob("**/rep-*/summary.json")):
            s = read_summary(f)
            row = {group_column: f.parent.parent.relative_to(runs_dir).as_posix(),
                   "replication": int(s.get("replication", -1)), "seed": s.get("seed"),
                   "scenario": s["scenario"].get("name")}
            row.update(numeric_outcomes(s).to_dict())
            rows.append(row)
    if not rows:
        return pd.DataFrame(columns=[group_column, "replication", "seed", "scenario"])
    return pd.DataFrame(rows).sort_values([group_column, "replication"], kind="stable").reset_index(drop=True)


# -------------------------------------------------------------------------------- sweeps -----
@dataclasses.dataclass
class Sweep:
    """A ``mailstorm sweep`` folder.

    info     sweep.json (dict)
    summary  summary.csv: one row per point and outcome (point, the sweep keys, outcome, mean, sd,
             ci95_low, ci95_high, min, max, n)
    runs     one row per run found under runs/: point, replication, seed, scenario, every numeric
             outcome (empty when the runs were not kept)
    """
    path: pathlib.Path
    info: dict
    summary: pd.DataFrame
    runs: pd.DataFrame

    @property
    def keys(self) -> list:
        return list(self.info.get("sweep_keys", []))

    def outcome(self, name: str) -> pd.DataFrame:
        """summary.csv's rows for one outcome, indexed by point."""
        rows = self.summary[self.summary["outcome"] == name]
        if rows.empty:
            raise KeyError(f"no outcome {name!r} in {self.path / 'summary.csv'}; "
                           f"outcomes: {', '.join(self.info.get('outcomes', []))}")
        return rows.set_index("point")


SWEEP_STAT_COLUMNS = ["mean", "sd", "ci95_low", "ci95_high", "min", "max", "n"]


def load_sweep(directory) -> Sweep:
    d = pathlib.Path(directory)
    info = _read_json(d / "sweep.json", SWEEP_FORMAT)
    keys = list(info.get("sweep_keys", []))
    # Point names and sweep values stay text (a value may be "open" or "90min").
    summary = _read_csv(d / "summary.csv", ["point", *keys, "outcome", *SWEEP_STAT_COLUMNS],
                        dtype={"point": str, "outcome": str, **{k: str for k in keys}})
    runs = runs_table(d / "runs", "point")
    return Sweep(path=d, info=info, summary=summary, runs=runs)


# ----------------------------------------------------------------------------- compares -----
@dataclasses.dataclass
class Comparison:
    """A ``mailstorm compare`` folder.

    info   compare.json (dict)
    table  compare.csv: variant, outcome, base_mean, variant_mean, diff_mean, diff_ci95_low,
           diff_ci95_high, percent_change, n
    runs   one row per run found under runs/: variant (its folder under runs/: compare.json's
           variant name, or the base's), replication, seed, scenario (the name in its
           summary.json), every numeric outcome
    """
    path: pathlib.Path
    info: dict
    table: pd.DataFrame
    runs: pd.DataFrame

    @property
    def variants(self) -> list:
        return [v["name"] for v in self.info.get("variants", [])]

    @property
    def base(self) -> Optional[str]:
        """The base's folder name under runs/ (the one run group that is not a variant)."""
        others = sorted(set(self.runs["variant"]) - set(self.variants))
        return others[0] if len(others) == 1 else None

    def paired(self, outcome: str) -> pd.DataFrame:
        """One outcome per replication (rows) and run group (columns: base first, then variants)."""
        wide = self.runs.pivot(index="replication", columns="variant", values=outcome)
        order = ([self.base] if self.base else []) + [v for v in self.variants if v in wide.columns]
        return wide[order]

    def outcome(self, name: str) -> pd.DataFrame:
        """compare.csv's rows for one outcome, indexed by variant."""
        rows = self.table[self.table["outcome"] == name]
        if rows.empty:
            raise KeyError(f"no outcome {name!r} in {self.path / 'compare.csv'}")
        return rows.set_index("variant")


COMPARE_COLUMNS = ["variant", "outcome", "base_mean", "variant_mean", "diff_mean", "diff_ci95_low",
                   "diff_ci95_high", "percent_change", "n"]


def load_compare(directory) -> Comparison:
    d = pathlib.Path(directory)
    info = _read_json(d / "compare.json", COMPARE_FORMAT)
    table = _read_csv(d / "compare.csv", COMPARE_COLUMNS, dtype={"variant": str, "outcome": str})
    runs = runs_table(d / "runs", "variant")
    return Comparison(path=d, info=info, table=table, runs=runs)


# ------------------------------------------------------------------------------ dispatch -----
def load(directory):
    """A run, sweep or compare folder, whichever it is (a Run, Sweep or Comparison)."""
    d = pathlib.Path(directory)
    if not d.is_dir():
        raise ResultsError(f"{d}: not a folder; expected a mailstorm run folder (summary.json), "
                           "sweep folder (sweep.json) or compare folder (compare.json)")
    if (d / "sweep.json").is_file():
        return load_sweep(d)
    if (d / "compare.json").is_file():
        return load_compare(d)
    if (d / "summary.json").is_file():
        return load_run(d)
    raise ResultsError(f"{d}: not a mailstorm results folder; expected summary.json (a run), "
                       "sweep.json (a sweep) or compare.json (a comparison)")


# ---------------------------------------------------------------------------- intervals -----
# Two-sided 95 % Student-t quantiles t(0.975, df) for df = 1..30 (standard tables); beyond 30 the
# Cornish-Fisher series around the normal quantile (Abramowitz & Stegun 26.7.5), as
# scripts/calibrate.py does.
_T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
         2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
         2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]


def t975(df: int) -> float:
    if df < 1:
        return float("nan")
    if df <= len(_T975):
        return _T975[df - 1]
    z = 1.959963984540054
    v = float(df)
    return (z + (z**3 + z) / (4 * v) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * v**2)
            + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * v**3))


def mean_ci(values: Iterable[float]) -> pd.Series:
    """Mean, sd, 95 % Student-t interval of the mean, n (NaN where undefined; missing values dropped)."""
    x = pd.Series(list(values), dtype="float64").dropna()
    n = len(x)
    mean = x.mean() if n else float("nan")
    sd = x.std(ddof=1) if n >= 2 else float("nan")
    half = t975(n - 1) * sd / math.sqrt(n) if n >= 2 else float("nan")
    return pd.Series({"mean": mean, "sd": sd, "ci95_low": mean - half, "ci95_high": mean + half, "n": n})


def paired_diff_ci(base: pd.Series, variant: pd.Series) -> pd.Series:
    """variant - base over the replications both have (Series indexed by replication):
    mean difference and its 95 % Student-t interval, the two means and the percent change."""
    both = pd.concat({"base": base, "variant": variant}, axis=1).dropna()
    d = mean_ci(both["variant"] - both["base"])
    bm, vm = both["base"].mean(), both["variant"].mean()
    return pd.Series({"base_mean": bm, "variant_mean": vm, "diff_mean": d["mean"],
                      "diff_ci95_low": d["ci95_low"], "diff_ci95_high": d["ci95_high"],
                      "percent_change": 100.0 * (vm - bm) / bm if bm else float("nan"), "n": d["n"]})


# ---------------------------------------------------------------------- running mailstorm ---
HERE = pathlib.Path(__file__).resolve().parent


def mailstorm_binary() -> pathlib.Path:
    """$MAILSTORM_BIN, else ../build/cli/mailstorm beside this folder; an error saying how to get it."""
    env = os.environ.get("MAILSTORM_BIN")
    path = pathlib.Path(env) if env else HERE.parent / "build" / "cli" / "mailstorm"
    if not (path.is_file() and os.access(path, os.X_OK)):
        how = "MAILSTORM_BIN" if env else "the default (no MAILSTORM_BIN set)"
        raise FileNotFoundError(f"mailstorm binary {path} ({how}) does not exist or is not executable: build it "
                                "(cmake --build build --target mailstorm) or set MAILSTORM_BIN")
    return path


def work_dir(name: str) -> pathlib.Path:
    """A fresh folder for a notebook's runs: $MAILSTORM_WORK/NAME (emptied first), else a new
    temporary folder."""
    base = os.environ.get("MAILSTORM_WORK")
    if not base:
        return pathlib.Path(tempfile.mkdtemp(prefix=f"mailstorm-{name}-"))
    d = pathlib.Path(base) / name
    if d.exists():
        import shutil
        shutil.rmtree(d)
    d.mkdir(parents=True)
    return d


def run_mailstorm(*args, check: bool = True) -> subprocess.CompletedProcess:
    """Runs the mailstorm CLI with these arguments; raises with its stderr when it fails."""
    cmd = [str(mailstorm_binary()), *map(str, args)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited with {proc.returncode}:\n{proc.stderr.strip()}")
    return proc
