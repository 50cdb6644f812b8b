/* `sim trace NAME [TYPE] [--from NODE] [--cold] [--mermaid|--json]`: ask
 * a client's resolver for NAME from inside the client, then draw what the
 * resolver really did, read back from its trace file -- or, for another
 * program (Unbound, BIND, ...), from the packets captured in its
 * namespace meanwhile (--json: the hops as data and the same text, for
 * the web view). */
#include "sim/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dns/ede.h"
#include "dns/msg.h"
#include "dns/name.h"
#include "dns/rrtype.h"
#include "io/addr.h"
#include "io/clock.h"
#include "io/readfile.h"
#include "io/unixcall.h"
#include "draw/hops.h"
#include "draw/json.h"
#include "netns/netns.h"
#include "runtime/capture.h"
#include "runtime/probe.h"
#include "runtime/programs.h"
#include "topo/render.h"
#include "draw/seqdiag.h"
#include "netns/state.h"

#define TRACE_WAIT_MS 15000
/* After the answer: how long to wait for the resolver's last packets. */
#define CAPTURE_QUIET_MS 100

typedef struct lanes_ctx {
	node_line *nodes;
	size_t n;
} lanes_ctx;

/* "198.18.1.4#53" -> "a-root" */
static const char *server_name(void *ctx, const char *addr)
{
	lanes_ctx *c = ctx;
	char host[96];
	snprintf(host, sizeof host, "%s", addr);
	char *hash = strrchr(host, '#');
	if (hash)
		*hash = '\0';
	const node_line *n = nodelist_find_addr(c->nodes, c->n, host);
	return n ? n->name : NULL;
}

/* The first nameserver in the node's resolv.conf. */
static int client_resolver(const char *ns, char *out, size_t n)
{
	char path[512], *text;
	size_t len;
	snprintf(path, sizeof path, "%s/%s/resolv.conf", NETNS_ETC_DIR, ns);
	int e = io_read_file(NULL, path, &text, &len);
	if (e)
		return -e;
	int rc = -ENOENT;
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save))
		if (sscanf(l, "nameserver %63s", out) == 1 && n >= 64) {
			rc = 0;
			break;
		}
	free(text);
	return rc;
}

static off_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? st.st_size : 0;
}

int cmd_trace(const char *name, int argc, char **argv)
{
	const char *qname_text = NULL, *qtype_text = "A", *from = "laptop";
	bool cold = false, mermaid = false, json = false;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--cold") == 0)
			cold = true;
		else if (strcmp(argv[i], "--mermaid") == 0)
			mermaid = true;
		else if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (strcmp(argv[i], "--from") == 0 && i + 1 < argc)
			from = argv[++i];
		else if (argv[i][0] == '-')
			return die("trace: unknown option %s", argv[i]);
		else if (qname_text == NULL)
			qname_text = argv[i];
		else
			qtype_text = argv[i];
	}
	if (qname_text == NULL)
		return verb_usage("trace");
	if (!need_root())
		return 1;
	dns_name qname;
	uint16_t qtype;
	if (dns_name_from_text(&qname, qname_text, strlen(qname_text), dns_name_root) != DNS_OK)
		return die("\"%s\" is not a domain name", qname_text);
	if (dns_type_from_text(qtype_text, strlen(qtype_text), &qtype) != DNS_OK)
		return die("\"%s\" is not a record type", qtype_text);
	char sim[TOPO_NAME_MAX + 1], ns[128];
	if (node_args(name, from, sim, sizeof sim, ns, sizeof ns))
		return 1;
	lanes_ctx lc;
	if (nodelist_read(sim, &lc.nodes, &lc.n) < 0)
		return die("sim %s is not up", sim);
	int rc = 1, capfd = -1;
	char resolver_addr[64];
	const node_line *res = NULL;
	if (client_resolver(ns, resolver_addr, sizeof resolver_addr) < 0) {
		die("node %s has no resolver in its resolv.conf (choose a client with --from)", from);
		goto out;
	}
	res = nodelist_find_addr(lc.nodes, lc.n, resolver_addr);
	if (res == NULL || strcmp(res->service, "resolver") != 0) {
		die("node %s asks %s, which is not a resolver of this sim: nothing to trace",
		    from, resolver_addr);
		goto out;
	}
	char dir[512], sub[128], control[600], tracefile[600];
	snprintf(sub, sizeof sub, "nodes/%s", res->name);
	state_path(dir, sizeof dir, sim, sub);
	snprintf(control, sizeof control, "%s/control", dir);
	snprintf(tracefile, sizeof tracefile, "%s/trace.jsonl", dir);
	/* Another program writes no trace of ours: its packets tell. */
	topo_software sw = programs_of_node(sim, res->name);
	if (sw != SW_DNSIM) {
		/* Twice: a resolver may still be fetching in the background
		 * what its last answer needed (nameservers' addresses), and
		 * cache that after the first flush. */
		for (int round = 0; cold && round < 2; round++) {
			char *said = NULL;
			if (programs_cache(sim, res->name, sw, "flush", NULL, &said) != 0) {
				die("cannot flush %s's cache (%s): %s", res->name,
				    software_get(sw)->title, said ? said : "no answer");
				free(said);
				goto out;
			}
			free(said);
			struct timespec pause = { 0, round == 0 ? 150 * 1000000 : 0 };
			nanosleep(&pause, NULL);
		}
		char rns[128];
		netns_node_name(rns, sizeof rns, sim, res->name);
		if ((capfd = capture_open(rns)) < 0) {
			die("cannot watch %s's packets: %s", res->name, strerror(-capfd));
			goto out;
		}
	} else if (cold) {
		char *reply = unix_call(control, "flush", 5000);
		if (reply == NULL) {
			die("cannot reach %s's control socket to flush its cache: %s", res->name,
			    strerror(errno));
			goto out;
		}
		free(reply);
	}
	net_addr to;
	if (!net_addr_parse(resolver_addr, 53, &to)) {
		die("resolv.conf of %s: \"%s\" is not an address", from, resolver_addr);
		goto out;
	}
	off_t offset = file_size(tracefile);
	srand((unsigned)(time(NULL) ^ getpid()));
	uint16_t id = (uint16_t)rand();
	uint8_t reply[65535];
	char err[256];
	long long t0 = clock_ms();
	size_t rlen = probe_query(ns, &to, qname.data, qtype, DNS_C_IN, id, TRACE_WAIT_MS, reply,
				  sizeof reply, err, sizeof err);
	bool retried_tcp = false;
	if (rlen >= 12 && (reply[2] & 0x02)) {
		/* Truncated: do what a stub does, ask again over TCP. */
		rlen = probe_query_tcp(ns, &to, qname.data, qtype, DNS_C_IN, id, TRACE_WAIT_MS, reply,
				       sizeof reply, err, sizeof err);
		retried_tcp = true;
	}
	long long total = clock_ms() - t0;

	char qn[DNS_NAME_MAXTEXT], qt[DNS_MNEMONIC_MAX];
	dns_name_to_text(qname.data, qn, sizeof qn, NULL);
	dns_type_to_text(qtype, qt);
	hop_list hops;
	bool ok;
	if (capfd >= 0) {
		wire_msg *wire;
		size_t nwire = capture_drain(capfd, CAPTURE_QUIET_MS, &wire);
		close(capfd);
		capfd = -1;
		ok = hops_from_wire(wire, nwire, qn, qt, id, from, res->name, server_name, &lc,
				    &hops);
		free(wire);
	} else {
		char *text = NULL;
		size_t tlen = 0;
		if (io_read_file(NULL, tracefile, &text, &tlen) != 0) {
			text = NULL;
			tlen = 0;
		}
		size_t start = (size_t)offset <= tlen ? (size_t)offset : 0;
		ok = hops_from_trace(text ? text + start : "", tlen - start, qn, qt, id, from,
				     res->name, server_name, &lc, &hops);
		free(text);
	}
	if (!ok) {
		hops_free(&hops);
		die("out of memory");
		goto out;
	}
	dns_msg m;
	dns_msg_init(&m);
	char label[HOP_LABEL_MAX], rcode[16] = "?", why[200] = "";
	if (rlen && dns_msg_parse(&m, reply, rlen) == DNS_OK) {
		dns_rcode_to_text(m.hdr.rcode, rcode);
		/* The resolver's reason, when it gave one (RFC 8914). */
		uint16_t code;
		const char *etext;
		size_t elen;
		if (m.edns.present &&
		    dns_ede_find(m.edns.options, m.edns.options_len, &code, &etext, &elen, NULL))
			snprintf(why, sizeof why, " (EDE %u, %s%s%.*s)", code, dns_ede_name(code),
				 elen ? ": " : "", (int)(elen > 150 ? 150 : elen), etext);
		snprintf(label, sizeof label, "%s, %zu answer record%s%s", rcode, m.count[0],
			 m.count[0] == 1 ? "" : "s",
			 retried_tcp ? " (over TCP: it did not fit in UDP)" : "");
		hops_add(&hops, HOP_REPLY, res->name, from, total, total, label);
	} else {
		snprintf(label, sizeof label, "%s", rlen ? "an answer that does not parse" : err);
		hops_add(&hops, HOP_LOST, res->name, from, total, total, label);
	}
	if (mermaid) {
		seqdiag_mermaid(stdout, &hops);
	} else {
		/* --json: the same text, inside the hops as data (the web view). */
		char *text = NULL;
		size_t textlen = 0;
		FILE *o = json ? open_memstream(&text, &textlen) : stdout;
		if (o == NULL) {
			die("out of memory");
			dns_msg_free(&m);
			hops_free(&hops);
			goto out;
		}
		fprintf(o, "%s %s from %s, through %s (%s%s%s)%s\n\n", qn, qt, from, res->name,
			resolver_addr, sw != SW_DNSIM ? ", " : "",
			sw != SW_DNSIM ? software_get(sw)->title : "",
			cold ? ", cache flushed first" : "");
		seqdiag_text(o, &hops);
		if (!hops.found)
			fprintf(o, "%s\n", sw != SW_DNSIM
				? "(no packet of this query was seen in the resolver's namespace)"
				: "(the resolver's trace holds no record of this query)");
		else if (sw != SW_DNSIM)
			fprintf(o, "(drawn from the packets in %s's namespace: %s writes no trace "
				"of ours)\n", res->name, software_get(sw)->title);
		fprintf(o, "\n");
		for (size_t i = 0; rlen && i < m.count[0]; i++) {
			char line[1024];
			if (dns_rr_to_text(&m.rr[0][i], line, sizeof line, NULL) == DNS_OK)
				fprintf(o, "  %s\n", line);
		}
		size_t queries = 0;
		for (size_t i = 0; i < hops.n; i++)
			queries += hops.h[i].kind == HOP_QUERY && strcmp(hops.h[i].from, res->name) == 0;
		fprintf(o, "%s%s%s in %lld ms, %zu upstream quer%s%s\n", rlen ? "" : "no answer: ",
			rlen ? rcode : err, why, total, queries, queries == 1 ? "y" : "ies",
			hops.cache_hit ? " (answered from the cache)" : "");
		/* The validating resolver's verdict (DNSSEC), from its trace. */
		if (hops.security[0])
			fprintf(o, "DNSSEC: %s%s%s\n", hops.security,
				hops.security_why[0] ? ": " : "", hops.security_why);
		if (json) {
			if (fclose(o) != 0) {
				free(text);
				text = NULL;
			}
			fputs("{\"client\":", stdout);
			json_string(stdout, from);
			fputs(",\"resolver\":", stdout);
			json_string(stdout, res->name);
			fputs(",\"rcode\":", stdout);
			json_string(stdout, rlen ? rcode : "");
			fprintf(stdout, ",\"ms\":%lld,\"queries\":%zu,\"trace\":", total, queries);
			json_hops(stdout, &hops);
			fputs(",\"text\":", stdout);
			json_string(stdout, text ? text : "");
			fputs("}\n", stdout);
			free(text);
		}
	}
	rc = rlen ? 0 : 1;
	dns_msg_free(&m);
	hops_free(&hops);
out:
	if (capfd >= 0)
		close(capfd);
	free(lc.nodes);
	return rc;
}
