"""Domain tools: pure functions with typed input/output, plus their LangChain StructuredTool wrappers."""
