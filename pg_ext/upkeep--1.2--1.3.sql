/* upkeep--1.2--1.3.sql: the holes an attack review found (issue 10) */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION upkeep UPDATE TO '1.3'" to load this file. \quit

-- == maintenance: enforcement ==

-- == maintenance: join token and state file ==

-- == index advisor: safe catalog access ==

-- == deadlocks: who may read raw queries ==
