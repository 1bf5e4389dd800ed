"""The embedded RocksDB keyed state backend (through ``rocksdict``): state larger than memory."""
