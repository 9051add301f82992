/*
 * uk_advisor_arena.c
 *		The arena all of an index advisor's memory comes from (see
 *		uk_advisor_int.h): 64 kB chunks handed out in zeroed, 16-byte
 *		aligned pieces and freed in one go.
 *
 * Each advisor has two: one for its copy of the workload and the
 * candidates, one for the strings of the advice, which every
 * uk_advisor_select() starts over.  Not thread safe, like the advisor.
 */
#include <stdlib.h>
#include <string.h>

#include "uk_advisor_int.h"

typedef struct Chunk
{
	struct Chunk *next;
	size_t		used;
	size_t		cap;
	/* data follows, 16-byte aligned */
} Chunk;

#define CHUNK_HEAD ((sizeof(Chunk) + 15) & ~(size_t) 15)
#define CHUNK_SIZE (64 * 1024)

void *
uk_adv_arena_alloc(Arena *ar, size_t n)
{
	Chunk	   *c = ar->head;
	void	   *p;

	n = (n + 15) & ~(size_t) 15;
	if (n == 0)
		n = 16;
	if (c == NULL || c->cap - c->used < n)
	{
		size_t		cap = n > CHUNK_SIZE / 2 ? n : CHUNK_SIZE;

		c = malloc(CHUNK_HEAD + cap);
		if (c == NULL)
			return NULL;
		c->used = 0;
		c->cap = cap;
		/* a big block goes behind the current chunk, so it stays current */
		if (cap == n && ar->head != NULL)
		{
			c->next = ar->head->next;
			ar->head->next = c;
		}
		else
		{
			c->next = ar->head;
			ar->head = c;
		}
	}
	p = (char *) c + CHUNK_HEAD + c->used;
	c->used += n;
	memset(p, 0, n);
	return p;
}

char *
uk_adv_arena_strdup(Arena *ar, const char *s)
{
	size_t		n = strlen(s != NULL ? s : "");
	char	   *p = uk_adv_arena_alloc(ar, n + 1);

	if (p != NULL)
		memcpy(p, s != NULL ? s : "", n + 1);
	return p;
}

void
uk_adv_arena_free(Arena *ar)
{
	Chunk	   *c = ar->head;

	while (c != NULL)
	{
		Chunk	   *next = c->next;

		free(c);
		c = next;
	}
	ar->head = NULL;
}
