"""Rendering the world to bytes: HTML pages, feeds, sitemaps, images and the directory documents."""
