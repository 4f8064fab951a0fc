#!/usr/bin/env python3
"""The catalogue of safeguards: runs `mailstorm compare` for each base scenario against its
safeguard files (scenarios/safeguards/<prefix>-*.toml) and writes docs/safeguards.md, one table
per base ranked by the safeguard's effect on the sender's inbox peak per hour, with the effect on
total messages, backscatter (bounces to the poster) and complaints, each a difference with its
95 % interval and percent change, and the mistakes of the base each safeguard cancels.

Python 3 standard library only (tomllib: Python 3.11, Debian 12).

    python3 scripts/safeguards.py [--mailstorm build/cli/mailstorm] [--seed 1]
                                  [--bestboy-replications 100] [--bedlam-replications 8]
                                  [--mode reference] [--work out/safeguards]
                                  [--doc docs/safeguards.md] [--no-run]

--no-run reuses the compare folders already in --work (to re-render the document).

Conventions of a safeguard file (checked here and by the CTest catalogue test):
  - its first line is `# Safeguard: <what it is>`;
  - a line `# Direction: removed` marks a file that takes away a safeguard its base already has
    (the effect reported is then base minus variant: what the safeguard is worth);
  - the other leading comment lines say what it does and which real setting it stands for;
  - it `extends` its base scenario and sets keys of the registry.
"Mistakes it cancels" is computed: the keys of the base file whose line carries a `MISTAKE`
comment that the safeguard file sets to another value.
"""
import argparse
import csv
import datetime as dt
import json
import math
import os
import re
import shlex
import subprocess
import sys
import tomllib

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The base scenarios and the prefix of their safeguard files.
BASES = [
    {"prefix": "bestboy", "file": "scenarios/bestboy-2000.toml", "replications_option": "bestboy_replications"},
    {"prefix": "bedlam", "file": "scenarios/bedlam-dl3-1997.toml", "replications_option": "bedlam_replications"},
]

# The outcomes of the table, in column order: (summary.json outcome, column heading).
RANK_OUTCOME = "sender_inbox_peak_per_hour"
OUTCOMES = [
    (RANK_OUTCOME, "sender's inbox peak (msgs/h)"),
    ("messages_total", "messages in all"),
    ("bounces_to_poster", "backscatter (bounces to the poster)"),
    ("complaints", "complaints"),
]

# Base means printed above each table (when compare.csv has them), so a reader can see why a
# threshold never fired (e.g. fewer posts accepted than a daily threshold).
CONTEXT_OUTCOMES = [RANK_OUTCOME, "messages_total", "bounces_to_poster", "complaints",
                    "list_posts_attempted", "list_posts_accepted", "replies_to_list", "autoreplies",
                    "bounces_to_owner"]

COMPARE_COLUMNS = ["variant", "outcome", "base_mean", "variant_mean", "diff_mean", "diff_ci95_low",
                   "diff_ci95_high", "percent_change", "n"]


class CatalogueError(Exception):
    """A problem with an input file; the message names the file."""


# ------------------------------------------------------------------------ scenario files ----
def _flatten(table, prefix=""):
    out = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = value
    return out


RESERVED = {"extends", "name", "description"}


def own_settings(path):
    """The settings a scenario file itself writes ({"list.headers": True, ...}), without
    `extends`, `name`, `description` and the [sweep]/[expect] tables."""
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise CatalogueError(f"{path}: {e}") from e
    data = {k: v for k, v in data.items() if k not in RESERVED and k not in ("sweep", "expect")}
    return _flatten(data)


def extends_of(path):
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise CatalogueError(f"{path}: {e}") from e
    ext = data.get("extends")
    if ext is None:
        return None
    return os.path.normpath(os.path.join(os.path.dirname(path), ext))


def resolved_settings(path, depth=0):
    """Settings written along the `extends` chain (later files override); registry defaults are
    not known here, so a key no file writes is absent."""
    if depth > 16:
        raise CatalogueError(f"{path}: extends chain deeper than 16")
    base = extends_of(path)
    settings = resolved_settings(base, depth + 1) if base else {}
    settings.update(own_settings(path))
    return settings


MISTAKE_LINE = re.compile(r"^\s*([A-Za-z0-9_]+)\s*=\s*(.*?)\s*#\s*MISTAKE\b[:\s]*(.*)$")
TABLE_LINE = re.compile(r"^\s*\[([A-Za-z0-9_.]+)\]\s*(#.*)?$")


def mistakes_of(path):
    """{setting: explanation} for every line of `path` whose comment starts with MISTAKE."""
    mistakes = {}
    table = ""
    with open(path, encoding="utf-8") as f:
        for line in f:
            t = TABLE_LINE.match(line)
            if t:
                table = t.group(1) + "."
                continue
            m = MISTAKE_LINE.match(line)
            if m:
                mistakes[table + m.group(1)] = m.group(3).strip()
    return mistakes


def header_of(path):
    """(safeguard title, direction, description lines) from the leading comment block."""
    title, direction, lines = None, "added", []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.startswith("#"):
                break
            text = line[1:].strip()
            if text.startswith("Safeguard:"):
                title = text[len("Safeguard:"):].strip()
            elif text.startswith("Direction:"):
                direction = text[len("Direction:"):].strip()
            else:
                lines.append(text)
    if not title:
        raise CatalogueError(f"{path}:1: the first comment line must be '# Safeguard: <what it is>'")
    if direction not in ("added", "removed"):
        raise CatalogueError(f"{path}: '# Direction: {direction}': allowed are 'added' (default) and 'removed'")
    return title, direction, lines


def describe_safeguard(path, base_path):
    """Everything the document says about one safeguard file that does not come from runs."""
    title, direction, lines = header_of(path)
    base_settings = resolved_settings(base_path)
    changed = {k: v for k, v in own_settings(path).items() if base_settings.get(k, object()) != v}
    mistakes = mistakes_of(base_path)
    cancels = [k for k in mistakes if k in changed]
    return {"file": path, "title": title, "direction": direction, "description": lines,
            "changed": changed, "cancels": cancels}


# -------------------------------------------------------------------------- compare.csv -----
def _number(text, path, line, column):
    text = (text or "").strip()
    if text == "" or text.lower() in ("nan", "na", "n/a", "null"):
        return float("nan")
    try:
        return float(text)
    except ValueError:
        raise CatalogueError(f"{path}:{line}: column '{column}': '{text}' is not a number") from None


def read_compare_csv(path):
    """{variant: {outcome: row}} with numeric fields as floats (NaN when empty)."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = [c for c in COMPARE_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise CatalogueError(f"{path}:1: missing column(s) {', '.join(missing)}; "
                                 f"expected {','.join(COMPARE_COLUMNS)}")
        table = {}
        for row in reader:
            line = reader.line_num
            parsed = {c: _number(row[c], path, line, c) for c in COMPARE_COLUMNS[2:]}
            table.setdefault(row["variant"], {})[row["outcome"]] = parsed
    return table


def effect_of(row, direction):
    """The safeguard's effect (with it minus without it) on one outcome: diff, interval, percent.
    For a file that removes a safeguard the comparison is reversed."""
    if direction == "added":
        return {"diff": row["diff_mean"], "low": row["diff_ci95_low"], "high": row["diff_ci95_high"],
                "percent": row["percent_change"], "without": row["base_mean"], "with": row["variant_mean"]}
    without, with_ = row["variant_mean"], row["base_mean"]
    percent = (with_ - without) / without * 100.0 if without else float("nan")
    return {"diff": -row["diff_mean"], "low": -row["diff_ci95_high"], "high": -row["diff_ci95_low"],
            "percent": percent, "without": without, "with": with_}


def rank(entries):
    """Entries (dicts with "effects" {outcome: effect} and "title") ranked by their effect on the
    sender's inbox peak, most reduced first; ties by total messages, then by title."""
    def key(e):
        peak = e["effects"][RANK_OUTCOME]["diff"]
        total = e["effects"].get("messages_total", {"diff": 0.0})["diff"]
        return (math.inf if math.isnan(peak) else peak, math.inf if math.isnan(total) else total, e["title"])
    return sorted(entries, key=key)


# ------------------------------------------------------------------------------ format ------
def fmt_num(x):
    if math.isnan(x):
        return "n/a"
    if x == 0:
        return "0"
    a = abs(x)
    if a >= 100:
        s = f"{a:,.0f}"
    elif a >= 10:
        s = f"{a:.1f}"
    elif a >= 1:
        s = f"{a:.2f}"
    else:
        s = f"{a:.2g}"
    return ("-" if x < 0 else "+") + s


def fmt_effect(e):
    """'-1,234 [-1,500, -900] (-45 %)'; an interval that excludes 0 is bold."""
    if all(not math.isnan(v) and v == 0 for v in (e["diff"], e["low"], e["high"])):
        return "0 (identical)"
    interval = f"[{fmt_num(e['low'])}, {fmt_num(e['high'])}]"
    p = e["percent"]
    percent = "n/a %" if math.isnan(p) or math.isinf(p) else f"{p:+.0f} %"
    text = f"{fmt_num(e['diff'])} {interval} ({percent})"
    if significant(e):
        text = f"**{text}**"
    return text


def significant(e):
    return not math.isnan(e["low"]) and not math.isnan(e["high"]) and (e["low"] > 0 or e["high"] < 0)


def no_effect(entry):
    return all(not significant(e) for e in entry["effects"].values())


def identical(entry):
    return all(e["diff"] == 0 and e["low"] == 0 and e["high"] == 0 for e in entry["effects"].values())


def md_cell(text):
    return text.replace("|", "\\|")


def base_section(base, entries, run):
    """Markdown for one base scenario: the ranked table, the mistakes, and the files."""
    out = []
    rel = os.path.relpath(base["file"], REPO)
    out.append(f"## {base['name']} (`{rel}`)\n")
    if run is None:
        out.append("Not run for this version of the document: its command is at the top. The files "
                   "are described below.\n")
        return out
    out.append(f"{run['replications']} replications, seed {run['seed']}, mode {run['mode']}; "
               f"compare folder `{run['folder']}`.\n")
    means = [f"{o} {fmt_num(run['base_means'][o]).lstrip('+')}" for o in CONTEXT_OUTCOMES
             if o in run.get("base_means", {})]
    if means:
        out.append("Base means: " + ", ".join(means) + ".\n")
    heads = ["rank", "safeguard", "file"] + [h for _, h in OUTCOMES] + ["mistakes it cancels"]
    out.append("| " + " | ".join(heads) + " |")
    out.append("|" + "---|" * len(heads))
    for i, e in enumerate(rank(entries), 1):
        title = e["title"] + (" *(removed from the base)*" if e["direction"] == "removed" else "")
        cells = [str(i), title, f"`{os.path.basename(e['file'])}`"]
        cells += [fmt_effect(e["effects"][o]) for o, _ in OUTCOMES]
        cells.append(", ".join(f"`{k}`" for k in e["cancels"]) or "none")
        out.append("| " + " | ".join(md_cell(c) for c in cells) + " |")
    out.append("")
    cap = shutdown_cap(base, run)
    if cap:
        out.append(f"The base's inbox peak is the level at which the sender shuts his host down "
                   f"(`sender.shutdown_after_messages_per_hour` = {cap:,}): while he still does, a "
                   f"safeguard cannot lower the peak unless it keeps the mail below that level, and "
                   f"the ranking falls to total messages.\n")
    mistakes = base["mistakes"]
    if mistakes:
        out.append(f"Mistakes marked `MISTAKE` in `{rel}`:\n")
        for key, why in mistakes.items():
            cancelled_by = [os.path.basename(e["file"]) for e in entries if key in e["cancels"]]
            by = ", ".join(f"`{f}`" for f in cancelled_by) or "none of these files"
            out.append(f"- `{key}`: {why} (cancelled by {by})")
    else:
        out.append(f"`{rel}` marks no line with `MISTAKE`.")
    out.append("")
    flat = [e for e in entries if identical(e)]
    weak = [e for e in entries if no_effect(e) and not identical(e)]
    if flat:
        out.append("Every replication identical to the base on all four outcomes (the file's comment, "
                   "below, says when it can act): "
                   + ", ".join(f"`{os.path.basename(e['file'])}`" for e in flat) + ".")
    if weak:
        out.append("No difference at the 5 % level on any of the four outcomes: "
                   + ", ".join(f"`{os.path.basename(e['file'])}`" for e in weak) + ".")
    out.append("")
    return out


def shutdown_cap(base, run):
    """The sender's shutdown threshold when the base's mean inbox peak equals it, else None."""
    settings = resolved_settings(base["file"])
    cap = settings.get("sender.shutdown_after_messages_per_hour")
    peak = run.get("base_means", {}).get(RANK_OUTCOME)
    if settings.get("sender.shutdown_host") is True and cap is not None and peak == cap:
        return cap
    return None


def files_section(all_entries):
    out = ["## The safeguard files\n",
           "Each file's own comment (what it does, why it may not fire, the real setting it stands "
           "for) and the settings it changes relative to its base.\n"]
    for e in sorted(all_entries, key=lambda e: os.path.basename(e["file"])):
        name = os.path.basename(e["file"])
        out.append(f"### `{name}`: {e['title']}" + (" (removed from the base)" if e["direction"] == "removed" else ""))
        out.append("")
        out.append(" ".join(line for line in e["description"] if line) or "(no description)")
        out.append("")
        settings = ", ".join(f"`{k} = {json.dumps(v)}`" for k, v in e["changed"].items())
        out.append(f"Changes: {settings or 'nothing (a no-op)'}.")
        out.append("")
    return out


def render(sections, commands, generated_on):
    """The whole document. sections: [(base, entries, run)]."""
    out = ["# The catalogue of safeguards", "",
           "Generated by `python3 scripts/safeguards.py` from the files in `scenarios/safeguards/`; "
           "do not edit by hand.", "",
           f"Generated on {generated_on} with:", "", "```sh"]
    out += commands
    out += ["```", "",
            "Each safeguard file `extends` its base scenario and switches one safeguard (see its "
            "comment for the real setting it stands for). `mailstorm compare` runs the base and "
            "every variant on common random numbers (replication r of every variant uses the same "
            "seed and replication), so each cell is the mean over replications of the paired "
            "difference *with the safeguard minus without it*, its 95 % interval, and the percent "
            "change of the mean. **Bold**: the interval excludes 0 (a difference at the 5 % level). "
            "\"0 (identical)\": every replication gave exactly the base's figure. Rows are ranked by "
            "the effect on the sender's inbox peak (messages per hour), largest reduction first, ties by "
            "the effect on messages in all.", "",
            "A file marked *(removed from the base)* takes away a safeguard the base already has (the "
            "base would otherwise have nothing to switch on); its row is reversed so that it too "
            "reads \"with the safeguard minus without\", and its percent is relative to the run "
            "without it.", "",
            "\"Mistakes it cancels\" is computed: the settings of the base marked `MISTAKE` that "
            "the safeguard file sets to another value. A safeguard can reduce a storm without "
            "cancelling a mistake (it acts later in the chain), and can cancel one without "
            "effect (another mistake still lets the mail through).", ""]
    all_entries = []
    for base, entries, run in sections:
        out += base_section(base, entries, run)
        all_entries += entries
    out += files_section(all_entries)
    return "\n".join(out).rstrip() + "\n"


# ------------------------------------------------------------------------------- runs -------
def safeguard_files(prefix, folder):
    names = sorted(n for n in os.listdir(folder) if n.startswith(prefix + "-") and n.endswith(".toml"))
    return [os.path.join(folder, n) for n in names]


def compare_command(mailstorm, base_file, files, replications, seed, mode, folder):
    cmd = [mailstorm, "compare", base_file, *files, "--replications", str(replications),
           "--seed", str(seed), "--out", folder]
    if mode != "reference":
        cmd += ["--mode", mode]
    return cmd


def display_command(cmd, n_files, prefix):
    """The compare command as a reader would type it from the repository's root: paths relative
    to it, the safeguard files as their glob."""
    rel = [os.path.relpath(c, REPO) if os.path.isabs(c) else c for c in cmd]
    if rel[0].startswith(".."):  # a mailstorm outside the repository: as if on PATH
        rel[0] = "mailstorm"
    elif not rel[0].startswith("/"):
        rel[0] = "./" + rel[0]
    words = rel[:3] + [f"scenarios/safeguards/{prefix}-*.toml"] + rel[3 + n_files:]
    return " ".join(w if "*" in w else shlex.quote(w) for w in words)


def collect(base, files, folder):
    """Entries for one base from its compare folder."""
    with open(os.path.join(folder, "compare.json"), encoding="utf-8") as f:
        meta = json.load(f)
    table = read_compare_csv(os.path.join(folder, "compare.csv"))
    entries = []
    by_file = {os.path.realpath(os.path.join(REPO, v["file"]) if not os.path.isabs(v["file"]) else v["file"]):
               v["name"] for v in meta["variants"]}
    for path in files:
        name = by_file.get(os.path.realpath(path))
        if name is None:
            raise CatalogueError(f"{folder}/compare.json: no variant for {path}")
        if name not in table:
            raise CatalogueError(f"{folder}/compare.csv: no rows for variant '{name}' ({path})")
        entry = describe_safeguard(path, base["file"])
        rows = table[name]
        for outcome, _ in OUTCOMES:
            if outcome not in rows:
                raise CatalogueError(f"{folder}/compare.csv: variant '{name}' has no outcome '{outcome}'")
        entry["effects"] = {o: effect_of(rows[o], entry["direction"]) for o, _ in OUTCOMES}
        entries.append(entry)
    base_means = {}
    for rows in table.values():
        for outcome, row in rows.items():
            base_means.setdefault(outcome, row["base_mean"])
    run = {"replications": meta["replications"], "seed": meta["seed"], "mode": meta.get("mode", "reference"),
           "folder": os.path.relpath(folder, REPO), "base_means": base_means}
    return entries, run


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mailstorm", default=os.path.join(REPO, "build", "cli", "mailstorm"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--bestboy-replications", type=int, default=100)
    ap.add_argument("--bedlam-replications", type=int, default=8)
    ap.add_argument("--mode", default="reference", choices=["reference", "fast"])
    ap.add_argument("--work", default=os.path.join(REPO, "out", "safeguards"))
    ap.add_argument("--doc", default=os.path.join(REPO, "docs", "safeguards.md"))
    ap.add_argument("--no-run", action="store_true", help="reuse the compare folders in --work")
    ap.add_argument("--skip", action="append", default=[], choices=[b["prefix"] for b in BASES],
                    help="do not run this base (its section then says so and gives the command)")
    args = ap.parse_args(argv)

    folder = os.path.join(REPO, "scenarios", "safeguards")
    sections, commands = [], []
    try:
        for base in BASES:
            base = dict(base)
            base["file"] = os.path.join(REPO, base["file"])
            base["name"] = tomllib.load(open(base["file"], "rb")).get("name", base["prefix"])
            base["mistakes"] = mistakes_of(base["file"])
            files = safeguard_files(base["prefix"], folder)
            if not files:
                continue
            out = os.path.join(args.work, base["prefix"])
            cmd = compare_command(args.mailstorm, base["file"], files,
                                  getattr(args, base["replications_option"]), args.seed, args.mode, out)
            commands.append(display_command(cmd, len(files), base["prefix"]))
            if base["prefix"] in args.skip:
                sections.append((base, [describe_safeguard(f, base["file"]) for f in files], None))
                continue
            if not args.no_run:
                print("running:", " ".join(shlex.quote(c) for c in cmd), file=sys.stderr, flush=True)
                result = subprocess.run(cmd)
                if result.returncode != 0:
                    print(f"error: mailstorm compare for {base['name']} exited with {result.returncode}",
                          file=sys.stderr)
                    return 1
            entries, run = collect(base, files, out)
            sections.append((base, entries, run))
    except CatalogueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    text = render(sections, commands, dt.date.today().isoformat())
    tmp = args.doc + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, args.doc)
    print(f"wrote {os.path.relpath(args.doc, REPO)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
