"""Measuring a link from inside the sim's nodes (run with `sim exec`).

    linkprobe.py echo ADDR              UDP echo on ADDR port 7315; prints "ready"
    linkprobe.py ping ADDR N            N echo round trips, one at a time; prints
                                        a JSON list of RTTs in ms (lost: null)
    linkprobe.py sink ADDR QUIET        count UDP arriving on ADDR port 7316 until
                                        QUIET s pass without one; prints "ready",
                                        then JSON {"count", "bytes", "times"}
    linkprobe.py blast ADDR N SIZE PPS  send N datagrams of SIZE octets to ADDR
                                        port 7316, paced at PPS a second
"""
import json
import socket
import sys
import time

ECHO_PORT, SINK_PORT = 7315, 7316


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def echo(addr):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.bind((addr, ECHO_PORT))
    print("ready", flush=True)
    while True:
        data, peer = s.recvfrom(65535)
        s.sendto(data, peer)


def ping(addr, n):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.connect((addr, ECHO_PORT))
    s.settimeout(1.0)
    rtts = []
    for i in range(n):
        tag = b"%d" % i
        t0 = time.monotonic()
        s.send(tag)
        rtt = None
        deadline = t0 + 1.0
        while time.monotonic() < deadline:
            try:
                data = s.recv(100)
            except socket.timeout:
                break
            if data == tag:
                rtt = (time.monotonic() - t0) * 1000
                break
        rtts.append(rtt)
    print(json.dumps(rtts))


def sink(addr, quiet):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind((addr, SINK_PORT))
    print("ready", flush=True)
    count = size = 0
    times = []
    s.settimeout(30)   # the first datagram
    while True:
        try:
            data = s.recv(65535)
        except socket.timeout:
            break
        times.append(time.monotonic())
        count += 1
        size += len(data)
        s.settimeout(quiet)
    print(json.dumps({"count": count, "bytes": size, "times": times}))


def blast(addr, n, size, pps):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.connect((addr, SINK_PORT))
    payload = b"x" * size
    t0 = time.monotonic()
    for i in range(n):
        # Paced against the clock, so a late wakeup catches up.
        wait = t0 + i / pps - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        s.send(payload)
    print("sent", n, flush=True)


def main():
    mode, addr = sys.argv[1], sys.argv[2]
    if mode == "echo":
        echo(addr)
    elif mode == "ping":
        ping(addr, int(sys.argv[3]))
    elif mode == "sink":
        sink(addr, float(sys.argv[3]))
    elif mode == "blast":
        blast(addr, int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
