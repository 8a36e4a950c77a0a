"""Shaping answers and tables for the page: present, browse, upload."""
