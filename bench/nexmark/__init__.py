"""Nexmark in weir: the standard Person / Auction / Bid generator and queries on the DataStream API."""
