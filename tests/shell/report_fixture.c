/*
 * report_fixture.c
 *		Writes the upgrade report of a made-up window, for the browser test
 *		(tests/shell/report_browser.sh) and for docs/example-report.html.
 *
 *	report_fixture OUT.html [OUT.json]
 *		a realistic ERPNext upgrade (`bench migrate`): Frappe's phases,
 *		30 patches, one that fails and stops the upgrade, slow statements
 *		with plans, a lock wait, a deadlock
 *	report_fixture --runs N OUT.html [OUT.json]
 *		N generated runs (every tenth a step of the run before it)
 *
 * Prints the number of runs on stdout.  Built and linked against
 * libcommon by the test.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uk_report.h"

#define START 1773525600.0		/* 2026-03-14 22:00:00 UTC */

static char *
s(const char *v)
{
	return v != NULL ? strdup(v) : NULL;
}

static UkReportRun *
add_run(UkReportWindow *w, size_t cap, const char *name, const char *app,
		const char *status, double start, double seconds, int64_t statements)
{
	UkReportRun *r;

	if (w->nruns >= cap)
		abort();
	r = &w->runs[w->nruns++];
	memset(r, 0, sizeof(*r));
	r->run_id = 4100 + (int64_t) w->nruns;
	r->name = s(name);
	r->app = s(app);
	r->status = s(status);
	r->started_at = start;
	r->ended_at = seconds < 0 ? -1 : start + seconds;
	r->statements = statements;
	r->lock_wait_ms = 0;
	return r;
}

static void
add_slow(UkReportWindow *w, const UkReportRun *r, double offset, double ms,
		 double lock_ms, int64_t rows, const char *command, const char *query,
		 const char *plan)
{
	UkReportSlow *q = &w->slow[w->nslow++];

	q->id = 900 + (int64_t) w->nslow;
	q->run_id = r->run_id;
	q->patch = s(r->name);
	q->command = s(command);
	q->query = s(query);
	q->plan = s(plan);
	q->started_at = r->started_at + offset;
	q->duration_ms = ms;
	q->lock_wait_ms = lock_ms;
	q->rows = rows;
}

typedef struct Step
{
	const char *name;
	const char *app;			/* NULL: a patch of the app in the name */
	double		seconds;
	int64_t		statements;
} Step;

/* What `bench --site erp.example.com migrate` did, in order. */
static const Step upgrade[] = {
	{"Migrating erp.example.com", "frappe:phase", 2.1, 14},
	{"frappe.patches.v15_0.remove_implicit_primary_key", "frappe", 3.4, 41},
	{"frappe.patches.v15_0.remove_background_jobs_from_dropdown", "frappe", 0.4, 3},
	{"frappe.patches.v15_0.drop_modified_index", "frappe", 38.0, 212},
	{"frappe.patches.v15_0.set_contact_full_name", "frappe", 11.2, 5120},
	{"frappe.patches.v15_0.migrate_to_utm", "frappe", 4.8, 96},
	{"execute:frappe.delete_doc(\"DocType\", \"Taxjar Settings\", ignore_missing=True)", "erpnext", 0.6, 9},
	{"erpnext.patches.v15_0.delete_woocommerce_settings_doctype", "erpnext", 0.5, 7},
	{"erpnext.patches.v14_0.update_closing_balances #2024-01-10", "erpnext", 372.0, 18240},
	{"erpnext.patches.v15_0.create_asset_depreciation_schedules_from_assets", "erpnext", 151.0, 9311},
	{"erpnext.patches.v15_0.set_reserved_stock_in_bin", "erpnext", 26.3, 1480},
	{"erpnext.patches.v15_0.update_asset_value_for_manual_depr_entries", "erpnext", 7.9, 220},
	{"Updating DocTypes for frappe", "frappe:phase", 34.0, 1630},
	{"Updating DocTypes for erpnext", "frappe:phase", 101.0, 4410},
	{"Updating DocTypes for hrms", "frappe:phase", 22.0, 960},
	{"erpnext.patches.v15_0.create_advance_payment_status", "erpnext", 64.0, 3120},
	{"erpnext.patches.v15_0.recalculate_amount_difference_field", "erpnext", 18.5, 870},
	{"erpnext.patches.v15_0.update_sub_voucher_type_in_gl_entries", "erpnext", 212.0, 2},
	{"erpnext.patches.v15_0.remove_exotel_integration", "erpnext", 1.1, 12},
	{"erpnext.patches.v15_0.create_accounting_dimensions_in_payment_request", "erpnext", 2.7, 31},
	{"erpnext.patches.v15_0.migrate_checkbox_to_select_for_reconciliation_effect", "erpnext", 5.5, 140},
	{"erpnext.patches.v15_0.rename_daily_depreciation_to_depreciation_amount_based_on_num_days_in_month", "erpnext", 3.0, 48},
	{"erpnext.patches.v15_0.set_is_exchange_gain_loss_in_payment_entry_deductions", "erpnext", 9.6, 402},
	{"erpnext.patches.v15_0.update_gpa_and_ndb_for_assdeprsch", "erpnext", 4.2, 77},
	{"erpnext.patches.v15_0.set_cancelled_status_to_cancelled_pos_invoice", "erpnext", 1.9, 22},
	{"erpnext.patches.v15_0.rename_group_by_to_categorize_by", "erpnext", 0.8, 10},
	{"hrms.patches.v15_0.migrate_loan_type_to_loan_product", "hrms", 6.4, 180},
	{"hrms.patches.v15_0.rename_enable_late_entry_early_exit_grace_period", "hrms", 0.9, 8},
	{"hrms.patches.v15_0.notify_about_loan_app_separation", "hrms", 0.3, 2},
	{"hrms.patches.v15_0.set_half_day_status_to_present", "hrms", 12.1, 640},
	{"erpnext.patches.v15_0.set_difference_amount_in_asset_value_adjustment", "erpnext", 3.3, 51},
	{"erpnext.patches.v15_0.link_purchase_item_to_asset_doc", "erpnext", 27.0, 1210},
	{"erpnext.patches.v15_0.migrate_old_item_wise_tax_detail_data_format", "erpnext", 48.0, 2331},
};

#define FAILING "erpnext.patches.v15_0.migrate_old_item_wise_tax_detail_data_format"

static void
realistic(UkReportWindow *w)
{
	size_t		cap = sizeof(upgrade) / sizeof(upgrade[0]);
	double		t = START + 4.2;	/* the drain took 4.2 s */
	size_t		i;

	w->engine = s("postgresql");
	w->window_id = 23;
	w->reason = s("ERPNext v14 \xE2\x86\x92 v15 upgrade (ticket OPS-1193)");
	w->entered_by = s("erp_admin");
	w->drain_outcome = s("waited");
	w->entered_at = START;
	w->exited_at = -1;			/* the upgrade failed: the window stays on */
	w->expected_end = START + 45 * 60;
	w->refused_writes = 37;
	w->unattributed_statements = 12;
	w->command = s("bench --site erp.example.com migrate");
	w->exit_status = 1;
	w->result = s("failed");
	w->runs = calloc(cap, sizeof(UkReportRun));
	w->slow = calloc(16, sizeof(UkReportSlow));
	w->deadlocks = calloc(1, sizeof(UkReportDeadlock));
	for (i = 0; i < cap; i++)
	{
		const Step *st = &upgrade[i];
		bool		fails = strcmp(st->name, FAILING) == 0;
		UkReportRun *r = add_run(w, cap, st->name, st->app, fails ? "failed" : "succeeded",
								 t, st->seconds, st->statements);

		if (strstr(st->name, "drop_modified_index") != NULL)
			add_slow(w, r, 2.0, 31200, 0, 0, "DROP INDEX",
					 "ALTER TABLE \"tabVersion\" DROP INDEX IF EXISTS \"modified\"", NULL);
		if (strstr(st->name, "update_closing_balances") != NULL)
		{
			r->lock_wait_ms = 4210;
			add_slow(w, r, 8.0, 96400, 4210, 412930, "INSERT",
					 "INSERT INTO \"tabAccount Closing Balance\" (name, account, cost_center, "
					 "debit, credit, company, period_closing_voucher) SELECT gle.name, gle.account, "
					 "gle.cost_center, sum(gle.debit), sum(gle.credit), gle.company, $1 "
					 "FROM \"tabGL Entry\" gle WHERE gle.is_cancelled = 0 AND gle.posting_date <= $2 "
					 "GROUP BY gle.account, gle.cost_center, gle.company",
					 "Insert on \"tabAccount Closing Balance\"  (cost=612034.11..655120.40 rows=412930 width=312) (actual time=96102.5..96102.5 rows=0 loops=1)\n"
					 "  ->  HashAggregate  (cost=612034.11..616163.41 rows=412930 width=312) (actual time=71840.2..80120.9 rows=412930 loops=1)\n"
					 "        Group Key: gle.account, gle.cost_center, gle.company\n"
					 "        ->  Seq Scan on \"tabGL Entry\" gle  (cost=0.00..512933.20 rows=6606740 width=96) (actual time=0.02..21040.7 rows=6611024 loops=1)\n"
					 "              Filter: ((is_cancelled = 0) AND (posting_date <= '2025-12-31'::date))\n"
					 "              Rows Removed by Filter: 48211");
			add_slow(w, r, 190.0, 61800, 0, 1, "UPDATE",
					 "UPDATE \"tabPeriod Closing Voucher\" SET gle_processing_status = 'Completed' "
					 "WHERE name = $1", NULL);
		}
		if (strstr(st->name, "create_asset_depreciation_schedules") != NULL)
			add_slow(w, r, 40.0, 22400, 0, 88214, "SELECT",
					 "SELECT name, asset, schedule_date, depreciation_amount FROM \"tabDepreciation Schedule\" "
					 "WHERE parenttype = 'Asset' ORDER BY parent, idx",
					 "Sort  (cost=141020.6..143226.1 rows=882140 width=64) (actual time=20880.1..22311.4 rows=88214 loops=1)\n"
					 "  Sort Key: parent, idx\n"
					 "  Sort Method: external merge  Disk: 61344kB\n"
					 "  ->  Seq Scan on \"tabDepreciation Schedule\"  (cost=0.00..22101.8 rows=882140 width=64)");
		if (strstr(st->name, "update_sub_voucher_type_in_gl_entries") != NULL)
		{
			add_slow(w, r, 1.0, 209800, 0, 6611024, "UPDATE",
					 "UPDATE \"tabGL Entry\" SET voucher_subtype = CASE voucher_type WHEN 'Journal Entry' "
					 "THEN (SELECT voucher_type FROM \"tabJournal Entry\" je WHERE je.name = voucher_no) "
					 "ELSE voucher_type END",
					 "Update on \"tabGL Entry\"  (cost=0.00..9120440.1 rows=6611024 width=1022)\n"
					 "  ->  Seq Scan on \"tabGL Entry\"  (cost=0.00..9120440.1 rows=6611024 width=1022)\n"
					 "        SubPlan 1\n"
					 "          ->  Index Scan using \"tabJournal Entry_pkey\" on \"tabJournal Entry\" je  (cost=0.42..1.3 rows=1 width=14)");
			w->deadlocks[0].id = 311;
			w->deadlocks[0].detected_at = r->started_at + 120;
			w->deadlocks[0].victim_patch = s(r->name);
			w->deadlocks[0].participants = 2;
			w->deadlocks[0].tables = s("public.\"tabGL Entry\", public.\"tabPayment Ledger Entry\"");
			w->deadlocks[0].raw = s("Process 81422 waits for ShareLock on transaction 99120433; blocked by process 81377.\n"
									"Process 81377 waits for ShareLock on transaction 99120431; blocked by process 81422.\n"
									"Process 81422: UPDATE \"tabPayment Ledger Entry\" SET delinked = 0 WHERE voucher_no = $1\n"
									"Process 81377: UPDATE \"tabGL Entry\" SET voucher_subtype = $1 WHERE name = $2");
			w->ndeadlocks = 1;
		}
		if (strstr(st->name, "create_advance_payment_status") != NULL)
			add_slow(w, r, 12.0, 5600, 0, 20411, "UPDATE",
					 "UPDATE \"tabSales Order\" SET advance_payment_status = 'Not Requested' "
					 "WHERE docstatus = 1 AND advance_payment_status IS NULL", NULL);
		if (strstr(st->name, "link_purchase_item_to_asset_doc") != NULL)
			add_slow(w, r, 3.0, 7300, 2900, 3120, "UPDATE",
					 "UPDATE \"tabAsset\" a SET purchase_receipt_item = pri.name FROM \"tabPurchase Receipt Item\" pri "
					 "WHERE pri.parent = a.purchase_receipt AND pri.item_code = a.item_code", NULL);
		if (fails)
		{
			add_slow(w, r, 46.5, 1480, 0, -1, "INSERT",
					 "INSERT INTO \"tabItem Wise Tax Detail\" (name, parent, item_row, tax_row, rate, amount) "
					 "VALUES ($1, $2, $3, $4, $5, $6)", NULL);
			r->error_sqlstate = s("23505");
			r->error_message = s("duplicate key value violates unique constraint \"tabItem Wise Tax Detail_pkey\"\n"
								 "DETAIL:  Key (name)=(SINV-2025-01882-tax-3) already exists.");
			r->error_statement = s("INSERT INTO \"tabItem Wise Tax Detail\" (name, parent, item_row, tax_row, rate, amount) "
								   "VALUES ('SINV-2025-01882-tax-3', 'SINV-2025-01882', 'a81f', 'b20c', 18, 1204.5)");
			break;				/* bench migrate stops at a failing patch */
		}
		t += st->seconds + 0.05;
	}
	for (i = 0; i < w->nruns; i++)
	{
		size_t		k;

		for (k = 0; k < w->nslow; k++)
			w->runs[i].slow_statements += w->slow[k].run_id == w->runs[i].run_id;
	}
}

static void
generated(UkReportWindow *w, size_t n)
{
	double		t = START;
	char		name[128];
	size_t		i;

	w->engine = s("mariadb");
	w->window_id = 1;
	w->reason = s("generated window");
	w->entered_at = START;
	w->exited_at = START + (double) n * 0.8 + 60;
	w->expected_end = -1;
	w->exit_status = 0;
	w->unattributed_statements = -1;
	w->runs = calloc(n ? n : 1, sizeof(UkReportRun));
	for (i = 0; i < n; i++)
	{
		UkReportRun *r;

		snprintf(name, sizeof(name), "module_%zu:migrations/16.0.1.%zu/post-migrate.py", i / 10, i);
		r = add_run(w, n, name, "odoo:module", i % 97 == 13 ? "skipped" : "succeeded",
					t, i % 50 == 0 ? 20.0 : 0.3, 10);
		if (i % 10 != 0)
			r->parent_run_id = w->runs[i - i % 10].run_id;
		else
			t += 0.1;
		t += i % 50 == 0 ? 2.0 : 0.5;
	}
}

int
main(int argc, char **argv)
{
	UkReportWindow w;
	UkError    *err = NULL;
	FILE	   *f;
	int			a = 1;
	long		n = -1;

	if (argc >= 3 && strcmp(argv[1], "--runs") == 0)
	{
		n = atol(argv[2]);
		a = 3;
	}
	if (argc - a < 1 || argc - a > 2 || (a == 3 && n < 0))
	{
		fprintf(stderr, "usage: report_fixture [--runs N] OUT.html [OUT.json]\n");
		return 2;
	}
	memset(&w, 0, sizeof(w));
	if (n >= 0)
		generated(&w, (size_t) n);
	else
		realistic(&w);
	for (; a < argc; a++)
	{
		bool		json = strstr(argv[a], ".json") != NULL;

		f = fopen(argv[a], "w");
		if (f == NULL || (json ? uk_report_write_json(f, &w, &err) :
						  uk_report_write_html(f, &w, &err)) != UK_OK)
		{
			fprintf(stderr, "report_fixture: %s: %s\n", argv[a], err ? err->message : "cannot open");
			return 1;
		}
		fclose(f);
	}
	printf("%zu\n", w.nruns);
	uk_report_window_free(&w);
	return 0;
}
