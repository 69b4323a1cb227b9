#ifndef ANALYZE_SQLITE_SETUP_H
#define ANALYZE_SQLITE_SETUP_H

/// Puts SQLite in multi-thread mode (no mutex around each call on a connection: GRDB already keeps one
/// thread at a time on each) and stops its memory statistics (a global mutex around every allocation).
/// Takes effect only before the first connection opens; returns 1 when it did, 0 when SQLite was already
/// initialized (then nothing changes and every call stays serialized, as before).
int analyze_sqlite_setup(void);

#endif
