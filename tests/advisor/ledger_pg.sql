-- An ERPNext-style general ledger for the index advisor's covering-column
-- acceptance test (tests/shell/pg_ledger_advice.sh): gl_entry with 150,000
-- postings over five years, 400 accounts whose postings are spread over
-- the whole table (as the days' postings interleave), a cancellation flag
-- set on 2% of the rows, and nothing indexed but the primary key.
-- Deterministic; ANALYZEd, not vacuumed (as a freshly loaded table is).
CREATE TABLE gl_entry (
	id bigserial PRIMARY KEY,
	posting_date date NOT NULL,
	account varchar(140) NOT NULL,
	party_type varchar(140),
	party varchar(140),
	voucher_type varchar(140) NOT NULL,
	voucher_no varchar(140) NOT NULL,
	debit numeric(21, 9) NOT NULL DEFAULT 0,
	credit numeric(21, 9) NOT NULL DEFAULT 0,
	is_cancelled smallint NOT NULL DEFAULT 0,
	company varchar(140) NOT NULL,
	remarks text
);
INSERT INTO gl_entry (posting_date, account, party_type, party, voucher_type,
					  voucher_no, debit, credit, is_cancelled, company, remarks)
SELECT date '2020-01-01' + (i * 1826 / 150000),
	   'ACC-' || lpad(((i * 7919) % 400 + 1)::text, 4, '0') || ' - ACME',
	   CASE WHEN i % 3 = 0 THEN 'Customer' END,
	   CASE WHEN i % 3 = 0 THEN 'CUST-' || (i % 2000) END,
	   'Journal Entry',
	   'ACC-JV-' || (i / 2),
	   CASE WHEN i % 2 = 0 THEN (i % 997) * 1.25 ELSE 0 END,
	   CASE WHEN i % 2 = 1 THEN (i % 991) * 1.25 ELSE 0 END,
	   CASE WHEN i % 50 = 0 THEN 1 ELSE 0 END,
	   'ACME',
	   'Posted against ACC-JV-' || (i / 2) || ' by the month-end run'
  FROM generate_series(1, 150000) AS i;
ANALYZE gl_entry;
