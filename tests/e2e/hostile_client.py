"""Many questions to a resolver at once, for tests/e2e/test_hostile.py, run
in the lab's client namespace:

    python3 hostile_client.py < {"server": ADDR, "queries": [[name, type], ...],
                                 "window": N, "timeout": SECONDS}

Keeps at most `window` questions outstanding on one UDP socket (each
with its own ID), asks again after 4 s like a stub does, gives up after
`timeout`.  Prints one JSON list: per question [name, type, rcode or
null (no answer), answer [[owner, type, rdata], ...], authority and
additional [[owner, type, rdata], ...], seconds]."""
import json
import select
import socket
import sys
import time

import dns.exception
import dns.message
import dns.name
import dns.rdatatype

RETRY = 4.0


def rrs(section):
    return [[rr.name.to_text(), dns.rdatatype.to_text(rr.rdtype), rd.to_text()] for rr in section for rd in rr]


def main():
    spec = json.load(sys.stdin)
    server = (spec["server"], 53)
    queries = spec["queries"]
    window, timeout = spec["window"], spec["timeout"]
    assert len(queries) <= 65536
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.setblocking(False)
    results = [None] * len(queries)
    wires = {}
    pending = {}          # id -> (first sent, last sent)
    nxt = 0
    while nxt < len(queries) or pending:
        now = time.monotonic()
        while nxt < len(queries) and len(pending) < window:
            name, rdtype = queries[nxt]
            m = dns.message.make_query(name, rdtype)
            m.id = nxt % 65536
            wires[m.id] = m.to_wire()
            s.sendto(wires[m.id], server)
            pending[m.id] = (now, now)
            nxt += 1
        for qid, (first, last) in list(pending.items()):
            if now - first > timeout:
                name, rdtype = queries[qid]
                results[qid] = [name, rdtype, None, [], [], round(now - first, 3)]
                del pending[qid]
            elif now - last > RETRY:
                s.sendto(wires[qid], server)
                pending[qid] = (first, now)
        ready, _, _ = select.select([s], [], [], 0.05)
        if not ready:
            continue
        while True:
            try:
                data = s.recv(65535)
            except BlockingIOError:
                break
            try:
                r = dns.message.from_wire(data)
            except dns.exception.DNSException:
                continue
            if r.id not in pending:
                continue
            name, rdtype = queries[r.id]
            if not r.question or r.question[0].name != dns.name.from_text(name):
                continue
            first = pending.pop(r.id)[0]
            results[r.id] = [name, rdtype, r.rcode(),
                             rrs(r.answer), rrs(r.authority) + rrs(r.additional),
                             round(time.monotonic() - first, 3)]
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
