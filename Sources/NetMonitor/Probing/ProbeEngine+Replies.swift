import CNetShims
import Foundation
import NetworkAddress
import Synchronization

/// Reading replies and ICMP errors off the ICMP sockets (on the probe thread).
extension ProbeEngine {
    /// Reads every packet queued on `socket` (non-blocking, until EAGAIN) under one hold of the state lock,
    /// and the socket's error queue when `errorQueue` is set or a receive reports a pending socket error.
    /// Replies that fit `ICMPSocket.batchSlotBytes` are read up to `batchCapacity` per `recvmmsg` call.
    func drain(_ socket: ICMPSocket, errorQueue: Bool, _ run: inout Run) {
        let batched = run.repliesFitBatch
        self.state.withLock { state in
            var readErrors = errorQueue
            var rounds = 0
            while true {
                if readErrors {
                    while socket.receiveError({ self.handleQueuedError($0, &state, &run.events) }) {}
                    readErrors = false
                }
                if batched {
                    var received = 0
                    repeat {
                        received = socket.receiveBatch { packet, bytes in
                            if packet.stampedAtRead {
                                run.repliesStampedAtRead += 1
                                state.repliesStampedAtRead += 1
                            }
                            self.handleICMP(socket: socket, packet: packet, bytes: bytes, &state, &run.events)
                        }
                    } while received == ICMPSocket.batchCapacity
                    // A short batch emptied the queue.
                    if received >= 0 { break }
                } else {
                    while socket.receive({ packet, bytes in
                        if packet.stampedAtRead {
                            run.repliesStampedAtRead += 1
                            state.repliesStampedAtRead += 1
                        }
                        self.handleICMP(socket: socket, packet: packet, bytes: bytes, &state, &run.events)
                    }) {}
                }
                // A receive that failed with anything but EAGAIN reported a socket error (datagram sockets
                // with IP_RECVERR: an ICMP error about one of our probes); read the queue and go on.
                let code = errno
                rounds += 1
                if code == EAGAIN || code == EWOULDBLOCK || rounds > 3 { break }
                readErrors = true
            }
        }
    }

    private func handleICMP(
        socket: ICMPSocket, packet: ReceivedPacket, bytes: UnsafeRawBufferPointer, _ state: inout State,
        _ events: inout [ProbeEvent]
    ) {
        if let echo = ICMPEcho.ReplyFields(bytes, family: socket.family, verifyChecksum: socket.family == .v4) {
            guard let source = packet.source, let target = self.addressIndex[source] else { return }
            // Raw sockets see every program's replies; datagram sockets only their own (the kernel set the id).
            if socket.mode == .raw && echo.identifier != self.identifier { return }
            let cookieProbe: Int?
            switch self.payload.read(echo.payload) {
            case .foreign: return
            case .noCookie: cookieProbe = nil
            case .probe(let probe): cookieProbe = probe
            }
            let pendingBefore = state.ledgers[target].pendingCount
            let outcome = state.ledgers[target].recordReply(
                sequence: echo.sequence, cookieProbe: cookieProbe, at: packet.kernelTime,
                timeout: self.options.timeout)
            guard self.emitsEvents else { return }
            switch outcome {
            case .late(let probe) where state.ledgers[target].pendingCount < pendingBefore:
                // Answered after its timeout before the expiry ran: lost now, and said so once.
                events.append(.lost(target: target, probe: probe))
            case .answered(let probe, let rtt):
                events.append(
                    .reply(
                        ProbeReply(
                            target: target, probe: probe, rtt: rtt, bytes: bytes.count, ttl: packet.ttl,
                            isDuplicate: false)))
            case .duplicate(let probe, let rtt):
                events.append(
                    .reply(
                        ProbeReply(
                            target: target, probe: probe, rtt: rtt, bytes: bytes.count, ttl: packet.ttl,
                            isDuplicate: true)))
            case .late, .unmatched:
                return
            }
            return
        }
        guard case .error(let error) = try? ICMPMessage(decoding: bytes, family: socket.family),
            let destinationBytes = error.quotedDestination, let destination = IPAddress(bytes: destinationBytes),
            let target = self.addressIndex[destination], let sequence = error.quotedSequence
        else { return }
        if socket.mode == .raw && error.quotedIdentifier != self.identifier { return }
        let from = packet.source.map { " from \($0)" } ?? ""
        self.recordError(target: target, sequence: sequence, message: "\(error.description)\(from)", &state, &events)
    }

    private func handleQueuedError(_ error: QueuedICMPError, _ state: inout State, _ events: inout [ProbeEvent]) {
        guard let destination = error.destination, let target = self.addressIndex[destination],
            let sequence = error.sequence
        else { return }
        if case .foreign = self.payload.read(error.payload) { return }
        let description: String
        if let kind = error.kind {
            description =
                ICMPErrorMessage(
                    family: destination.family, kind: kind, code: error.code, quotedDestination: nil,
                    quotedIdentifier: nil,
                    quotedSequence: nil
                ).description
        } else {
            description = String(cString: strerror(error.errno))
        }
        let from = error.sender.map { " from \($0)" } ?? ""
        self.recordError(target: target, sequence: sequence, message: "\(description)\(from)", &state, &events)
    }

    private func recordError(
        target: Int, sequence: UInt16, message: String, _ state: inout State, _ events: inout [ProbeEvent]
    ) {
        state.errors[target][message, default: 0] += 1
        let probe = state.ledgers[target].probe(forSequence: sequence)
        events.append(.error(target: target, probe: probe, message: message))
    }
}
