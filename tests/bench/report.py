"""make bench, last step: one table of every figure the benches measured
in this run, from the file they appended to (BENCH_REPORT).

usage: report.py REPORT [OUT]   (OUT: also write the table there)

Each line of REPORT is tab-separated:
    section  metric  ours  peer_name  peer_value  unit  better=higher|lower  [goal=R]
ours and peer_value are the rounds of a figure, comma-separated, "fail"
for a round whose answers were wrong (it scores the worst there is: zero
when higher is better, infinitely much when lower is), or one word
("skipped", "failed", "timeout", "-" for no peer figure).  goal=R is what
ours/peer should reach: at least R when higher is better, at most R when
lower is.

The table gives each figure's median and [min..max] of its rounds, the
ratio of the medians (ours/peer), which way is better and which side of
it we are, and notes: a goal met or missed, rounds that failed, and a
figure whose rounds spread (max - min over the median) more than
NOISY is flagged as noisy.  No ratio is given when either median is not
above zero (a memory delta lost in the noise can come out negative).

Lines starting with "#" are notes, "# section<TAB>text", printed under
the table.  Lines "!idle section other-avg other-peak before steal load
wall verdict" come from tests/bench/idle.py; when any says "busy", the
table opens with a line saying the machine was not idle, with the
figures.
"""
import math
import sys

from benchlib import fmt

NOISY = 0.15


def number(text):
    try:
        v = float(text)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def rounds(text, better):
    """The rounds of a figure as numbers (a failed round scored as the
    worst), and how many failed; None when the field is a word."""
    parts = [p.strip() for p in text.split(",")]
    if not parts or not all(p == "fail" or number(p) is not None for p in parts):
        return None, 0
    worst = 0.0 if better == "higher" else math.inf
    return [worst if p == "fail" else number(p) for p in parts], parts.count("fail")


def median(v):
    s = sorted(v)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def fmt_ratio(r):
    if r >= 100:
        return f"{r:.0f}"
    if r >= 0.01:
        return f"{r:.2f}"
    return f"{r:.2g}"


class Figure:
    """One side of a row: its text for the table and what it adds to the notes."""

    def __init__(self, text, better):
        self.values, self.failed = rounds(text, better)
        self.word = text
        self.med = self.spread = None
        if self.values:
            self.med = median(self.values)
            lo, hi = min(self.values), max(self.values)
            if self.med and math.isfinite(self.med) and self.med > 0 and math.isfinite(hi):
                self.spread = (hi - lo) / self.med
            self.range = f"[{fmt(lo)}..{fmt(hi)}]" if len(self.values) > 1 else ""
        else:
            self.range = ""

    @property
    def usable(self):
        """A median that a ratio can be made of."""
        return self.med is not None and math.isfinite(self.med) and self.med > 0

    def text(self):
        if self.values is None:
            return self.word
        return fmt(self.med)        # "fail" when failed rounds make it infinite

    def notes(self, who):
        out = []
        if self.failed:
            out.append(f"{who}: {self.failed}/{len(self.values)} rounds failed")
        elif self.spread is not None and self.spread > NOISY:
            out.append(f"{who} noisy ({100 * self.spread:.0f}% spread)")
        return out


def idle_lines(idle, sections):
    """The opening lines about the machine's idleness; sections: those
    with figures in the table."""
    if not idle:
        return ["Idleness was not measured (benches run outside tests/bench/idle.py)."]
    watched = {f[1] for f in idle}
    unwatched = [s for s in sections if s not in watched]
    tail = [f"Idleness was not measured during: {', '.join(unwatched)}."] if unwatched else []
    busy = [f for f in idle if f[-1] == "busy"]
    if not busy:
        worst = max(float(f[2]) for f in idle)
        return [f"The machine was idle during every bench it watched (other processes used at "
                f"most {worst:.2f} CPU on average)."] + tail
    out = ["THE MACHINE WAS NOT IDLE: other processes took CPU time while these benches ran, so "
           "their figures are suspect:"]
    for f in busy:
        sec, avg, peak, before, steal, load, wall = f[1:8]
        out.append(f"  {sec}: {float(avg):.2f} CPU on average over {wall} s (peak {float(peak):.2f}),"
                   f" {float(before):.2f} just before it started, stolen {float(steal):.2f},"
                   f" load average {load} before")
    return out + tail


def main():
    if len(sys.argv) not in (2, 3):
        sys.stderr.write("usage: report.py REPORT [OUT]\n")
        return 2
    rows, notes, idle = [], [], []
    try:
        lines = open(sys.argv[1]).read().splitlines()
    except OSError as e:
        sys.stderr.write(f"report.py: {e}\n")
        return 1
    for line in lines:
        if not line.strip():
            continue
        f = line.split("\t")
        if f[0] == "!idle":
            if len(f) >= 9:
                idle.append(f)
            continue
        if f[0].startswith("#"):
            sec = f[0].lstrip("#").strip()
            notes.append(f"{sec}: {' '.join(f[1:]).strip()}" if sec else " ".join(f[1:]).strip())
            continue
        f += ["-"] * (7 - len(f))
        sec, metric, ours, peer, theirs, unit, better = f[:7]
        better = better.replace("better=", "") or "-"
        goal = None
        for extra in f[7:]:
            if extra.startswith("goal="):
                goal = number(extra[5:])
        o, p = Figure(ours, better), Figure(theirs, better)
        ratio = verdict = goal_text = "-"
        row_notes = o.notes("ours") + p.notes("peer's")
        if o.usable and p.usable and better in ("higher", "lower"):
            r = o.med / p.med
            ratio = fmt_ratio(r)
            if r == 1:
                verdict = "even"
            else:
                verdict = "ahead" if (r > 1) == (better == "higher") else "behind"
            if goal is not None:
                met = r >= goal if better == "higher" else r <= goal
                row_notes.insert(0, "goal met" if met else "goal missed")
        elif "skipped" in (ours, theirs):
            ratio = "skipped"
        elif o.failed or p.failed or "failed" in (ours, theirs):
            ratio = "failed"
            if goal is not None:
                row_notes.insert(0, "goal missed")
        if goal is not None:
            goal_text = (">=" if better == "higher" else "<=") + fmt_ratio(goal)
        rows.append([sec, metric, o.text(), o.range, peer, p.text(), p.range, unit, ratio,
                     goal_text, better, verdict, "; ".join(row_notes)])

    head = ["section", "metric", "ours", "[min..max]", "peer", "peer's", "[min..max]", "unit",
            "ours/peer", "goal", "better", "ours is", "notes"]
    right = {2, 5, 8}
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]

    def line(r):
        return "  ".join(str(c).rjust(w) if i in right else str(c).ljust(w)
                         for i, (c, w) in enumerate(zip(r, widths))).rstrip()

    sections = list(dict.fromkeys(r[0] for r in rows))
    out = [""] + idle_lines(idle, sections) + [
        "", "make bench: every figure of this run, the median of its rounds and [min..max]; a round "
        "whose answers were wrong", "scores zero (infinitely slow for latency) and counts as failed. "
        "ours/peer is the ratio of the medians; \"better\" is", "the direction that is good for the "
        f"metric, \"ours is\" which side we are on; \"noisy\": rounds spread over {100 * NOISY:.0f}% "
        "of the median.", "", line(head), line(["-" * w for w in widths])]
    last = None
    for r in rows:
        if last is not None and r[0] != last:
            out.append("")
        last = r[0]
        out.append(line(r))
    if not rows:
        out.append("(no figures: every bench skipped or failed)")
    if notes:
        out.append("")
        out += [f"  {n}" for n in notes]
    text = "\n".join(out) + "\n"
    sys.stdout.write(text)
    if len(sys.argv) == 3:
        try:
            with open(sys.argv[2], "w") as fh:
                fh.write(text)
        except OSError as e:
            sys.stderr.write(f"report.py: {e}\n")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
