// CoverageModel module. See docs/ARCHITECTURE.md.
