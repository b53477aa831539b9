// NetMonitor module. See docs/ARCHITECTURE.md.
