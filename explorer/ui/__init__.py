"""The Qt shell: a thin window over `explorer.core.Workspace`. Nothing here computes history."""
