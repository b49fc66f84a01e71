"""The public read side: one projection row per institution, the only thing public outputs read.

`view` defines once what the public sees (masked, clamped to legal windows, revoked and retired records
gone); `projection` builds the rows from the tables (`refresh` in the writer's transaction, `refresh_all`
for the date-driven jobs); `queries` reads them (a profile is one indexed read, a search one query).
"""
