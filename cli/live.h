/*
 * cli/live.h
 *		What the user sees while an upgrade runs: the child's output passed
 *		through unchanged, and either a status block of a few lines under it,
 *		redrawn in place on a terminal, or plain timestamped lines when the
 *		output is not a terminal (CI, nohup, a pipe).
 *
 * The block is only ever drawn when the terminal's cursor is at the start
 * of a line (the last byte written to it was a newline): it is erased
 * before any output of the child and drawn again after, so it never splits
 * a line of the child's.  Our own message lines wait for the same moment.
 * Colour only on a terminal, and never when NO_COLOR is set.
 */
#ifndef UP_LIVE_H
#define UP_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conn.h"

#define LIVE_LINES 6
#define LIVE_COLS 512

/* What the block shows: the runner's own knowledge plus the last snapshot. */
typedef struct LiveView
{
	const char *title;			/* "upkeep run" / "upkeep status" */
	char		patch[512];		/* the open patch / phase / module, "" none */
	char		app[128];
	int			index,
				total;			/* n of m, 0 unknown */
	double		patch_started;	/* unix seconds */
	char		step[512];		/* an open nested step, "" none */
	int			patches_done;
	int			patches_failed;
	bool		attribution;	/* the server attributes statements */
	bool		interrupted;	/* a signal was passed on to the child */
	const Snapshot *snap;		/* the last snapshot, NULL if none yet */
} LiveView;

typedef struct Live Live;

/* tty: draw a block (when stdout is a terminal); color: allowed (NO_COLOR is checked here). */
extern Live *live_new(bool tty);
extern void live_free(Live *l);
extern bool live_is_tty(const Live *l);

/* Bytes of the child's stream (0 stdout, 1 stderr), written through unchanged. */
extern void live_output(Live *l, int stream, const char *buf, size_t len);

/* A new view: redraw the block now if the cursor allows (terminal only). */
extern void live_update(Live *l, const LiveView *v);

/* Redraw the last view if it is hidden and can be drawn (call often). */
extern void live_tick(Live *l);

/*
 * A message line of ours, "[HH:MM:SS] upkeep: ..." on stdout, written at
 * the next start of a line.
 */
extern void live_line(Live *l, const char *fmt,...) __attribute__((format(printf, 2, 3)));

/*
 * Erase the block, end the child's last line with a newline when it had
 * none (what we print next must not join it), write the waiting lines.
 */
extern void live_finish(Live *l);

/*
 * The block's lines for v into lines (at most LIVE_LINES, each cut to
 * width display columns); returns how many.  Colour escapes when color.
 */
extern int	live_format(const LiveView *v, bool color, int width,
						char lines[LIVE_LINES][LIVE_COLS]);

/* "1h02m", "4m12s", "12.3s" for a number of seconds. */
extern void live_duration(double s, char *buf, size_t len);

#endif							/* UP_LIVE_H */
