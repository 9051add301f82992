--
-- Maintenance mode: bad input changes nothing; privileges.
--
CREATE EXTENSION upkeep;
\pset null '(null)'

SELECT active, reason, phase, maintainer_pids, refused_writes
  FROM upkeep.maintenance;

-- Bad input: a clear error each, and nothing changes.
SELECT upkeep.enter_maintenance(NULL);
SELECT upkeep.enter_maintenance('');
SELECT upkeep.enter_maintenance('   ');
SELECT upkeep.enter_maintenance(repeat('x', 1001));
SELECT upkeep.enter_maintenance(E'line\nbreak');
SELECT upkeep.enter_maintenance('upgrade', interval '-1 hour');
SELECT upkeep.enter_maintenance('upgrade', NULL, interval '-1 second');
SELECT upkeep.enter_maintenance('upgrade', interval '11 years');
SELECT upkeep.enter_maintenance('upgrade', interval '178000000 years');
SELECT upkeep.enter_maintenance('upgrade', NULL, interval '25 hours');
SELECT upkeep.enter_maintenance('upgrade', NULL, NULL);
SELECT upkeep.enter_maintenance('upgrade', NULL, '1 second', 'explode');
SELECT upkeep.enter_maintenance('upgrade', NULL, '1 second', NULL);
SELECT active, phase FROM upkeep.maintenance;
SELECT count(*) AS windows FROM upkeep.maintenance_log;

-- Exiting when not in maintenance is a notice, not an error.
SELECT upkeep.exit_maintenance();

-- Joining when not in maintenance is an error.
SELECT upkeep.join_maintenance('uk1-0000');

-- A reason of exactly 1000 bytes is accepted.
SELECT upkeep.enter_maintenance(repeat('y', 1000), '2 hours 30 minutes', '0') IS NOT NULL AS entered;
SELECT active, length(reason), expected_end - started_at AS expected_duration
  FROM upkeep.maintenance;
SELECT upkeep.enter_maintenance('twice');
SELECT upkeep.exit_maintenance();
SELECT active FROM upkeep.maintenance;

-- Privileges: enter/exit are revoked from PUBLIC; status and log are public.
CREATE ROLE upkeep_nobody LOGIN;
\c - upkeep_nobody
SELECT upkeep.enter_maintenance('not allowed');
SELECT upkeep.exit_maintenance();
SELECT active FROM upkeep.maintenance;
SELECT count(*) >= 1 AS can_read_log FROM upkeep.maintenance_log;
-- on_timeout 'terminate' needs pg_signal_backend even when enter is granted
\c - postgres
GRANT EXECUTE ON FUNCTION upkeep.enter_maintenance(text, interval, interval, text, interval) TO upkeep_nobody;
\c - upkeep_nobody
SELECT upkeep.enter_maintenance('kill them', on_timeout => 'terminate');
SELECT active FROM upkeep.maintenance;
\c - postgres
DROP OWNED BY upkeep_nobody;
DROP ROLE upkeep_nobody;
