/* Link impairment values in tc's units, both ways. */
#include "topo/impair.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *const impair_keys[] = { "delay", "jitter", "loss", "rate", NULL };

typedef struct unit {
	const char *name;
	uint64_t scale;          /* in the base unit: us, or bits per second */
} unit;

static const unit time_units[] = {
	{ "us", 1 }, { "usec", 1 }, { "usecs", 1 },
	{ "ms", 1000 }, { "msec", 1000 }, { "msecs", 1000 },
	{ "s", 1000000 }, { "sec", 1000000 }, { "secs", 1000000 },
	{ NULL, 0 },
};

/* tc's table (iproute2 tc/tc_util.c): bits, and bytes ("bps") times 8. */
static const unit rate_units[] = {
	{ "bit", 1 },
	{ "kbit", 1000ULL }, { "mbit", 1000000ULL }, { "gbit", 1000000000ULL },
	{ "tbit", 1000000000000ULL },
	{ "kibit", 1024ULL }, { "mibit", 1048576ULL }, { "gibit", 1073741824ULL },
	{ "tibit", 1099511627776ULL },
	{ "bps", 8 },
	{ "kbps", 8000ULL }, { "mbps", 8000000ULL }, { "gbps", 8000000000ULL },
	{ "tbps", 8000000000000ULL },
	{ "kibps", 8192ULL }, { "mibps", 8388608ULL }, { "gibps", 8589934592ULL },
	{ "tibps", 8796093022208ULL },
	{ NULL, 0 },
};

static void say(char *err, size_t errsz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(char *err, size_t errsz, const char *fmt, ...)
{
	if (err == NULL || errsz == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

/* A decimal number at the start of s: its digits as one integer and how
 * many of them follow the point ("1.25" -> 125, 2).  At most 18 digits,
 * so that the integer fits with room to scale. */
static bool decimal(const char *s, uint64_t *mant, unsigned *frac, const char **rest)
{
	uint64_t m = 0;
	unsigned digits = 0, f = 0;
	bool point = false;
	for (; *s; s++) {
		if (*s == '.' && !point) {
			point = true;
			continue;
		}
		if (*s < '0' || *s > '9')
			break;
		if (++digits > 18)
			return false;
		m = m * 10 + (uint64_t)(*s - '0');
		f += point;
	}
	*mant = m;
	*frac = f;
	*rest = s;
	return digits > 0;
}

/* Text = number + unit of `units`, as an integer in the base unit.  Exact
 * or refused: a value finer than the base unit is an error, never
 * rounded.  `example` shows the form in messages. */
static bool scaled(const char *text, const unit *units, const char *example,
		   const char *unitnames, const char *finest, uint64_t max, uint64_t *out,
		   char *err, size_t errsz)
{
	if (text == NULL || text[0] == '\0') {
		say(err, errsz, "an empty value (write it like \"%s\")", example);
		return false;
	}
	if (text[0] == '-') {
		say(err, errsz, "\"%s\" is negative", text);
		return false;
	}
	uint64_t mant;
	unsigned frac;
	const char *rest;
	if (!decimal(text, &mant, &frac, &rest)) {
		say(err, errsz, "\"%s\" is not a value like \"%s\"", text, example);
		return false;
	}
	if (*rest == '\0') {
		if (mant == 0) {
			*out = 0;
			return true;
		}
		say(err, errsz, "\"%s\" has no unit (write it like \"%s\")", text, example);
		return false;
	}
	const unit *u = units;
	while (u->name && strcasecmp(u->name, rest) != 0)
		u++;
	if (u->name == NULL) {
		say(err, errsz, "unknown unit \"%s\" in \"%s\" (%s)", rest, text, unitnames);
		return false;
	}
	/* mant / 10^frac * scale, exactly: both sides reduced by their
	 * common factor first, so that no step can overflow needlessly. */
	uint64_t div = 1;
	for (unsigned i = 0; i < frac; i++)
		div *= 10;
	uint64_t a = u->scale, b = div;
	while (b) {
		uint64_t r = a % b;
		a = b;
		b = r;
	}
	uint64_t scale = u->scale / a;
	div /= a;
	if (mant % div != 0) {
		say(err, errsz, "\"%s\" is finer than %s", text, finest);
		return false;
	}
	mant /= div;
	if (mant > UINT64_MAX / scale) {
		say(err, errsz, "\"%s\" is too large", text);
		return false;
	}
	uint64_t v = mant * scale;
	if (v > max) {
		char lim[32];
		if (units == time_units)
			impair_format_time(max, lim, sizeof lim);
		else
			impair_format_rate(max, lim, sizeof lim);
		say(err, errsz, "\"%s\" is more than %s", text, lim);
		return false;
	}
	*out = v;
	return true;
}

bool impair_parse_time(const char *text, uint64_t *us, char *err, size_t errsz)
{
	return scaled(text, time_units, "20ms", "use us, ms or s", "a microsecond",
		      IMPAIR_TIME_MAX_US, us, err, errsz);
}

bool impair_parse_rate(const char *text, uint64_t *bps, char *err, size_t errsz)
{
	return scaled(text, rate_units, "10mbit", "use bit, kbit, mbit, gbit, or bps, kbps, "
		      "mbps for bytes per second, as tc does", "a bit per second",
		      IMPAIR_RATE_MAX_BPS, bps, err, errsz);
}

bool impair_parse_loss(const char *text, uint32_t *ppm, char *err, size_t errsz)
{
	static const unit percent[] = { { "%", 10000 }, { NULL, 0 } };
	uint64_t v;
	if (text && text[0] && strchr(text, '%') == NULL && strcmp(text, "0") != 0) {
		say(err, errsz, "\"%s\" is not a percentage like \"1%%\"", text);
		return false;
	}
	if (!scaled(text, percent, "1%", "write a percentage", "0.0001%",
		    IMPAIR_LOSS_MAX_PPM, &v, err, errsz)) {
		if (err && strstr(err, "is more than"))
			say(err, errsz, "\"%s\" is more than 100%%", text);
		return false;
	}
	*ppm = (uint32_t)v;
	return true;
}

bool impair_set(topo_impair *im, const char *key, const char *text, char *err,
		size_t errsz)
{
	char why[200] = "";
	bool ok;
	topo_impair n = *im;
	if (strcmp(key, "delay") == 0) {
		ok = impair_parse_time(text, &n.delay_us, why, sizeof why);
		n.given |= IMPAIR_DELAY;
	} else if (strcmp(key, "jitter") == 0) {
		ok = impair_parse_time(text, &n.jitter_us, why, sizeof why);
		n.given |= IMPAIR_JITTER;
	} else if (strcmp(key, "loss") == 0) {
		ok = impair_parse_loss(text, &n.loss_ppm, why, sizeof why);
		n.given |= IMPAIR_LOSS;
	} else if (strcmp(key, "rate") == 0) {
		ok = impair_parse_rate(text, &n.rate_bps, why, sizeof why);
		n.given |= IMPAIR_RATE;
	} else {
		say(err, errsz, "unknown link setting \"%s\" (known: delay, jitter, loss, rate)",
		    key);
		return false;
	}
	if (!ok) {
		say(err, errsz, "%s: %s", key, why);
		return false;
	}
	*im = n;
	return true;
}

void impair_overlay(topo_impair *base, const topo_impair *over)
{
	if (over->given & IMPAIR_DELAY)
		base->delay_us = over->delay_us;
	if (over->given & IMPAIR_JITTER)
		base->jitter_us = over->jitter_us;
	if (over->given & IMPAIR_LOSS)
		base->loss_ppm = over->loss_ppm;
	if (over->given & IMPAIR_RATE)
		base->rate_bps = over->rate_bps;
	base->given |= over->given;
}

bool impair_active(const topo_impair *im)
{
	return im->delay_us || im->jitter_us || im->loss_ppm || im->rate_bps;
}

bool impair_consistent(const topo_impair *im, char *err, size_t errsz)
{
	if (im->jitter_us <= im->delay_us)
		return true;
	char j[32], d[32];
	impair_format_time(im->jitter_us, j, sizeof j);
	impair_format_time(im->delay_us, d, sizeof d);
	if (err && errsz)
		snprintf(err, errsz, "jitter %s is more than the delay (%s): a frame cannot leave "
			 "before it arrives", j, d);
	return false;
}

/* v / div with the fraction written out and its trailing zeros cut. */
static void fixed(uint64_t v, uint64_t div, const char *unit, char *out, size_t n)
{
	uint64_t whole = v / div, rest = v % div;
	if (rest == 0) {
		snprintf(out, n, "%llu%s", (unsigned long long)whole, unit);
		return;
	}
	/* The fraction's digits, leading zeros kept (div is a power of ten). */
	char frac[24];
	size_t len = 0;
	for (uint64_t d = div / 10; d > 0 && len + 1 < sizeof frac; d /= 10)
		frac[len++] = (char)('0' + (rest / d) % 10);
	frac[len] = '\0';
	while (len > 0 && frac[len - 1] == '0')
		frac[--len] = '\0';
	snprintf(out, n, "%llu.%s%s", (unsigned long long)whole, frac, unit);
}

void impair_format_time(uint64_t us, char *out, size_t n)
{
	if (us == 0)
		snprintf(out, n, "0");
	else if (us >= 1000000)
		fixed(us, 1000000, "s", out, n);
	else if (us >= 1000)
		fixed(us, 1000, "ms", out, n);
	else
		snprintf(out, n, "%lluus", (unsigned long long)us);
}

void impair_format_loss(uint32_t ppm, char *out, size_t n)
{
	if (ppm == 0)
		snprintf(out, n, "0");
	else
		fixed(ppm, 10000, "%", out, n);
}

void impair_format_rate(uint64_t bps, char *out, size_t n)
{
	static const unit si[] = { { "tbit", 1000000000000ULL }, { "gbit", 1000000000ULL },
				   { "mbit", 1000000ULL }, { "kbit", 1000ULL }, { NULL, 0 } };
	if (bps == 0) {
		snprintf(out, n, "0");
		return;
	}
	for (const unit *u = si; u->name; u++)
		if (bps >= u->scale) {
			fixed(bps, u->scale, u->name, out, n);
			return;
		}
	snprintf(out, n, "%llubit", (unsigned long long)bps);
}

void impair_describe(const topo_impair *im, char *out, size_t n)
{
	char v[32];
	size_t used = 0;
	out[0] = '\0';
	for (int i = 0; i < 4 && used < n; i++) {
		bool on;
		switch (i) {
		case 0: on = im->delay_us; impair_format_time(im->delay_us, v, sizeof v); break;
		case 1: on = im->jitter_us; impair_format_time(im->jitter_us, v, sizeof v); break;
		case 2: on = im->loss_ppm; impair_format_loss(im->loss_ppm, v, sizeof v); break;
		default: on = im->rate_bps; impair_format_rate(im->rate_bps, v, sizeof v); break;
		}
		if (!on)
			continue;
		int w = snprintf(out + used, n - used, "%s%s=%s", used ? " " : "", impair_keys[i], v);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	if (out[0] == '\0')
		snprintf(out, n, "none");
}

topo_impair topo_link_impair(const topo *t, const topo_node *n, size_t net)
{
	topo_impair im = { 0 };
	if (net < t->nnetworks)
		im = t->networks[net].impair;
	for (size_t i = 0; i < n->nlinks; i++)
		if (n->links[i].network == net)
			impair_overlay(&im, &n->links[i].impair);
	return im;
}
