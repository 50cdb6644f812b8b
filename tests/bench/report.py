"""make bench, last step: one table of every figure the benches measured
in this run, from the file they appended to (BENCH_REPORT).

usage: report.py REPORT [OUT]   (OUT: also write the table there)

Each line of REPORT is tab-separated:
    section  metric  ours  peer_name  peer_value  unit  better=higher|lower
ours and peer_value are numbers (the median of the bench's rounds) or a
word ("skipped", "failed", "timeout", "-" for no peer figure).  Lines
starting with "#" are notes, "# section<TAB>text", printed under the
table.  The ratio is ours/peer; "better" says which way is good for us,
and the last column whether ours is ahead or behind by that measure (a
direction only: no thresholds, the figures are as noisy as the machine).
No ratio is given when either figure is not above zero (a memory delta
lost in the noise of a busy machine can come out negative).
"""
import math
import sys


def number(text):
    try:
        v = float(text)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def fmt(v):
    if v is None:
        return None
    a = abs(v)
    if a >= 100 or v == int(v) and a >= 10:
        return f"{v:.0f}"
    if a >= 10:
        return f"{v:.1f}"
    if a >= 1:
        return f"{v:.2f}"
    if a == 0:
        return "0"
    return f"{v:.3g}"


def fmt_ratio(r):
    if r >= 100:
        return f"{r:.0f}"
    if r >= 0.01:
        return f"{r:.2f}"
    return f"{r:.2g}"


def main():
    if len(sys.argv) not in (2, 3):
        sys.stderr.write("usage: report.py REPORT [OUT]\n")
        return 2
    rows, notes = [], []
    try:
        lines = open(sys.argv[1]).read().splitlines()
    except OSError as e:
        sys.stderr.write(f"report.py: {e}\n")
        return 1
    for line in lines:
        if not line.strip():
            continue
        f = line.split("\t")
        if f[0].startswith("#"):
            sec = f[0].lstrip("#").strip()
            notes.append(f"{sec}: {' '.join(f[1:]).strip()}" if sec else " ".join(f[1:]).strip())
            continue
        f += ["-"] * (7 - len(f))
        sec, metric, ours, peer, theirs, unit, better = f[:7]
        better = better.replace("better=", "") or "-"
        o, p = number(ours), number(theirs)
        ratio = verdict = "-"
        if o is not None and p is not None and o > 0 and p > 0 and better in ("higher", "lower"):
            r = o / p
            ratio = fmt_ratio(r)
            if r == 1:
                verdict = "even"
            else:
                verdict = "ahead" if (r > 1) == (better == "higher") else "behind"
        elif "skipped" in (ours, theirs) or "failed" in (ours, theirs):
            ratio = "skipped" if "failed" not in (ours, theirs) else "failed"
        rows.append([sec, metric, fmt(o) or ours, peer, fmt(p) or theirs, unit, ratio,
                     better, verdict])

    head = ["section", "metric", "ours", "peer", "peer's", "unit", "ours/peer", "better",
            "ours is"]
    right = {2, 4, 6}
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]

    def line(r):
        return "  ".join(str(c).rjust(w) if i in right else str(c).ljust(w)
                         for i, (c, w) in enumerate(zip(r, widths))).rstrip()

    out = ["", "make bench: every figure of this run (each the median of its bench's rounds); "
           "ours/peer is ours divided by the peer's,", "\"better\" is the direction that is good "
           "for that metric, \"ours is\" which side of it we are on.", "",
           line(head), line(["-" * w for w in widths])]
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
