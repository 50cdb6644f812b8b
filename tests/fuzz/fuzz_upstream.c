/* libFuzzer: hostile upstream responses against the resolver's iteration
 * and its DNSSEC validation.  A fresh resolver starts resolving a name
 * from root hints (on loopback, where nothing answers), and each chunk of
 * the input becomes the response to the query it has out: either raw
 * bytes, or -- to get past the ID and question checks into the referral,
 * answer, CNAME and negative-answer logic -- a header and the sections
 * from the input around the question the resolver really asked.
 *
 * Half the inputs (bit 3 of the first byte) run with validation on: a
 * trust anchor for the root (the key of the replay tests' signed
 * hierarchy, tests/data/replay/dnssec/, whose clock is used), so the
 * answers' DNSKEY, DS, RRSIG, NSEC and NSEC3 records -- truncated keys,
 * wrong lengths, garbage signatures, NSEC3 with huge iterations -- go
 * through the key fetches, the chain of trust and every check.  The seed
 * corpus holds that hierarchy's real answers for www.example.test.
 * Up to sixteen rounds, so chains of referrals, CNAMEs and key fetches
 * are explored; then everything is freed (LeakSanitizer checks). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "dns/name.h"
#include "dns/rrtype.h"
#include "resolver/hints.h"
#include "resolver/resolver.h"
#include "resolver/upstream.h"

#define ROUNDS 16

static char hints_path[64], anchor_path[64];
static res_config cfg, vcfg;

/* Queries go nowhere: the fuzzer answers them itself, and glue from the
 * input must never turn into packets to real addresses. */
static bool swallow(void *ctx, const struct upq *q, const uint8_t *wire, size_t len)
{
	(void)ctx;
	(void)q;
	(void)wire;
	(void)len;
	return true;
}

static void setup(void)
{
	snprintf(hints_path, sizeof hints_path, "/tmp/fuzz_upstream_hints.%d", (int)getpid());
	FILE *f = fopen(hints_path, "w");
	if (f == NULL)
		abort();
	/* Loopback only: the queries go nowhere that answers. */
	fputs(". 3600000 IN NS a.root.test.\na.root.test. 3600000 IN A 127.0.9.9\n", f);
	fclose(f);
	snprintf(anchor_path, sizeof anchor_path, "/tmp/fuzz_upstream_anchor.%d", (int)getpid());
	f = fopen(anchor_path, "w");
	if (f == NULL)
		abort();
	fputs(". IN DNSKEY 257 3 13 nJPCzj0Gm0XNxOpqsNXhwKJSkoNKBPay"
	      "xeNG7RvvpXaR3NNxPRHzcEM0rmqqfN9XS9tf92C7K3NIIBczA3ouVA==\n", f);
	fclose(f);
	char err[256], *anchor[] = { anchor_path };
	if (!res_config_init(&cfg) || !res_config_init(&vcfg) ||
	    !res_config_set(&vcfg, "trust-anchor", anchor, 1, err, sizeof err))
		abort();
	upstream_set_transport(swallow, NULL);
}

static size_t take(const uint8_t **data, size_t *size, size_t n)
{
	if (n > *size)
		n = *size;
	*data += n;
	*size -= n;
	return n;
}

/* A response for q: the input's header (ID made q's, QR set), q's own
 * question, then the input's bytes as the record sections. */
static size_t shaped(const struct upq *q, const uint8_t *in, size_t len, uint8_t *out,
		     size_t cap)
{
	if (len < 12)
		return 0;
	size_t qlen = dns_name_length(q->qname.data);
	if (12 + qlen + 4 + (len - 12) > cap)
		return 0;
	memcpy(out, in, 12);
	out[0] = (uint8_t)(q->id >> 8);
	out[1] = (uint8_t)q->id;
	out[2] |= 0x80;
	out[4] = 0;
	out[5] = 1;
	memcpy(out + 12, q->qname.data, qlen);
	out[12 + qlen] = (uint8_t)(q->qtype >> 8);
	out[12 + qlen + 1] = (uint8_t)q->qtype;
	out[12 + qlen + 2] = 0;
	out[12 + qlen + 3] = DNS_C_IN;
	memcpy(out + 12 + qlen + 4, in + 12, len - 12);
	return 12 + qlen + 4 + (len - 12);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	if (!ready) {
		setup();
		ready = true;
	}
	if (size < 2)
		return 0;
	resolver r;
	memset(&r, 0, sizeof r);
	bool validating = data[0] & 8;
	r.cfg = validating ? &vcfg : &cfg;
	infra_init(&r.infra);
	dns_msg_init(&r.client_msg);
	dns_msg_init(&r.upstream_msg);
	r.cache = rcache_new(1 << 20, 86400, 3600);
	r.epfd = epoll_create1(EPOLL_CLOEXEC);
	char err[256];
	r.now_ms = 1000000;
	/* FUZZ_TRACE=1: the resolver's trace on stderr, to see how far a
	 * seed gets. */
	if (getenv("FUZZ_TRACE"))
		r.trace = stderr;
	if (r.cache == NULL || r.epfd < 0 || !hints_load(&r, hints_path, err, sizeof err) ||
	    !val_init(&r, err, sizeof err))
		abort();
	if (validating != r.val.active)
		abort();
	val_set_clock(&r, 1748736000);  /* 2025-06-01, inside the seeds' signatures */
	static const uint16_t types[4] = { DNS_T_A, DNS_T_AAAA, DNS_T_MX, DNS_T_TXT };
	uint16_t qtype = types[data[0] & 3];
	const char *name = data[0] & 4 ? "www.example.test." : "www.example.com.";
	take(&data, &size, 1);
	dns_name qname;
	dns_name_from_text(&qname, name, strlen(name), NULL);
	bool joined;
	request *rq = res_request(&r, qname.data, qtype, DNS_C_IN, NULL, &joined);
	/* Started as clients.c starts it: woken, then run. */
	if (rq)
		res_wake(&r, rq);
	res_run_wakeups(&r);
	uint8_t *buf = malloc(65536 + 512);
	for (int round = 0; rq && buf && round < ROUNDS && size >= 3 && r.upstream; round++) {
		/* Each chunk: a flag byte, a length, the bytes. */
		bool raw = data[0] & 1;
		size_t len = (size_t)data[1] | ((size_t)(data[2] & 0x7f) << 8);
		take(&data, &size, 3);
		const uint8_t *chunk = data;
		len = take(&data, &size, len);
		struct upq *q = r.upstream;
		r.now_ms += 3;
		if (raw) {
			upstream_deliver(&r, q, chunk, len);
		} else {
			size_t n = shaped(q, chunk, len, buf, 65536 + 512);
			if (n)
				upstream_deliver(&r, q, buf, n);
		}
		res_run_wakeups(&r);
	}
	free(buf);
	upstream_free_all(&r);
	res_free_requests(&r);
	rrlist_free(&r.hints);
	rcache_free(r.cache);
	val_free(&r);
	infra_free(&r.infra);
	dns_msg_free(&r.client_msg);
	dns_msg_free(&r.upstream_msg);
	close(r.epfd);
	return 0;
}
