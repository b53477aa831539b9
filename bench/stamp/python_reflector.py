"""A minimal stateless STAMP reflector (RFC 8762 §4.3.1, unauthenticated) with the standard library only: the
comparison point of bench/stamp/run.sh. Receive timestamps from the kernel (SO_TIMESTAMPNS), T3 read before the
send. Usage: python_reflector.py ADDRESS PORT"""
import socket
import struct
import sys
import time

SO_TIMESTAMPNS = 35  # asm-generic/socket.h; Python 3.11 has no constant for it
NTP_UNIX = 2208988800


def ntp(ns):
    seconds, rest = divmod(ns, 10**9)
    return ((seconds + NTP_UNIX) & 0xFFFFFFFF) << 32 | ((rest << 32) // 10**9)


sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
sock.bind((sys.argv[1], int(sys.argv[2])))
while True:
    data, ancillary, _, peer = sock.recvmsg(2048, 64)
    if len(data) < 44:
        continue
    kernel = time.time_ns()
    for level, kind, value in ancillary:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
            seconds, nanoseconds = struct.unpack("=qq", value[:16])
            kernel = seconds * 10**9 + nanoseconds
    sequence, sender_time, estimate, ssid = struct.unpack(">IQHH", data[:16])
    answer = struct.pack(
        ">IQHHQIQHHB3x", sequence, ntp(time.time_ns()), 0x0001, ssid, ntp(kernel), sequence, sender_time,
        estimate, 0, 255)
    sock.sendto(answer + data[44:], peer)
