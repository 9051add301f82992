--
-- Index hygiene views: unused, redundant and missing foreign-key indexes,
-- on purpose-built cases.
--
SELECT NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'upkeep') AS created_here \gset
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS upkeep;
RESET client_min_messages;
CREATE SCHEMA ih;
CREATE TABLE ih.customer (id int PRIMARY KEY, code text, region text, active boolean);
CREATE TABLE ih.invoice (id int PRIMARY KEY, customer_id int REFERENCES ih.customer,
						 company_id int, posting_date date, status text);
CREATE TABLE ih.invoice_item (invoice_id int REFERENCES ih.invoice, line int, item text,
							  PRIMARY KEY (invoice_id, line));
CREATE TABLE ih.payment (id int PRIMARY KEY, invoice_id int, customer_id int,
						 FOREIGN KEY (customer_id) REFERENCES ih.customer);
CREATE INDEX payment_customer ON ih.payment (customer_id, id);
INSERT INTO ih.customer SELECT g, 'C' || g, 'r' || g % 5, true FROM generate_series(1, 200) g;
INSERT INTO ih.invoice SELECT g, g % 200 + 1, g % 3, date '2026-01-01' + g % 300, 'draft'
  FROM generate_series(1, 2000) g;

-- redundant: a prefix of another index, an exact duplicate (one named),
-- not: a different order, a different operator class, a unique index, a
-- partial index, the primary key
CREATE INDEX invoice_company ON ih.invoice (company_id);
CREATE INDEX invoice_company_date ON ih.invoice (company_id, posting_date);
CREATE INDEX invoice_date_company ON ih.invoice (posting_date, company_id);
CREATE INDEX invoice_status_a ON ih.invoice (status);
CREATE INDEX invoice_status_b ON ih.invoice (status);
CREATE INDEX invoice_status_pattern ON ih.invoice (status text_pattern_ops, id);
CREATE UNIQUE INDEX customer_code ON ih.customer (code);
CREATE INDEX customer_code_region ON ih.customer (code, region);
CREATE INDEX invoice_draft_company ON ih.invoice (company_id) WHERE status = 'draft';
CREATE INDEX invoice_id_date ON ih.invoice (id, posting_date);

SELECT table_name, index_name, covered_by, kind, size_bytes > 0 AS sized, evidence
  FROM upkeep.redundant_indexes WHERE schema_name = 'ih' ORDER BY index_name;

-- missing FK indexes: invoice.customer_id has none; invoice_item's key is
-- led by its PRIMARY KEY; payment.customer_id leads payment_customer
SELECT table_name, constraint_name, columns, referenced_table, create_statement
  FROM upkeep.missing_fk_indexes WHERE schema_name = 'ih' ORDER BY constraint_name;

-- unused: an index used by a scan leaves the view; unique and constraint
-- indexes are never listed
SET enable_seqscan = off;
SET enable_bitmapscan = off;
SELECT count(*) FROM ih.invoice WHERE posting_date = date '2026-02-01';	-- invoice_date_company
RESET enable_seqscan;
RESET enable_bitmapscan;
SELECT pg_stat_force_next_flush();
\c
DO $$
BEGIN
	FOR i IN 1 .. 1200 LOOP		-- (60 s at most) the old session's counters arrive when it exits
		PERFORM pg_stat_clear_snapshot();
		EXIT WHEN (SELECT idx_scan FROM pg_stat_user_indexes
					WHERE indexrelname = 'invoice_date_company') > 0;
		PERFORM pg_sleep(0.05);
	END LOOP;
END $$;
SELECT index_name, scans, drop_statement
  FROM upkeep.unused_indexes WHERE schema_name = 'ih' ORDER BY index_name;

SET client_min_messages = warning;
DROP SCHEMA ih CASCADE;
RESET client_min_messages;
-- leave the database as this test found it (the other tests create the extension)
\if :created_here
DROP EXTENSION upkeep;
\endif
