-- The stock workload as Odoo issues it, one statement per line, $n for the
-- values (tests run them with values, the advisor takes them as they are).
SELECT id, product_qty, location_id, location_dest_id FROM stock_move WHERE product_id = $1 AND state = 'done' AND date >= $2 ORDER BY date
SELECT sum(product_qty) FROM stock_move WHERE location_dest_id = $1 AND company_id = $2 AND state IN ('assigned', 'confirmed', 'waiting') AND date <= $3
SELECT id FROM stock_move WHERE picking_id = $1
SELECT id, product_qty FROM stock_move WHERE scrapped = false AND company_id = $1 AND product_id = $2 AND location_id = $3
SELECT id, name FROM stock_move WHERE state = 'assigned' AND location_id = $1 ORDER BY date DESC LIMIT 80
SELECT m.id, m.product_qty FROM stock_move m JOIN stock_picking p ON p.id = m.picking_id WHERE p.name = $1
SELECT product_id, sum(product_qty) FROM stock_move WHERE location_id = $1 AND date BETWEEN $2 AND $3 GROUP BY product_id
