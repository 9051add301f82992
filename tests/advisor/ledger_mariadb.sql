-- The ERPNext-style ledger of ledger_pg.sql for MariaDB (InnoDB), as
-- ERPNext creates tabGL Entry in spirit: gl_entry with 150,000 postings
-- over five years, 400 accounts spread over the whole table, a
-- cancellation flag set on 2% of the rows, nothing indexed but the
-- primary key.  Needs the Sequence engine (seq_1_to_N tables, built into
-- MariaDB).  Deterministic.  Runs in the current database.
CREATE TABLE gl_entry (
	id bigint AUTO_INCREMENT PRIMARY KEY,
	posting_date date NOT NULL,
	account varchar(140) NOT NULL,
	party_type varchar(140),
	party varchar(140),
	voucher_type varchar(140) NOT NULL,
	voucher_no varchar(140) NOT NULL,
	debit decimal(21, 9) NOT NULL DEFAULT 0,
	credit decimal(21, 9) NOT NULL DEFAULT 0,
	is_cancelled smallint NOT NULL DEFAULT 0,
	company varchar(140) NOT NULL,
	remarks text
) ENGINE=InnoDB;
INSERT INTO gl_entry (posting_date, account, party_type, party, voucher_type,
					  voucher_no, debit, credit, is_cancelled, company, remarks)
SELECT DATE '2020-01-01' + INTERVAL (seq * 1826 DIV 150000) DAY,
	   CONCAT('ACC-', LPAD((seq * 7919) % 400 + 1, 4, '0'), ' - ACME'),
	   IF(seq % 3 = 0, 'Customer', NULL),
	   IF(seq % 3 = 0, CONCAT('CUST-', seq % 2000), NULL),
	   'Journal Entry',
	   CONCAT('ACC-JV-', seq DIV 2),
	   IF(seq % 2 = 0, (seq % 997) * 1.25, 0),
	   IF(seq % 2 = 1, (seq % 991) * 1.25, 0),
	   IF(seq % 50 = 0, 1, 0),
	   'ACME',
	   CONCAT('Posted against ACC-JV-', seq DIV 2, ' by the month-end run')
  FROM seq_1_to_150000;
ANALYZE TABLE gl_entry;
