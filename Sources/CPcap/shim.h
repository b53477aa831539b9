#ifndef NETMON_CPCAP_SHIM_H
#define NETMON_CPCAP_SHIM_H
#include <pcap/pcap.h>
#endif
