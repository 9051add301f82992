/* upkeep--1.2--1.3.sql: the holes an attack review found (issue 10) */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION upkeep UPDATE TO '1.3'" to load this file. \quit

-- == maintenance: enforcement ==

-- == maintenance: join token and state file ==

-- == index advisor: safe catalog access ==
-- Nothing here: index_advice() (advisor_workload.c) now reads its
-- workload with search_path 'pg_catalog, pg_temp' and plans only as roles
-- the caller could SET ROLE to.  No function of the extension is SECURITY DEFINER or
-- written in SQL, so none needs a search_path of its own; the views bind
-- their names when created.

-- == deadlocks: who may read raw queries ==
-- Nothing here either: deadlock_entries() and deadlock_participant_entries()
-- (deadlock.c) already show the raw report only to superusers and members
-- of pg_read_all_stats, and a member's query also to roles with the
-- privileges of the role that ran it (as pg_stat_activity does), as
-- '<insufficient privilege>' otherwise.  statement_shapes and pattern stay
-- public: the shapes carry no constant (libcommon's uk_stmt_normalize()).
