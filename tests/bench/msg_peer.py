"""dnspython's parse and build rates for one message (hex on the command
line), printed as two numbers for bench_msg.  Bounded: SECONDS (the
optional second argument, default 2) for each."""
import sys
import time

import dns.message

wire = bytes.fromhex(sys.argv[1])
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 2.0


def rate(fn):
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds and n < 1_000_000:
        for _ in range(100):
            fn()
        n += 100
    return n / (time.perf_counter() - t0)


msg = dns.message.from_wire(wire)
print(f"{rate(lambda: dns.message.from_wire(wire)):.0f} {rate(lambda: msg.to_wire()):.0f}")
