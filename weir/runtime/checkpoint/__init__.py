"""Checkpointing on the JobManager side: the coordinator that triggers checkpoints and collects
acknowledgements, the storage that persists them, and the metadata recovery reads."""
