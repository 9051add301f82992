/*
  features.c
    The feature table the background thread iterates (features.h): one
    entry per feature, made of the feature's public functions.  Adding a
    feature means adding its entry here; worker.c does not change.

  The order matters: bootstraps run in it (maintenance first: it creates
  the schema the others' tables live in), and so does the periodic work
  (the patch log first: it runs even after a job lost the connection).
*/

#include "features.h"

const upkeep_feature upkeep_features[]=
{
  /* name           bootstrap                     work
                    serve_in_long_task  idle      run_job
                    needs_statement_events */
  { "maintenance",  upkeep_maintenance_bootstrap, NULL,
                    0, upkeep_maintenance_idle,   upkeep_maintenance_run_job,
                    upkeep_maintenance_is_on },
  { "patchlog",     upkeep_patchlog_bootstrap,    upkeep_patchlog_work,
                    1, NULL,                      NULL,
                    NULL /* its own runs: patchlog_audit_mask.c */ },
  { "window",       upkeep_window_bootstrap,      upkeep_window_work,
                    0, NULL,                      NULL,
                    NULL /* while maintenance is on: it asks */ },
  { "ha",           upkeep_ha_bootstrap,          upkeep_ha_work,
                    0, NULL,                      NULL,
                    NULL /* after window: the row names its runner */ },
  { "deadlock",     upkeep_deadlock_bootstrap,    upkeep_deadlock_work,
                    1, NULL,                      NULL,
                    NULL },
  { "advisor",      upkeep_advisor_bootstrap,     upkeep_advisor_work,
                    0, NULL,                      NULL,
                    upkeep_advise_capture_on },
  { NULL, NULL, NULL, 0, NULL, NULL, NULL }
};
