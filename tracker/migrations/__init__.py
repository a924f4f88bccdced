"""Alembic migrations, shipped inside the package so ``vidnova init`` works from any install."""
