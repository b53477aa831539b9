/// A user-space UDP relay written for the tests (Python, independent of netmon): it stands between a STAMP sender and
/// a reflector and holds and drops packets per direction, since this kernel has no netem.
///
/// Arguments: listen_address listen_port upstream_address upstream_port forward_delay_s reverse_delay_s forward_loss
/// reverse_loss seed. A datagram from a client waits `forward_delay` (sleeping, then spinning the last 0.5 ms) and
/// goes to the upstream from a socket of that client's own (so a stateful reflector sees one session per client);
/// an answer waits `reverse_delay` and goes back to the client. Each direction drops its own seeded share. Prints
/// `ready`, and on SIGTERM one JSON line of what it did.
enum STAMPRelay {
    static let script = #"""
        import json, random, select, signal, socket, sys, time

        listen = (sys.argv[1], int(sys.argv[2]))
        upstream = (sys.argv[3], int(sys.argv[4]))
        delay = {"forward": float(sys.argv[5]), "reverse": float(sys.argv[6])}
        loss = {"forward": float(sys.argv[7]), "reverse": float(sys.argv[8])}
        rng = random.Random(int(sys.argv[9]))
        front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        front.bind(listen)
        backs = {}     # client address -> socket towards the upstream
        clients = {}   # back socket fd -> client address
        pending = []   # (due ns, direction, bytes, client)
        stats = {"forward": 0, "reverse": 0, "dropped_forward": 0, "dropped_reverse": 0}

        def finish(*_):
            print(json.dumps(stats), flush=True)
            sys.exit(0)

        signal.signal(signal.SIGTERM, finish)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM])
        print("ready", flush=True)
        while True:
            now = time.time_ns()
            wait = 0.2
            if pending:
                wait = max(0.0, (pending[0][0] - now) / 1e9 - 0.0005)
            readable, _, _ = select.select([front] + list(backs.values()), [], [], wait)
            for sock in readable:
                arrived = time.time_ns()
                data, peer = sock.recvfrom(65535)
                if sock is front:
                    direction, client = "forward", peer
                    if client not in backs:
                        back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                        back.connect(upstream)
                        backs[client] = back
                        clients[back.fileno()] = client
                else:
                    direction, client = "reverse", clients[sock.fileno()]
                stats[direction] += 1
                if rng.random() < loss[direction]:
                    stats["dropped_" + direction] += 1
                    continue
                pending.append((arrived + int(delay[direction] * 1e9), direction, data, client))
                pending.sort(key=lambda entry: entry[0])
            while pending and time.time_ns() >= pending[0][0] - 500000:
                due, direction, data, client = pending.pop(0)
                while time.time_ns() < due:
                    pass
                if direction == "forward":
                    backs[client].send(data)
                else:
                    front.sendto(data, client)
        """#
}
