"""A query agent that lives in a lab's client network namespace, so that
tests ask from inside the simulated network and never from the machine's
own.  One request per line on stdin, one answer per line on stdout, JSON:
  {"server": ADDR, "port": 53, "wire": HEX, "tcp": false, "timeout": 5}
  -> {"wire": HEX} or {"error": "..."}
Raw sockets only: the test side builds and reads the messages."""
import json
import socket
import struct
import sys


def query(req):
    wire = bytes.fromhex(req["wire"])
    addr = (req["server"], req.get("port", 53))
    timeout = req.get("timeout", 5)
    if req.get("tcp"):
        with socket.create_connection(addr, timeout=timeout) as s:
            s.sendall(struct.pack("!H", len(wire)) + wire)
            n = struct.unpack("!H", s.recv(2, socket.MSG_WAITALL))[0]
            data = b""
            while len(data) < n:
                chunk = s.recv(n - len(data))
                if not chunk:
                    raise OSError("connection closed early")
                data += chunk
            return data
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.connect(addr)
        s.send(wire)
        while True:
            data = s.recv(65535)
            if data[:2] == wire[:2]:
                return data


for line in sys.stdin:
    try:
        out = {"wire": query(json.loads(line)).hex()}
    except Exception as e:  # reported to the test, which decides
        out = {"error": f"{type(e).__name__}: {e}"}
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
