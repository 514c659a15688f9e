"""Digests compiled on demand: HQ, admins and coordinators ask for a daily, weekly or flash
digest now, follow its compilation and open the report."""
