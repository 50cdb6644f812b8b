/* make bench: messages parsed and built per second, for a realistic
 * response -- a CNAME and two addresses, four NS in authority, their
 * glue (A and AAAA) in additional, EDNS -- the shape of a typical
 * resolver-to-authoritative answer.  dnspython's figures for the same
 * bytes are printed beside ours when it is installed.
 *
 * ROUNDS (default 5) interleaved rounds -- ours, then dnspython's --
 * of MSG_SECONDS (default 1) per figure; the median of each is shown,
 * and every round appended to the file named by BENCH_REPORT (when set)
 * in the tab-separated form tests/bench/report.py reads.  Runs itself
 * under tests/bench/idle.py, which says whether the machine was idle. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dns/msg.h"
#include "dns/rdata.h"

#define MAX_ROUNDS 5000000
#define MAX_BENCH_ROUNDS 101

/* A script in tests/bench (msg_peer.py, idle.py), found from where this
 * binary lives (build/rel/bench/bench_msg), so the bench runs from any
 * directory. */
static void bench_script(char *out, size_t outsz, const char *name)
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	const char *tail = "/build/rel/bench/bench_msg";
	if (n > 0) {
		self[n] = '\0';
		size_t tl = strlen(tail);
		if ((size_t)n > tl && strcmp(self + n - tl, tail) == 0) {
			self[n - tl] = '\0';
			snprintf(out, outsz, "%s/tests/bench/%s", self, name);
			return;
		}
	}
	snprintf(out, outsz, "tests/bench/%s", name);
}

/* Once: run again under idle.py (which sets BENCH_WATCHED), so the
 * report says whether the machine was idle.  When that cannot be done
 * the bench runs unwatched. */
static void rerun_watched(void)
{
	if (getenv("BENCH_WATCHED"))
		return;
	char idle[4200], self[4096];
	bench_script(idle, sizeof idle, "idle.py");
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0 || access(idle, R_OK) != 0)
		return;
	self[n] = '\0';
	fflush(stdout);
	char *argv[] = { "/usr/bin/python3", idle, "msg", self, NULL };
	execv(argv[0], argv);
	fprintf(stderr, "bench_msg: cannot run under idle.py; running unwatched\n");
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The median of n rounds (n <= MAX_BENCH_ROUNDS), leaving them in order. */
static double median(const double *rounds, int n)
{
	double v[MAX_BENCH_ROUNDS];
	memcpy(v, rounds, (size_t)n * sizeof *v);
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double env_number(const char *name, double dflt, double lo, double hi)
{
	const char *e = getenv(name);
	char *end;
	double v = e && *e ? strtod(e, &end) : dflt;
	if (e && *e && (*end || v != v)) {
		fprintf(stderr, "bench_msg: %s=%s is not a number; using %g\n", name, e, dflt);
		v = dflt;
	}
	return v < lo ? lo : v > hi ? hi : v;
}

/* One line for tests/bench/report.py: section, metric, ours, peer, the
 * peer's figure, unit, which way is better; a figure is its rounds,
 * comma-separated (the peer's "skipped" when it has none). */
static void report(const char *metric, const double *ours, const char *peer, const double *theirs,
		   int rounds, const char *unit, const char *better)
{
	const char *path = getenv("BENCH_REPORT");
	if (!path || !*path)
		return;
	FILE *f = fopen(path, "a");
	if (!f) {
		perror(path);
		return;
	}
	fprintf(f, "msg\t%s\t", metric);
	for (int r = 0; r < rounds; r++)
		fprintf(f, "%s%.1f", r ? "," : "", ours[r]);
	fprintf(f, "\t%s\t", peer);
	if (theirs)
		for (int r = 0; r < rounds; r++)
			fprintf(f, "%s%.1f", r ? "," : "", theirs[r]);
	else
		fprintf(f, "skipped");
	fprintf(f, "\t%s\tbetter=%s\n", unit, better);
	fclose(f);
}

static void report_note(int rounds, double seconds)
{
	const char *path = getenv("BENCH_REPORT");
	FILE *f = path && *path ? fopen(path, "a") : NULL;
	if (!f)
		return;
	fprintf(f, "# msg\t%d round%s of %gs per figure, ours and dnspython's interleaved, "
		"one process\n", rounds, rounds == 1 ? "" : "s", seconds);
	fclose(f);
}

struct rec {
	const char *owner;
	uint16_t type;
	const char *rdata;
	int section;
};

static const struct rec records[] = {
	{ "www.example.com.", DNS_T_CNAME, "web.example.com.", 1 },
	{ "web.example.com.", DNS_T_A, "192.0.2.80", 1 },
	{ "web.example.com.", DNS_T_A, "192.0.2.81", 1 },
	{ "example.com.", DNS_T_NS, "ns1.example.com.", 2 },
	{ "example.com.", DNS_T_NS, "ns2.example.com.", 2 },
	{ "example.com.", DNS_T_NS, "ns3.example.com.", 2 },
	{ "example.com.", DNS_T_NS, "ns4.example.com.", 2 },
	{ "ns1.example.com.", DNS_T_A, "192.0.2.1", 3 },
	{ "ns1.example.com.", DNS_T_AAAA, "2001:db8::1", 3 },
	{ "ns2.example.com.", DNS_T_A, "192.0.2.2", 3 },
	{ "ns2.example.com.", DNS_T_AAAA, "2001:db8::2", 3 },
	{ "ns3.example.com.", DNS_T_A, "192.0.2.3", 3 },
	{ "ns3.example.com.", DNS_T_AAAA, "2001:db8::3", 3 },
	{ "ns4.example.com.", DNS_T_A, "192.0.2.4", 3 },
	{ "ns4.example.com.", DNS_T_AAAA, "2001:db8::4", 3 },
};
#define NREC (sizeof records / sizeof records[0])

static size_t build(uint8_t *buf, size_t cap, const dns_rr *rrs, const uint8_t *qname)
{
	dns_builder b;
	dns_header h = { .id = 4242, .flags = DNS_F_QR | DNS_F_AA | DNS_F_RD };
	if (dns_build_init(&b, buf, cap, &h) || dns_build_reserve(&b, 11) ||
	    dns_build_question(&b, qname, DNS_T_A, DNS_C_IN))
		return 0;
	for (size_t i = 0; i < NREC; i++)
		if (dns_build_rr(&b, records[i].section, &rrs[i]) != DNS_OK)
			return 0;
	dns_edns e = { .present = true, .udp_size = 1232 };
	if (dns_build_edns(&b, &e))
		return 0;
	return dns_build_finish(&b);
}

int main(void)
{
	rerun_watched();
	static dns_name owners[NREC], qname;
	static uint8_t rd[NREC][300];
	dns_rr rrs[NREC];
	for (size_t i = 0; i < NREC; i++) {
		dns_token t = { .text = records[i].rdata, .len = strlen(records[i].rdata) };
		size_t len;
		if (dns_name_from_text(&owners[i], records[i].owner, strlen(records[i].owner), NULL) ||
		    dns_rdata_from_text(records[i].type, &t, 1, NULL, rd[i], sizeof rd[i], &len, NULL)) {
			fprintf(stderr, "bench_msg: bad record %zu\n", i);
			return 1;
		}
		rrs[i] = (dns_rr){ owners[i].data, records[i].type, DNS_C_IN, 300, (uint16_t)len, rd[i] };
	}
	if (dns_name_from_text(&qname, "www.example.com.", 16, NULL))
		return 1;
	uint8_t wire[1232], out[1232];
	size_t wlen = build(wire, sizeof wire, rrs, qname.data);
	if (wlen == 0) {
		fprintf(stderr, "bench_msg: building the message failed\n");
		return 1;
	}

	int rounds = (int)env_number("ROUNDS", 5, 1, MAX_BENCH_ROUNDS);
	double seconds = env_number("MSG_SECONDS", 1.0, 0.05, 60);

	/* The same bytes through dnspython, for scale: its command line. */
	char hex[2 * sizeof wire + 1];
	for (size_t i = 0; i < wlen; i++)
		sprintf(hex + 2 * i, "%02x", wire[i]);
	char script[4200], cmd[8192];
	bench_script(script, sizeof script, "msg_peer.py");
	snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s' %s %g 2>/dev/null", script, hex, seconds);

	static double parse_r[MAX_BENCH_ROUNDS], build_r[MAX_BENCH_ROUNDS];
	static double py_parse_r[MAX_BENCH_ROUNDS], py_build_r[MAX_BENCH_ROUNDS];
	long n = 0, b = 0;
	bool have_py = true;
	dns_msg m;
	dns_msg_init(&m);
	for (int r = 0; r < rounds; r++) {
		long rn = 0;
		double t0 = now(), t1 = t0;
		while (rn < MAX_ROUNDS && (t1 = now()) - t0 < seconds) {
			for (int k = 0; k < 1000; k++, rn++)
				if (dns_msg_parse(&m, wire, wlen) != DNS_OK)
					return 1;
		}
		parse_r[r] = (double)rn / (t1 - t0);
		n += rn;

		/* Build from the parsed records, as a server would from its data. */
		dns_rr copy[NREC];
		size_t c = 0;
		for (int s = 0; s < 3; s++)
			for (size_t i = 0; i < m.count[s]; i++)
				copy[c++] = m.rr[s][i];
		long rb = 0;
		t0 = now();
		while (rb < MAX_ROUNDS && (t1 = now()) - t0 < seconds) {
			for (int k = 0; k < 1000; k++, rb++)
				if (build(out, sizeof out, copy, qname.data) != wlen)
					return 1;
		}
		build_r[r] = (double)rb / (t1 - t0);
		b += rb;
		if (memcmp(out, wire, wlen) != 0) {
			fprintf(stderr, "bench_msg: rebuilt message differs\n");
			return 1;
		}

		if (have_py) {
			FILE *p = popen(cmd, "r");
			double pp = 0, pb = 0;
			if (p) {
				if (fscanf(p, "%lf %lf", &pp, &pb) != 2)
					pp = pb = 0;
				pclose(p);
			}
			if (pp > 0 && pb > 0) {
				py_parse_r[r] = pp;
				py_build_r[r] = pb;
			}
			else
				have_py = false;
		}
	}
	dns_msg_free(&m);

	double parse_rate = median(parse_r, rounds), build_rate = median(build_r, rounds);
	printf("bench_msg: a %zu-octet response, %zu records, compressed, with EDNS; "
	       "median of %d round%s of %gs\n", wlen, NREC, rounds, rounds == 1 ? "" : "s", seconds);
	printf("bench_msg: parse %10.0f msg/s  (%6.0f ns each, %zu bytes, %ld messages in all)\n",
	       parse_rate, 1e9 / parse_rate, wlen, n);
	printf("bench_msg: build %10.0f msg/s  (%6.0f ns each, %zu bytes, %ld messages in all)\n",
	       build_rate, 1e9 / build_rate, wlen, b);

	double py_parse = 0, py_build = 0;
	if (have_py) {
		py_parse = median(py_parse_r, rounds);
		py_build = median(py_build_r, rounds);
		printf("bench_msg: dnspython parse %8.0f msg/s, build %8.0f msg/s (same bytes)\n",
		       py_parse, py_build);
		printf("bench_msg: ratio ours/dnspython: parse %.0fx, build %.0fx\n",
		       parse_rate / py_parse, build_rate / py_build);
	}
	else
		printf("bench_msg: dnspython not available for comparison\n");
	char metric[64];
	snprintf(metric, sizeof metric, "parse a %zu-octet response", wlen);
	report(metric, parse_r, "dnspython", have_py ? py_parse_r : NULL, rounds, "msg/s", "higher");
	snprintf(metric, sizeof metric, "build a %zu-octet response", wlen);
	report(metric, build_r, "dnspython", have_py ? py_build_r : NULL, rounds, "msg/s", "higher");
	report_note(rounds, seconds);
	return 0;
}
