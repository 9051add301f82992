-- An Odoo-style stock schema for the index advisor tests and benchmark:
-- stock_move with 300,000 rows, a selective product column, a
-- three-valued-in-practice state, a two-valued company, a 0/1 flag, dates
-- over three years, and the index on picking_id that Odoo itself creates.
-- Deterministic: setseed() fixes the data.
CREATE TABLE stock_location (
	id int PRIMARY KEY,
	name varchar NOT NULL,
	company_id int NOT NULL
);
CREATE TABLE product_product (
	id int PRIMARY KEY,
	default_code varchar NOT NULL,
	active boolean NOT NULL DEFAULT true
);
CREATE TABLE stock_picking (
	id int PRIMARY KEY,
	name varchar NOT NULL,
	state varchar NOT NULL,
	scheduled_date timestamp NOT NULL
);
CREATE TABLE stock_move (
	id serial PRIMARY KEY,
	name varchar NOT NULL,
	product_id int NOT NULL REFERENCES product_product,
	location_id int NOT NULL REFERENCES stock_location,
	location_dest_id int NOT NULL REFERENCES stock_location,
	picking_id int REFERENCES stock_picking,
	company_id int NOT NULL,
	state varchar NOT NULL,
	scrapped boolean NOT NULL DEFAULT false,
	date timestamp NOT NULL,
	product_qty numeric NOT NULL
);
CREATE INDEX stock_move_picking_id_index ON stock_move (picking_id);

SELECT setseed(0.42);
INSERT INTO stock_location
SELECT i, 'WH/Stock/' || i, 1 + i % 2 FROM generate_series(1, 40) i;
INSERT INTO product_product
SELECT i, 'P' || lpad(i::text, 6, '0'), i % 50 <> 0 FROM generate_series(1, 5000) i;
INSERT INTO stock_picking
SELECT i, 'WH/OUT/' || lpad(i::text, 6, '0'), 'done',
	   timestamp '2023-01-01' + (i * interval '15 minutes')
FROM generate_series(1, 100000) i;
INSERT INTO stock_move (name, product_id, location_id, location_dest_id,
						picking_id, company_id, state, scrapped, date,
						product_qty)
SELECT 'move ' || i,
	   1 + floor(random() * 5000)::int,
	   1 + floor(random() * 40)::int,
	   1 + floor(random() * 40)::int,
	   1 + (i - 1) / 3,
	   1 + floor(random() * 2)::int,
	   CASE WHEN r < 0.85 THEN 'done' WHEN r < 0.90 THEN 'cancel'
			WHEN r < 0.94 THEN 'assigned' WHEN r < 0.97 THEN 'confirmed'
			WHEN r < 0.99 THEN 'waiting' ELSE 'draft' END,
	   random() < 0.01,
	   timestamp '2023-01-01' + random() * interval '1095 days',
	   1 + floor(random() * 100)
FROM (SELECT i, random() AS r FROM generate_series(1, 300000) i) s;
ANALYZE;
