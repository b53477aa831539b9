// Small C shims for what Swift cannot import from the Linux socket headers: the CMSG_* macros, and constants
// and structs that are macros or live in <linux/...> headers (SO_TIMESTAMPNS, ICMP_FILTER, ICMP6_FILTER).
// Every function is prefixed `CNetShims_`.
#ifndef CNETSHIMS_H
#define CNETSHIMS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <poll.h>
#include <malloc.h>  // malloc_trim, for WorkingSetTrim

// --- Control messages -------------------------------------------------------------------------------------
struct cmsghdr *CNetShims_CMSG_FIRSTHDR(const struct msghdr *msg);
struct cmsghdr *CNetShims_CMSG_NXTHDR(struct msghdr *msg, struct cmsghdr *cmsg);
unsigned char *CNetShims_CMSG_DATA(struct cmsghdr *cmsg);
size_t CNetShims_CMSG_SPACE(size_t payloadLength);
size_t CNetShims_CMSG_LEN(size_t payloadLength);

// --- Constants that are macros in the system headers --------------------------------------------------
int CNetShims_SO_TIMESTAMPNS(void);
int CNetShims_SCM_TIMESTAMPNS(void);
int CNetShims_IP_RECVERR(void);
int CNetShims_IPV6_RECVERR(void);
int CNetShims_IPV6_RECVPKTINFO(void);
int CNetShims_IPV6_PKTINFO(void);
int CNetShims_IP_PKTINFO(void);
int CNetShims_SO_EE_ORIGIN_ICMP(void);
int CNetShims_SO_EE_ORIGIN_ICMP6(void);
int CNetShims_IP_RECVTTL(void);
int CNetShims_IP_RECVTOS(void);
int CNetShims_IPV6_RECVHOPLIMIT(void);
int CNetShims_IPV6_RECVTCLASS(void);

// --- Helpers -------------------------------------------------------------------------------------------

/// Reads the kernel receive timestamp (SCM_TIMESTAMPNS) out of a control message into `out`. Returns 1 when the
/// message is one, else 0.
int CNetShims_readTimestampNS(struct cmsghdr *cmsg, struct timespec *out);

/// Reads `struct in6_pktinfo` (IPV6_PKTINFO) from a control message: 16 address bytes and the interface index.
/// Returns 1 when the message is one, else 0.
int CNetShims_readIPv6PacketInfo(struct cmsghdr *cmsg, uint8_t address[16], int *interfaceIndex);

/// Reads a received packet's TTL (IP_TTL, from IP_RECVTTL) or hop limit (IPV6_HOPLIMIT, from IPV6_RECVHOPLIMIT).
/// Returns 1 when the message is one, else 0.
int CNetShims_readHopLimit(struct cmsghdr *cmsg, int *value);

/// Reads a received packet's TOS byte (IP_TOS, from IP_RECVTOS) or traffic class (IPV6_TCLASS, from
/// IPV6_RECVTCLASS). Returns 1 when the message is one, else 0.
int CNetShims_readTrafficClass(struct cmsghdr *cmsg, int *value);

/// Writes one control message setting the TOS byte (IPv4, `isIPv6` 0) or traffic class (IPv6) of a sent datagram
/// into `buffer`; returns the control length, or 0 when `capacity` is too small.
size_t CNetShims_writeTrafficClass(void *buffer, size_t capacity, int isIPv6, int value);

/// The kernel clock discipline's view of the system clock (adjtimex with no modes set, nothing changed): its maximum
/// and estimated error in microseconds and its status word. Returns adjtimex's clock state (TIME_ERROR when the clock
/// is not synchronised) or -1 with errno set.
int CNetShims_clockState(int64_t *maximumErrorMicroseconds, int64_t *estimatedErrorMicroseconds, int32_t *status);
/// STA_UNSYNC of the adjtimex status word, and adjtimex's TIME_ERROR return value.
int CNetShims_STA_UNSYNC(void);
int CNetShims_TIME_ERROR(void);

/// Reads `struct in_pktinfo` (IP_PKTINFO): the header destination address (4 bytes). Returns 1 when it is one.
int CNetShims_readIPv4PacketInfo(struct cmsghdr *cmsg, uint8_t address[4]);

/// Writes one IPV6_PKTINFO control message selecting the source address into `buffer` (at least
/// CNetShims_CMSG_SPACE(sizeof(struct in6_pktinfo)) bytes) and returns the control length to put in msg_controllen.
size_t CNetShims_writeIPv6SourceInfo(void *buffer, size_t capacity, const uint8_t source[16]);

/// Writes one IP_PKTINFO control message whose ipi_spec_dst selects the source address (4 bytes); returns the
/// control length, or 0 when `capacity` is too small.
size_t CNetShims_writeIPv4SourceInfo(void *buffer, size_t capacity, const uint8_t source[4]);

/// Reads an extended socket error (IP_RECVERR / IPV6_RECVERR, `struct sock_extended_err`) from a control message.
/// Returns 1 when the message is one, else 0. `offenderAddress` gets the ICMP sender (4 or 16 bytes) when known.
int CNetShims_readExtendedError(
    struct cmsghdr *cmsg, uint32_t *errnoValue, uint8_t *origin, uint8_t *type, uint8_t *code,
    uint8_t offenderAddress[16], int *offenderFamily);

/// Sets ICMP_FILTER on a raw IPv4 ICMP socket so that only the ICMP types whose bit is set in `passMask` are
/// delivered (bit n = type n). Returns setsockopt's result.
int CNetShims_setICMPFilter(int fd, uint32_t passMask);

/// Sets ICMP6_FILTER on a raw ICMPv6 socket so that only the listed types are delivered. Returns setsockopt's result.
int CNetShims_setICMP6FilterPassOnly(int fd, const uint8_t *types, int count);

/// Sets the calling thread's timer slack (prctl PR_SET_TIMERSLACK) in nanoseconds. Returns prctl's result.
int CNetShims_setTimerSlack(unsigned long nanoseconds);

/// Moves the calling thread into the network namespace open at `fd` (setns CLONE_NEWNET). Returns setns's result.
int CNetShims_enterNetworkNamespace(int fd);

/// Gives the calling thread SCHED_FIFO real-time priority `priority` (1-99). Returns 0 on success, else errno.
int CNetShims_setRealtimePriority(int priority);

/// Creates a close-on-exec eventfd (counter 0), used to wake threads blocked in poll. Returns the fd or -1.
int CNetShims_eventfd(void);

/// ppoll with a relative timeout in nanoseconds (negative: wait forever). Returns ppoll's result.
int CNetShims_ppoll(struct pollfd *fds, unsigned long count, int64_t timeoutNanoseconds);

/// recvmmsg for callers that cannot see `struct mmsghdr` (a GNU extension): receives up to `count` (at most 64)
/// datagrams in one call into `headers[0..<count]`, each prepared like a recvmsg header. On return `lengths[i]`
/// holds each datagram's length and `headers[i]`'s name, control and flags lengths are updated. Returns the number
/// received, or -1 with errno set (EAGAIN when nothing was waiting on a non-blocking call).
int CNetShims_recvmmsg(int fd, struct msghdr *headers, unsigned int *lengths, unsigned int count, int flags);

#endif
