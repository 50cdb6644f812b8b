"""dnspython's parse and build rates for one message (hex on the command
line), printed as two numbers for bench_msg.  Bounded: about 2 s each."""
import sys
import time

import dns.message

wire = bytes.fromhex(sys.argv[1])


def rate(fn):
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < 2.0 and n < 1_000_000:
        for _ in range(100):
            fn()
        n += 100
    return n / (time.perf_counter() - t0)


msg = dns.message.from_wire(wire)
print(f"{rate(lambda: dns.message.from_wire(wire)):.0f} {rate(lambda: msg.to_wire()):.0f}")
