#define _GNU_SOURCE
#include "CNetShims.h"

#include <errno.h>
#include <linux/errqueue.h>
#include <linux/icmp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/timex.h>

// glibc declares in6_pktinfo only under _GNU_SOURCE, which module imports ignore: declare the kernel layout here.
struct CNetShims_in6_pktinfo {
    struct in6_addr ipi6_addr;
    unsigned int ipi6_ifindex;
};
_Static_assert(sizeof(struct CNetShims_in6_pktinfo) == 20, "in6_pktinfo layout");
_Static_assert(sizeof(struct sock_extended_err) == 16, "sock_extended_err layout");

struct cmsghdr *CNetShims_CMSG_FIRSTHDR(const struct msghdr *msg) { return CMSG_FIRSTHDR(msg); }
struct cmsghdr *CNetShims_CMSG_NXTHDR(struct msghdr *msg, struct cmsghdr *cmsg) { return CMSG_NXTHDR(msg, cmsg); }
unsigned char *CNetShims_CMSG_DATA(struct cmsghdr *cmsg) { return CMSG_DATA(cmsg); }
size_t CNetShims_CMSG_SPACE(size_t payloadLength) { return CMSG_SPACE(payloadLength); }
size_t CNetShims_CMSG_LEN(size_t payloadLength) { return CMSG_LEN(payloadLength); }

int CNetShims_SO_TIMESTAMPNS(void) { return SO_TIMESTAMPNS; }
int CNetShims_SCM_TIMESTAMPNS(void) { return SCM_TIMESTAMPNS; }
int CNetShims_IP_RECVERR(void) { return IP_RECVERR; }
int CNetShims_IPV6_RECVERR(void) { return IPV6_RECVERR; }
int CNetShims_IPV6_RECVPKTINFO(void) { return IPV6_RECVPKTINFO; }
int CNetShims_IPV6_PKTINFO(void) { return IPV6_PKTINFO; }
int CNetShims_IP_PKTINFO(void) { return IP_PKTINFO; }
int CNetShims_SO_EE_ORIGIN_ICMP(void) { return SO_EE_ORIGIN_ICMP; }
int CNetShims_SO_EE_ORIGIN_ICMP6(void) { return SO_EE_ORIGIN_ICMP6; }
int CNetShims_IP_RECVTTL(void) { return IP_RECVTTL; }
int CNetShims_IP_RECVTOS(void) { return IP_RECVTOS; }
int CNetShims_IPV6_RECVHOPLIMIT(void) { return IPV6_RECVHOPLIMIT; }
int CNetShims_IPV6_RECVTCLASS(void) { return IPV6_RECVTCLASS; }
int CNetShims_STA_UNSYNC(void) { return STA_UNSYNC; }
int CNetShims_TIME_ERROR(void) { return TIME_ERROR; }

int CNetShims_readHopLimit(struct cmsghdr *cmsg, int *value) {
    int isV4 = cmsg->cmsg_level == IPPROTO_IP && cmsg->cmsg_type == IP_TTL;
    int isV6 = cmsg->cmsg_level == IPPROTO_IPV6 && cmsg->cmsg_type == IPV6_HOPLIMIT;
    if (!isV4 && !isV6) return 0;
    if (cmsg->cmsg_len < CMSG_LEN(sizeof(int))) return 0;
    memcpy(value, CMSG_DATA(cmsg), sizeof(int));
    return 1;
}

int CNetShims_readTrafficClass(struct cmsghdr *cmsg, int *value) {
    if (cmsg->cmsg_level == IPPROTO_IP && cmsg->cmsg_type == IP_TOS) {
        // IP_RECVTOS delivers the TOS as one byte.
        if (cmsg->cmsg_len < CMSG_LEN(1)) return 0;
        *value = *(unsigned char *)CMSG_DATA(cmsg);
        return 1;
    }
    if (cmsg->cmsg_level == IPPROTO_IPV6 && cmsg->cmsg_type == IPV6_TCLASS) {
        if (cmsg->cmsg_len < CMSG_LEN(sizeof(int))) return 0;
        memcpy(value, CMSG_DATA(cmsg), sizeof(int));
        return 1;
    }
    return 0;
}

size_t CNetShims_writeTrafficClass(void *buffer, size_t capacity, int isIPv6, int value) {
    size_t space = CMSG_SPACE(sizeof(int));
    if (capacity < space) return 0;
    memset(buffer, 0, space);
    struct cmsghdr *cmsg = (struct cmsghdr *)buffer;
    cmsg->cmsg_level = isIPv6 ? IPPROTO_IPV6 : IPPROTO_IP;
    cmsg->cmsg_type = isIPv6 ? IPV6_TCLASS : IP_TOS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &value, sizeof(int));
    return space;
}

int CNetShims_clockState(int64_t *maximumErrorMicroseconds, int64_t *estimatedErrorMicroseconds, int32_t *status) {
    struct timex state;
    memset(&state, 0, sizeof(state));  // modes 0: read only
    int result = adjtimex(&state);
    if (result < 0) return -1;
    *maximumErrorMicroseconds = state.maxerror;
    *estimatedErrorMicroseconds = state.esterror;
    *status = state.status;
    return result;
}

int CNetShims_readTimestampNS(struct cmsghdr *cmsg, struct timespec *out) {
    if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_TIMESTAMPNS) return 0;
    if (cmsg->cmsg_len < CMSG_LEN(sizeof(struct timespec))) return 0;
    memcpy(out, CMSG_DATA(cmsg), sizeof(struct timespec));
    return 1;
}

int CNetShims_readIPv6PacketInfo(struct cmsghdr *cmsg, uint8_t address[16], int *interfaceIndex) {
    if (cmsg->cmsg_level != IPPROTO_IPV6 || cmsg->cmsg_type != IPV6_PKTINFO) return 0;
    if (cmsg->cmsg_len < CMSG_LEN(sizeof(struct CNetShims_in6_pktinfo))) return 0;
    struct CNetShims_in6_pktinfo info;
    memcpy(&info, CMSG_DATA(cmsg), sizeof(info));
    memcpy(address, &info.ipi6_addr, 16);
    *interfaceIndex = (int)info.ipi6_ifindex;
    return 1;
}

int CNetShims_readIPv4PacketInfo(struct cmsghdr *cmsg, uint8_t address[4]) {
    if (cmsg->cmsg_level != IPPROTO_IP || cmsg->cmsg_type != IP_PKTINFO) return 0;
    if (cmsg->cmsg_len < CMSG_LEN(sizeof(struct in_pktinfo))) return 0;
    struct in_pktinfo info;
    memcpy(&info, CMSG_DATA(cmsg), sizeof(info));
    memcpy(address, &info.ipi_addr, 4);
    return 1;
}

size_t CNetShims_writeIPv6SourceInfo(void *buffer, size_t capacity, const uint8_t source[16]) {
    size_t space = CMSG_SPACE(sizeof(struct CNetShims_in6_pktinfo));
    if (capacity < space) return 0;
    memset(buffer, 0, space);
    struct cmsghdr *cmsg = (struct cmsghdr *)buffer;
    cmsg->cmsg_level = IPPROTO_IPV6;
    cmsg->cmsg_type = IPV6_PKTINFO;
    cmsg->cmsg_len = CMSG_LEN(sizeof(struct CNetShims_in6_pktinfo));
    struct CNetShims_in6_pktinfo info;
    memset(&info, 0, sizeof(info));
    memcpy(&info.ipi6_addr, source, 16);
    memcpy(CMSG_DATA(cmsg), &info, sizeof(info));
    return space;
}

size_t CNetShims_writeIPv4SourceInfo(void *buffer, size_t capacity, const uint8_t source[4]) {
    size_t space = CMSG_SPACE(sizeof(struct in_pktinfo));
    if (capacity < space) return 0;
    memset(buffer, 0, space);
    struct cmsghdr *cmsg = (struct cmsghdr *)buffer;
    cmsg->cmsg_level = IPPROTO_IP;
    cmsg->cmsg_type = IP_PKTINFO;
    cmsg->cmsg_len = CMSG_LEN(sizeof(struct in_pktinfo));
    struct in_pktinfo info;
    memset(&info, 0, sizeof(info));
    memcpy(&info.ipi_spec_dst, source, 4);
    memcpy(CMSG_DATA(cmsg), &info, sizeof(info));
    return space;
}

int CNetShims_readExtendedError(
    struct cmsghdr *cmsg, uint32_t *errnoValue, uint8_t *origin, uint8_t *type, uint8_t *code,
    uint8_t offenderAddress[16], int *offenderFamily) {
    int isV4 = cmsg->cmsg_level == IPPROTO_IP && cmsg->cmsg_type == IP_RECVERR;
    int isV6 = cmsg->cmsg_level == IPPROTO_IPV6 && cmsg->cmsg_type == IPV6_RECVERR;
    if (!isV4 && !isV6) return 0;
    if (cmsg->cmsg_len < CMSG_LEN(sizeof(struct sock_extended_err))) return 0;
    struct sock_extended_err err;
    memcpy(&err, CMSG_DATA(cmsg), sizeof(err));
    *errnoValue = err.ee_errno;
    *origin = err.ee_origin;
    *type = err.ee_type;
    *code = err.ee_code;
    *offenderFamily = 0;
    // The offender's address follows the struct (SO_EE_OFFENDER).
    size_t needed = CMSG_LEN(sizeof(struct sock_extended_err) + sizeof(struct sockaddr_in6));
    if (cmsg->cmsg_len >= CMSG_LEN(sizeof(struct sock_extended_err) + sizeof(struct sockaddr_in))) {
        struct sockaddr_storage storage;
        memset(&storage, 0, sizeof(storage));
        size_t available = cmsg->cmsg_len - CMSG_LEN(sizeof(struct sock_extended_err));
        if (available > sizeof(storage)) available = sizeof(storage);
        memcpy(&storage, CMSG_DATA(cmsg) + sizeof(struct sock_extended_err), available);
        if (storage.ss_family == AF_INET) {
            memcpy(offenderAddress, &((struct sockaddr_in *)&storage)->sin_addr, 4);
            *offenderFamily = AF_INET;
        } else if (storage.ss_family == AF_INET6 && cmsg->cmsg_len >= needed) {
            memcpy(offenderAddress, &((struct sockaddr_in6 *)&storage)->sin6_addr, 16);
            *offenderFamily = AF_INET6;
        }
    }
    return 1;
}

int CNetShims_setICMPFilter(int fd, uint32_t passMask) {
    struct icmp_filter filter;
    filter.data = ~passMask;  // the kernel's filter lists the types to *drop*
    return setsockopt(fd, SOL_RAW, ICMP_FILTER, &filter, sizeof(filter));
}

int CNetShims_setICMP6FilterPassOnly(int fd, const uint8_t *types, int count) {
    struct icmp6_filter filter;
    ICMP6_FILTER_SETBLOCKALL(&filter);
    for (int i = 0; i < count; i++) ICMP6_FILTER_SETPASS(types[i], &filter);
    return setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof(filter));
}

int CNetShims_setTimerSlack(unsigned long nanoseconds) { return prctl(PR_SET_TIMERSLACK, nanoseconds, 0, 0, 0); }

int CNetShims_enterNetworkNamespace(int fd) { return setns(fd, CLONE_NEWNET); }

int CNetShims_eventfd(void) { return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK); }

int CNetShims_ppoll(struct pollfd *fds, unsigned long count, int64_t timeoutNanoseconds) {
    if (timeoutNanoseconds < 0) return ppoll(fds, count, NULL, NULL);
    struct timespec timeout = {.tv_sec = timeoutNanoseconds / 1000000000, .tv_nsec = timeoutNanoseconds % 1000000000};
    return ppoll(fds, count, &timeout, NULL);
}

int CNetShims_setRealtimePriority(int priority) {
    struct sched_param param = {.sched_priority = priority};
    return pthread_setschedparam(pthread_self(), SCHED_FIFO, &param);
}

int CNetShims_recvmmsg(int fd, struct msghdr *headers, unsigned int *lengths, unsigned int count, int flags) {
    struct mmsghdr batch[64];
    if (count > 64) count = 64;
    for (unsigned int index = 0; index < count; index++) {
        batch[index].msg_hdr = headers[index];
        batch[index].msg_len = 0;
    }
    int received = recvmmsg(fd, batch, count, flags, NULL);
    for (int index = 0; index < received; index++) {
        headers[index] = batch[index].msg_hdr;
        lengths[index] = batch[index].msg_len;
    }
    return received;
}
