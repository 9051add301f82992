/*
 * maintenance_shared.c
 *		Maintenance mode's state that any file of the extension may read:
 *		the pointer to its shared memory and the window this session is a
 *		maintainer of.
 *
 * Both are read by the per-statement checks (upkeep.h) and by the patch
 * runs, the drain and the WAL files; they live here, in a file that calls
 * nothing, so that reading them never makes a file depend on the files
 * that change them.  upkeep_shared is set by upkeep.c's shmem startup and
 * laid out by maintenance_state.c; upkeep_my_window is changed only by
 * maintenance_enforce.c.
 *
 * Locking rules are in upkeep.h (UpkeepShared).
 */
#include "postgres.h"

#include "upkeep.h"

UpkeepShared *upkeep_shared = NULL;

/*
 * The window this session is a maintainer of (0 = none); may be stale, see
 * upkeep.h.
 */
uint64		upkeep_my_window = 0;
