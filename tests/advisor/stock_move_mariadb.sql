-- The Odoo-style stock schema of stock_move_pg.sql for MariaDB (InnoDB):
-- stock_move with 300,000 rows, a selective product column, a
-- three-valued-in-practice state, a two-valued company, a 0/1 flag, dates
-- over three years, and the index on picking_id that Odoo itself creates.
-- Needs the Sequence engine (seq_1_to_N tables, built into MariaDB).
-- Deterministic: RAND(seed) fixes the data.  Runs in the current database.
CREATE TABLE stock_location (
	id int PRIMARY KEY,
	name varchar(64) NOT NULL,
	company_id int NOT NULL
) ENGINE=InnoDB;
CREATE TABLE product_product (
	id int PRIMARY KEY,
	default_code varchar(64) NOT NULL,
	active boolean NOT NULL DEFAULT true
) ENGINE=InnoDB;
CREATE TABLE stock_picking (
	id int PRIMARY KEY,
	name varchar(64) NOT NULL,
	state varchar(16) NOT NULL,
	scheduled_date datetime NOT NULL
) ENGINE=InnoDB;
CREATE TABLE stock_move (
	id int AUTO_INCREMENT PRIMARY KEY,
	name varchar(64) NOT NULL,
	product_id int NOT NULL,
	location_id int NOT NULL,
	location_dest_id int NOT NULL,
	picking_id int,
	company_id int NOT NULL,
	state varchar(16) NOT NULL,
	scrapped boolean NOT NULL DEFAULT false,
	date datetime NOT NULL,
	product_qty decimal(16,4) NOT NULL,
	KEY stock_move_picking_id_index (picking_id)
) ENGINE=InnoDB;

INSERT INTO stock_location
SELECT seq, CONCAT('WH/Stock/', seq), 1 + seq % 2 FROM seq_1_to_40;
INSERT INTO product_product
SELECT seq, CONCAT('P', LPAD(seq, 6, '0')), seq % 50 <> 0 FROM seq_1_to_5000;
INSERT INTO stock_picking
SELECT seq, CONCAT('WH/OUT/', LPAD(seq, 6, '0')), 'done',
	   TIMESTAMP '2023-01-01 00:00:00' + INTERVAL seq * 15 MINUTE
FROM seq_1_to_100000;
-- Each RAND(seed) has a generator of its own, seeded once per statement:
-- one seed per column keeps the columns independent and the rows the same
-- on every run.
INSERT INTO stock_move (name, product_id, location_id, location_dest_id,
						picking_id, company_id, state, scrapped, date,
						product_qty)
SELECT CONCAT('move ', seq),
	   1 + FLOOR(RAND(1) * 5000),
	   1 + FLOOR(RAND(2) * 40),
	   1 + FLOOR(RAND(3) * 40),
	   1 + (seq - 1) DIV 3,
	   1 + FLOOR(RAND(4) * 2),
	   CASE WHEN r < 0.85 THEN 'done' WHEN r < 0.90 THEN 'cancel'
			WHEN r < 0.94 THEN 'assigned' WHEN r < 0.97 THEN 'confirmed'
			WHEN r < 0.99 THEN 'waiting' ELSE 'draft' END,
	   RAND(5) < 0.01,
	   TIMESTAMP '2023-01-01 00:00:00' + INTERVAL FLOOR(RAND(6) * 1095 * 86400) SECOND,
	   1 + FLOOR(RAND(7) * 100)
FROM (SELECT seq, RAND(8) AS r FROM seq_1_to_300000) s;
ANALYZE TABLE stock_location, product_product, stock_picking, stock_move;
