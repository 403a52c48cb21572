"""The corpus and finding things in it: sources, loaders, plan parser, units, index, retrieval."""
