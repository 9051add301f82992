-- The stock workload of workload_pg.sql as Frappe writes SQL for MariaDB:
-- backtick-quoted identifiers, values written into the text, several
-- values for each statement shape.  One statement per line.
SELECT `id`, `product_qty`, `location_id`, `location_dest_id` FROM `stock_move` WHERE `product_id` = 17 AND `state` = 'done' AND `date` >= '2025-06-01' ORDER BY `date`;
SELECT `id`, `product_qty`, `location_id`, `location_dest_id` FROM `stock_move` WHERE `product_id` = 256 AND `state` = 'done' AND `date` >= '2025-07-15' ORDER BY `date`;
SELECT `id`, `product_qty`, `location_id`, `location_dest_id` FROM `stock_move` WHERE `product_id` = 1024 AND `state` = 'done' AND `date` >= '2025-09-01' ORDER BY `date`;
SELECT `id`, `product_qty`, `location_id`, `location_dest_id` FROM `stock_move` WHERE `product_id` = 2048 AND `state` = 'done' AND `date` >= '2025-10-10' ORDER BY `date`;
SELECT `id`, `product_qty`, `location_id`, `location_dest_id` FROM `stock_move` WHERE `product_id` = 3333 AND `state` = 'done' AND `date` >= '2025-11-20' ORDER BY `date`;
SELECT `id`, `product_qty`, `location_id`, `location_dest_id` FROM `stock_move` WHERE `product_id` = 4100 AND `state` = 'done' AND `date` >= '2025-06-01' ORDER BY `date`;
SELECT `id`, `product_qty`, `location_id`, `location_dest_id` FROM `stock_move` WHERE `product_id` = 4999 AND `state` = 'done' AND `date` >= '2025-07-15' ORDER BY `date`;
SELECT `id`, `product_qty`, `location_id`, `location_dest_id` FROM `stock_move` WHERE `product_id` = 77 AND `state` = 'done' AND `date` >= '2025-09-01' ORDER BY `date`;
SELECT `id`, `product_qty`, `location_id`, `location_dest_id` FROM `stock_move` WHERE `product_id` = 512 AND `state` = 'done' AND `date` >= '2025-10-10' ORDER BY `date`;
SELECT `id`, `product_qty`, `location_id`, `location_dest_id` FROM `stock_move` WHERE `product_id` = 1500 AND `state` = 'done' AND `date` >= '2025-11-20' ORDER BY `date`;
SELECT sum(`product_qty`) FROM `stock_move` WHERE `location_dest_id` = 5 AND `company_id` = 1 AND `state` IN ('assigned', 'confirmed', 'waiting') AND `date` <= '2023-06-01';
SELECT sum(`product_qty`) FROM `stock_move` WHERE `location_dest_id` = 12 AND `company_id` = 2 AND `state` IN ('assigned', 'confirmed', 'waiting') AND `date` <= '2023-04-01';
SELECT sum(`product_qty`) FROM `stock_move` WHERE `location_dest_id` = 33 AND `company_id` = 1 AND `state` IN ('assigned', 'confirmed', 'waiting') AND `date` <= '2023-08-15';
SELECT sum(`product_qty`) FROM `stock_move` WHERE `location_dest_id` = 8 AND `company_id` = 2 AND `state` IN ('assigned', 'confirmed', 'waiting') AND `date` <= '2023-05-01';
SELECT sum(`product_qty`) FROM `stock_move` WHERE `location_dest_id` = 21 AND `company_id` = 1 AND `state` IN ('assigned', 'confirmed', 'waiting') AND `date` <= '2023-07-01';
SELECT `id` FROM `stock_move` WHERE `picking_id` = 123;
SELECT `id` FROM `stock_move` WHERE `picking_id` = 4567;
SELECT `id` FROM `stock_move` WHERE `picking_id` = 89012;
SELECT `id` FROM `stock_move` WHERE `picking_id` = 33333;
SELECT `id` FROM `stock_move` WHERE `picking_id` = 70001;
SELECT `id`, `product_qty` FROM `stock_move` WHERE `scrapped` = 0 AND `company_id` = 1 AND `product_id` = 332 AND `location_id` = 2;
SELECT `id`, `product_qty` FROM `stock_move` WHERE `scrapped` = 0 AND `company_id` = 2 AND `product_id` = 663 AND `location_id` = 3;
SELECT `id`, `product_qty` FROM `stock_move` WHERE `scrapped` = 0 AND `company_id` = 1 AND `product_id` = 994 AND `location_id` = 4;
SELECT `id`, `name` FROM `stock_move` WHERE `state` = 'assigned' AND `location_id` = 2 ORDER BY `date` DESC LIMIT 80;
SELECT `id`, `name` FROM `stock_move` WHERE `state` = 'assigned' AND `location_id` = 3 ORDER BY `date` DESC LIMIT 80;
SELECT `id`, `name` FROM `stock_move` WHERE `state` = 'assigned' AND `location_id` = 4 ORDER BY `date` DESC LIMIT 80;
SELECT `id`, `name` FROM `stock_move` WHERE `state` = 'assigned' AND `location_id` = 5 ORDER BY `date` DESC LIMIT 80;
SELECT `m`.`id`, `m`.`product_qty` FROM `stock_move` `m` JOIN `stock_picking` `p` ON `p`.`id` = `m`.`picking_id` WHERE `p`.`name` = 'WH/OUT/000123';
SELECT `m`.`id`, `m`.`product_qty` FROM `stock_move` `m` JOIN `stock_picking` `p` ON `p`.`id` = `m`.`picking_id` WHERE `p`.`name` = 'WH/OUT/045678';
SELECT `m`.`id`, `m`.`product_qty` FROM `stock_move` `m` JOIN `stock_picking` `p` ON `p`.`id` = `m`.`picking_id` WHERE `p`.`name` = 'WH/OUT/099001';
SELECT `m`.`id`, `m`.`product_qty` FROM `stock_move` `m` JOIN `stock_picking` `p` ON `p`.`id` = `m`.`picking_id` WHERE `p`.`name` = 'WH/OUT/005000';
SELECT `product_id`, sum(`product_qty`) FROM `stock_move` WHERE `location_id` = 7 AND `date` BETWEEN '2024-01-01' AND '2024-02-01' GROUP BY `product_id`;
SELECT `product_id`, sum(`product_qty`) FROM `stock_move` WHERE `location_id` = 19 AND `date` BETWEEN '2023-03-01' AND '2023-04-01' GROUP BY `product_id`;
SELECT `product_id`, sum(`product_qty`) FROM `stock_move` WHERE `location_id` = 31 AND `date` BETWEEN '2025-05-01' AND '2025-06-01' GROUP BY `product_id`;
