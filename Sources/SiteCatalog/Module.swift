// SiteCatalog module. See docs/ARCHITECTURE.md.
