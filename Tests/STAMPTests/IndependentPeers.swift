import Foundation

/// STAMP peers written independently of netmon's code, in Python with its socket module, from the packet layouts of
/// RFC 8762 (with RFC 8972's SSID): the ground truth of the namespace tests. Each adds known delays and seeded losses
/// per direction by holding and dropping packets in user space (this kernel has no netem). The tests run them with
/// SCHED_FIFO (`chrt`), as `DelayResponder` runs itself: on a busy machine a peer held off the CPU would add its wait
/// to the delay it is meant to add exactly.
enum IndependentPeers {
    /// A reflector. Arguments: address port forward_delay_s reverse_delay_s forward_loss reverse_loss seed
    /// synchronised(0/1) stateful(0/1) idle_exit_s. Forward delay: it claims T2 = kernel receive time + delay. Reverse delay: it
    /// claims T3 = T2 and sends the answer at T3 + delay (sleeping, then spinning the last 0.5 ms). Forward loss: a
    /// dropped test packet is never counted. Reverse loss: a counted packet whose answer is never sent. Prints
    /// `ready`; once packets came and none did for idle_exit_s (or on SIGTERM), one JSON line with what it did, and
    /// exits.
    static let reflector = #"""
        import json, random, select, signal, socket, struct, sys, time

        address, port = sys.argv[1], int(sys.argv[2])
        forward_delay, reverse_delay = float(sys.argv[3]), float(sys.argv[4])
        forward_loss, reverse_loss = float(sys.argv[5]), float(sys.argv[6])
        rng = random.Random(int(sys.argv[7]))
        synchronised, stateful = sys.argv[8] == "1", sys.argv[9] == "1"
        idle_exit = float(sys.argv[10])
        SO_TIMESTAMPNS = 35  # asm-generic/socket.h; Python 3.11 has no constant for it
        IP_RECVTTL, IP_TTL = 12, 2  # linux/in.h, likewise
        NTP_UNIX = 2208988800

        def ntp(ns):
            seconds, rest = divmod(ns, 10**9)
            fraction = ((rest << 32) + 500000000) // 10**9
            if fraction >> 32:
                seconds, fraction = seconds + 1, 0
            return ((seconds + NTP_UNIX) & 0xFFFFFFFF) << 32 | fraction

        # S bit when synchronised; scale 0, multiplier 4: an error of 4 * 2^-32 s, about 1 ns.
        estimate = (0x8000 if synchronised else 0) | 4
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        sock.setsockopt(socket.IPPROTO_IP, IP_RECVTTL, 1)
        sock.bind((address, port))
        stats = {"received": 0, "dropped_forward": 0, "dropped_reverse": 0, "reflected": 0}
        counter = 0
        pending = []  # (send time ns, bytes, address)

        def finish(*_):
            print(json.dumps(stats), flush=True)
            sys.exit(0)

        signal.signal(signal.SIGTERM, finish)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM])
        print("ready", flush=True)
        last_packet = None
        while True:
            now = time.time_ns()
            if last_packet is not None and not pending and now - last_packet > idle_exit * 1e9:
                finish()
            wait = 0.2
            if pending:
                wait = max(0.0, (pending[0][0] - now) / 1e9 - 0.0005)
            readable, _, _ = select.select([sock], [], [], wait)
            if readable:
                data, ancillary, _, peer = sock.recvmsg(4096, 256)
                kernel, ttl = time.time_ns(), 255
                last_packet = kernel
                for level, kind, value in ancillary:
                    if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                        seconds, nanoseconds = struct.unpack("=qq", value[:16])
                        kernel = seconds * 10**9 + nanoseconds
                    elif level == socket.IPPROTO_IP and kind == IP_TTL:
                        ttl = struct.unpack("=i", value[:4])[0]
                if len(data) < 44:
                    continue
                stats["received"] += 1
                if rng.random() < forward_loss:
                    stats["dropped_forward"] += 1
                    continue
                sequence, sender_time, sender_estimate, ssid = struct.unpack(">IQHH", data[:16])
                number = counter if stateful else sequence
                counter += 1
                if rng.random() < reverse_loss:
                    stats["dropped_reverse"] += 1
                    continue
                t2 = kernel + int(forward_delay * 1e9)
                t3 = t2
                answer = struct.pack(
                    ">IQHHQIQHHB3x", number, ntp(t3), estimate, ssid, ntp(t2), sequence, sender_time,
                    sender_estimate, 0, ttl) + data[44:]
                pending.append((t3 + int(reverse_delay * 1e9), answer, peer))
                pending.sort(key=lambda entry: entry[0])
            while pending and time.time_ns() >= pending[0][0] - 500000:
                due, answer, peer = pending[0]
                while time.time_ns() < due:
                    pass
                sock.sendto(answer, peer)
                stats["reflected"] += 1
                pending.pop(0)
        """#

    /// A sender. Arguments: address port count interval_s forward_delay_s reverse_delay_s forward_loss reverse_loss
    /// seed padding key_hex ("-" for unauthenticated). Forward delay: T1 is read, then the packet waits that long
    /// before it leaves. Reverse delay: it claims T4 = kernel receive time + delay. Forward loss: a numbered packet
    /// that is never sent. Reverse loss: an answer it throws away. It checks every answer field by field and prints
    /// one JSON line of results.
    static let sender = #"""
        import hashlib, hmac, json, random, select, socket, statistics, struct, sys, time

        address, port = sys.argv[1], int(sys.argv[2])
        count, interval = int(sys.argv[3]), float(sys.argv[4])
        forward_delay, reverse_delay = float(sys.argv[5]), float(sys.argv[6])
        forward_loss, reverse_loss = float(sys.argv[7]), float(sys.argv[8])
        rng = random.Random(int(sys.argv[9]))
        padding = int(sys.argv[10])
        key = None if sys.argv[11] == "-" else bytes.fromhex(sys.argv[11])
        SO_TIMESTAMPNS = 35
        NTP_UNIX = 2208988800
        base = 44 if key is None else 112

        def ntp(ns):
            seconds, rest = divmod(ns, 10**9)
            fraction = ((rest << 32) + 500000000) // 10**9
            if fraction >> 32:
                seconds, fraction = seconds + 1, 0
            return ((seconds + NTP_UNIX) & 0xFFFFFFFF) << 32 | fraction

        def unix(value):
            seconds, fraction = value >> 32, value & 0xFFFFFFFF
            era = 1 << 32 if seconds & 0x80000000 == 0 else 0
            return (seconds + era - NTP_UNIX) * 10**9 + ((fraction * 10**9 + (1 << 31)) >> 32)

        def mac(data):
            return hmac.new(key, data[:96], hashlib.sha256).digest()[:16]

        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        sock.connect((address, port))
        sent_times, skipped, answers, problems = {}, set(), [], []
        dropped_reverse = 0
        estimate = 0x8000 | 4

        def drain(deadline):
            global dropped_reverse
            while True:
                left = (deadline - time.time_ns()) / 1e9
                readable, _, _ = select.select([sock], [], [], max(0.0, left))
                if not readable:
                    return
                data, ancillary, _, _ = sock.recvmsg(4096, 256)
                kernel = time.time_ns()
                for level, kind, value in ancillary:
                    if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                        seconds, nanoseconds = struct.unpack("=qq", value[:16])
                        kernel = seconds * 10**9 + nanoseconds
                if rng.random() < reverse_loss:
                    dropped_reverse += 1
                    continue
                answers.append((data, kernel + int(reverse_delay * 1e9)))

        start = time.time_ns() + 10**7
        for sequence in range(count):
            due = start + int(sequence * interval * 1e9)
            drain(due)
            if rng.random() < forward_loss:
                skipped.add(sequence)
                continue
            t1 = time.time_ns()
            packet = bytearray(base + padding)
            if key is None:
                struct.pack_into(">IQHH", packet, 0, sequence, ntp(t1), estimate, 0x1234)
            else:
                struct.pack_into(">I12xQHH", packet, 0, sequence, ntp(t1), estimate, 0x1234)
            if padding:
                struct.pack_into(">BBH", packet, base, 0, 1, padding - 4)
            if key is not None:
                packet[96:112] = mac(packet)
            sent_times[sequence] = (t1, bytes(packet))
            release = t1 + int(forward_delay * 1e9)
            time.sleep(max(0.0, (release - time.time_ns()) / 1e9 - 0.0005))
            while time.time_ns() < release:
                pass
            sock.send(packet)
        drain(time.time_ns() + 10**9)

        layout = (0, 4, 12, 14, 16, 24, 28, 36, 40) if key is None else (0, 16, 24, 26, 32, 48, 64, 72, 80)
        forward, reverse, numbers = [], [], {}
        for data, t4 in answers:
            if len(data) != base + padding:
                problems.append("length %d" % len(data))
                continue
            if key is not None and not hmac.compare_digest(mac(data), data[96:112]):
                problems.append("bad HMAC")
                continue
            (number,) = struct.unpack_from(">I", data, layout[0])
            (t3,) = struct.unpack_from(">Q", data, layout[1])
            (reflector_estimate,) = struct.unpack_from(">H", data, layout[2])
            (ssid,) = struct.unpack_from(">H", data, layout[3])
            (t2,) = struct.unpack_from(">Q", data, layout[4])
            (sequence,) = struct.unpack_from(">I", data, layout[5])
            (echoed_time,) = struct.unpack_from(">Q", data, layout[6])
            (echoed_estimate,) = struct.unpack_from(">H", data, layout[7])
            ttl = data[layout[8]]
            t1, packet = sent_times[sequence]
            if echoed_time != ntp(t1) or echoed_estimate != estimate or ssid != 0x1234:
                problems.append("echo of %d" % sequence)
            if data[base:] != packet[base:]:
                problems.append("TLVs of %d" % sequence)
            if not reflector_estimate & 0x8000 or reflector_estimate & 0xFF == 0:
                problems.append("estimate %04x" % reflector_estimate)
            numbers[sequence] = number
            forward.append((unix(t2) - t1) / 1e6)
            reverse.append((t4 - unix(t3)) / 1e6)
        # Forward loss as the reflector's counter shows it, up to the last packet it numbered.
        last = max(numbers, key=lambda s: numbers[s]) if numbers else -1
        counter_lost = (last + 1) - (numbers[last] + 1) if numbers else None
        skipped_in_window = len([s for s in skipped if s <= last])
        # A stateful reflector numbers each packet by how many reached it before.
        numbering = all(numbers[s] == s - len([k for k in skipped if k < s]) for s in numbers)
        print(json.dumps({
            "answers": len(answers), "problems": problems, "forward_median_ms": statistics.median(forward),
            "reverse_median_ms": statistics.median(reverse), "counter_forward_lost": counter_lost,
            "skipped_in_window": skipped_in_window, "skipped": len(skipped), "dropped_reverse": dropped_reverse,
            "ttls": sorted(set(data[layout[8]] for data, _ in answers)),
            "numbering_matches": numbering,
        }), flush=True)
        """#

    /// Writes `script` to a temporary file and returns its path.
    static func write(_ script: String, name: String) throws -> String {
        let path = NSTemporaryDirectory() + "netmon-stamp-\(getpid())-\(name).py"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
