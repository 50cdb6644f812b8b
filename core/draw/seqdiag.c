/* Sequence diagrams from hops. */
#include "draw/seqdiag.h"

#include <stdlib.h>
#include <string.h>

#define LANE_MIN 20

static size_t lane_of(const hop_list *l, const char *name)
{
	for (size_t i = 0; i < l->nlanes; i++)
		if (strcmp(l->lanes[i], name) == 0)
			return i;
	return 0;
}

/* Print a row without its trailing blanks. */
static void put_row(FILE *out, char *row)
{
	size_t end = strlen(row);
	while (end > 0 && row[end - 1] == ' ')
		row[--end] = '\0';
	fprintf(out, "%s\n", row);
}

static void timing(const hop *h, char *out, size_t n)
{
	if (h->took_ms < 0)
		out[0] = '\0';
	else if (h->took_ms == 0)
		snprintf(out, n, " (<1 ms)");
	else
		snprintf(out, n, " (%lld ms)", h->took_ms);
}

void seqdiag_text(FILE *out, const hop_list *l)
{
	size_t width = LANE_MIN;
	for (size_t i = 0; i < l->nlanes; i++)
		if (strlen(l->lanes[i]) + 4 > width)
			width = strlen(l->lanes[i]) + 4;
	size_t cols = l->nlanes * width + 2;
	char *row = malloc(cols + HOP_LABEL_MAX + 64);
	if (row == NULL)
		return;
	/* Lane names, centred over their bars. */
	memset(row, ' ', cols);
	for (size_t i = 0; i < l->nlanes; i++) {
		size_t len = strlen(l->lanes[i]), mid = i * width + width / 2;
		size_t start = mid >= len / 2 ? mid - len / 2 : 0;
		memcpy(row + start, l->lanes[i], len);
	}
	row[cols] = '\0';
	put_row(out, row);
	for (size_t r = 0; r < l->n + 1; r++) {
		memset(row, ' ', cols);
		for (size_t i = 0; i < l->nlanes; i++)
			row[i * width + width / 2] = '|';
		row[cols] = '\0';
		if (r == l->n) {
			put_row(out, row);
			break;
		}
		const hop *h = &l->h[r];
		size_t a = lane_of(l, h->from) * width + width / 2;
		size_t b = lane_of(l, h->to) * width + width / 2;
		size_t lo = a < b ? a : b, hi = a < b ? b : a;
		char t[32], text[HOP_LABEL_MAX + 48];
		timing(h, t, sizeof t);
		if (h->kind == HOP_NOTE)
			snprintf(text, sizeof text, "* %s", h->label);
		else
			snprintf(text, sizeof text, "%s%s", h->label, t);
		/* The label line: text over the lanes, right of the arrow's start. */
		size_t at = lo + 2, len = strlen(text);
		if (at + len > cols)   /* the row has room beyond the lanes */
			memset(row + cols, ' ', at + len - cols);
		memcpy(row + at, text, len);
		row[at + len > cols ? at + len : cols] = '\0';
		put_row(out, row);
		if (h->kind == HOP_NOTE)
			continue;
		memset(row, ' ', cols);
		for (size_t i = 0; i < l->nlanes; i++)
			row[i * width + width / 2] = '|';
		row[cols] = '\0';
		for (size_t c = lo + 1; c < hi; c++)
			row[c] = h->kind == HOP_LOST && (c - lo) % 2 == 0 ? ' ' : '-';
		if (h->kind == HOP_LOST)
			row[b < a ? lo + 1 : hi - 1] = 'x';
		else
			row[b < a ? lo + 1 : hi - 1] = b < a ? '<' : '>';
		put_row(out, row);
	}
	free(row);
}

/* Mermaid message text: no ';' or '#', which the grammar reads itself. */
static void mermaid_text(const char *in, char *out, size_t n)
{
	size_t o = 0;
	for (const char *p = in; *p && o + 1 < n; p++)
		out[o++] = *p == ';' ? ',' : *p == '#' ? ' ' : *p;
	out[o] = '\0';
}

void seqdiag_mermaid(FILE *out, const hop_list *l)
{
	fputs("sequenceDiagram\n", out);
	for (size_t i = 0; i < l->nlanes; i++)
		fprintf(out, "    participant P%zu as %s\n", i, l->lanes[i]);
	for (size_t r = 0; r < l->n; r++) {
		const hop *h = &l->h[r];
		char t[32], text[HOP_LABEL_MAX + 48], clean[HOP_LABEL_MAX + 48];
		timing(h, t, sizeof t);
		snprintf(text, sizeof text, "%s%s", h->label, t);
		mermaid_text(text, clean, sizeof clean);
		size_t a = lane_of(l, h->from), b = lane_of(l, h->to);
		switch (h->kind) {
		case HOP_QUERY:
			fprintf(out, "    P%zu->>P%zu: %s\n", a, b, clean);
			break;
		case HOP_REPLY:
			fprintf(out, "    P%zu-->>P%zu: %s\n", a, b, clean);
			break;
		case HOP_LOST:
			fprintf(out, "    P%zu--xP%zu: %s\n", a, b, clean);
			break;
		case HOP_NOTE:
			fprintf(out, "    Note over P%zu: %s\n", a, clean);
			break;
		}
	}
}
