/* make bench: messages parsed and built per second, for a realistic
 * response -- a CNAME and two addresses, four NS in authority, their
 * glue (A and AAAA) in additional, EDNS -- the shape of a typical
 * resolver-to-authoritative answer.  dnspython's figures for the same
 * bytes are printed beside ours when it is installed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dns/msg.h"
#include "dns/rdata.h"

#define MAX_SECONDS 3.0
#define MAX_ROUNDS 5000000

/* tests/bench/msg_peer.py, found from where this binary lives
 * (build/rel/bench/bench_msg), so the bench runs from any directory. */
static void peer_script(char *out, size_t outsz)
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	const char *tail = "/build/rel/bench/bench_msg";
	if (n > 0) {
		self[n] = '\0';
		size_t tl = strlen(tail);
		if ((size_t)n > tl && strcmp(self + n - tl, tail) == 0) {
			self[n - tl] = '\0';
			snprintf(out, outsz, "%s/tests/bench/msg_peer.py", self);
			return;
		}
	}
	snprintf(out, outsz, "tests/bench/msg_peer.py");
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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

	dns_msg m;
	dns_msg_init(&m);
	long n = 0;
	double t0 = now(), t1 = t0;
	while (n < MAX_ROUNDS && (t1 = now()) - t0 < MAX_SECONDS) {
		for (int k = 0; k < 1000; k++, n++)
			if (dns_msg_parse(&m, wire, wlen) != DNS_OK)
				return 1;
	}
	double parse_rate = (double)n / (t1 - t0);

	/* Build from the parsed records, as a server would from its data. */
	dns_rr copy[NREC];
	size_t c = 0;
	for (int s = 0; s < 3; s++)
		for (size_t i = 0; i < m.count[s]; i++)
			copy[c++] = m.rr[s][i];
	long b = 0;
	t0 = now();
	while (b < MAX_ROUNDS && (t1 = now()) - t0 < MAX_SECONDS) {
		for (int k = 0; k < 1000; k++, b++)
			if (build(out, sizeof out, copy, qname.data) != wlen)
				return 1;
	}
	double build_rate = (double)b / (t1 - t0);
	if (memcmp(out, wire, wlen) != 0) {
		fprintf(stderr, "bench_msg: rebuilt message differs\n");
		return 1;
	}
	dns_msg_free(&m);

	printf("bench_msg: a %zu-octet response, %zu records, compressed, with EDNS\n", wlen, NREC);
	printf("bench_msg: parse %10.0f msg/s  (%6.0f ns each, %zu bytes, %ld rounds)\n",
	       parse_rate, 1e9 / parse_rate, wlen, n);
	printf("bench_msg: build %10.0f msg/s  (%6.0f ns each, %zu bytes, %ld rounds)\n",
	       build_rate, 1e9 / build_rate, wlen, b);

	/* The same bytes through dnspython, for scale. */
	char hex[2 * sizeof wire + 1];
	for (size_t i = 0; i < wlen; i++)
		sprintf(hex + 2 * i, "%02x", wire[i]);
	char script[4200], cmd[8192];
	peer_script(script, sizeof script);
	snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s' %s 2>/dev/null", script, hex);
	FILE *p = popen(cmd, "r");
	double py_parse = 0, py_build = 0;
	if (p) {
		if (fscanf(p, "%lf %lf", &py_parse, &py_build) != 2)
			py_parse = py_build = 0;
		pclose(p);
	}
	if (py_parse > 0 && py_build > 0) {
		printf("bench_msg: dnspython parse %8.0f msg/s, build %8.0f msg/s (same bytes)\n",
		       py_parse, py_build);
		printf("bench_msg: ratio ours/dnspython: parse %.0fx, build %.0fx\n",
		       parse_rate / py_parse, build_rate / py_build);
	}
	else
		printf("bench_msg: dnspython not available for comparison\n");
	return 0;
}
