#include <sqlite3.h>

#include "sqlite_setup.h"

// sqlite3_config is variadic, so Swift cannot call it: this is the whole C side.
int analyze_sqlite_setup(void) {
    if (sqlite3_config(SQLITE_CONFIG_MULTITHREAD) != SQLITE_OK) return 0;
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return 1;
}
