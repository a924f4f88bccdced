"""The public map: oblasts shaded by a measure, projects as points or clusters, and the GeoJSON open data."""
