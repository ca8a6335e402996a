"""App analytics: session and location hits rolled up per UTC hour, and the figures read from those rollups."""
