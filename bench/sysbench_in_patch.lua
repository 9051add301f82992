-- bench/sysbench_in_patch.lua: a sysbench OLTP workload whose every
-- connection runs inside an upkeep patch run (SET SESSION upkeep_patch
-- right after connecting), for bench/mariadb_patch_sysbench.sh.
-- The workload is sysbench's own script named by UPKEEP_SB_WORKLOAD
-- (oltp_read_only by default); options and commands are its own.
require(os.getenv("UPKEEP_SB_WORKLOAD") or "oltp_read_only")

local workload_thread_init = thread_init

function thread_init()
   workload_thread_init()
   con:query(string.format("SET SESSION upkeep_patch = 'bench.sysbench.%d'",
                           sysbench.tid))
end
