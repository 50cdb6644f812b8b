"""Milliseconds from starting a server to its first right answer (the
zone's SOA, NOERROR: a server still loading may answer SERVFAIL or
REFUSED at once, which is not being up): the command line comes as
arguments, the address and port in PROBE=addr:port, the CPU to pin the
server to in SERVER_CPU.  Polls every 0.2 ms with a UDP query; gives up
after 5 s and prints "timeout"."""
import os
import socket
import subprocess
import sys
import time

import dns.message
import dns.rcode
import dns.rdatatype

addr, port = os.environ["PROBE"].rsplit(":", 1)
query = dns.message.make_query("example.com", "SOA").to_wire()
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.0002)
cpu = os.environ.get("SERVER_CPU")
pin = (lambda: os.sched_setaffinity(0, {int(cpu)})) if cpu else None
t0 = time.perf_counter()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     preexec_fn=pin)
ms = None
try:
    while time.perf_counter() - t0 < 5:
        s.sendto(query, (addr, int(port)))
        try:
            r = dns.message.from_wire(s.recv(4096))
        except (OSError, dns.exception.DNSException):
            continue
        if r.rcode() == dns.rcode.NOERROR and any(a.rdtype == dns.rdatatype.SOA for a in r.answer):
            ms = (time.perf_counter() - t0) * 1000
            break
finally:
    p.terminate()
    p.wait()
print(f"{ms:.1f}" if ms is not None else "timeout")
