// NetmonLab module. See docs/ARCHITECTURE.md.
