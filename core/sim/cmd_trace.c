/* `sim trace NAME [TYPE] [--from NODE] [--cold] [--mermaid|--json]`: ask
 * a client's resolver for NAME from inside the client, then draw what the
 * resolver really did, read back from its trace file -- or, for another
 * program (Unbound, BIND, ...), from the packets captured in its
 * namespace meanwhile (--json: the hops as data and the same text, for
 * the web view).  On a host with a caching stub (`stub = "cache"`) the
 * question goes to the stub, and the picture has the stub's lane too:
 * what its cache answered, which resolver it asked, and what that
 * resolver did in turn. */
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

#include "conf/stub_conf.h"
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
#include "sim/part.h"
#include "topo/render.h"
#include "draw/seqdiag.h"
#include "netns/state.h"

#define TRACE_WAIT_MS 15000
/* After the answer: how long to wait for the resolver's last packets. */
#define CAPTURE_QUIET_MS 100
#define WATCH_MAX STUB_SERVERS_MAX

/* A daemon whose trace file is read back: where its files are, and the
 * lines it wrote since the question was asked. */
typedef struct watched {
	char name[TOPO_NAME_MAX + 1];
	char control[600], tracefile[600];
	off_t offset;
	char *text;
	size_t len;
	bool read;
} watched;

typedef struct lanes_ctx {
	node_line *nodes;
	size_t n;
	node_line *remote;      /* a part's: the other machines' nodes */
	size_t nremote;
	watched *resolvers;     /* those a stub may ask */
	size_t nresolvers;
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
	if (n == NULL)
		n = nodelist_find_addr(c->remote, c->nremote, host);
	return n ? n->name : NULL;
}

static off_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? st.st_size : 0;
}

/* What a watched daemon wrote to its trace since w->offset. */
static void read_since(watched *w)
{
	if (w->read)
		return;
	w->read = true;
	char *text = NULL;
	size_t len = 0;
	if (io_read_file(NULL, w->tracefile, &text, &len) != 0)
		return;
	size_t start = (size_t)w->offset <= len ? (size_t)w->offset : 0;
	memmove(text, text + start, len - start);
	w->text = text;
	w->len = len - start;
}

/* A resolver's lines, for the stub's picture. */
static bool resolver_trace(void *ctx, const char *name, const char **text, size_t *len)
{
	lanes_ctx *c = ctx;
	for (size_t i = 0; i < c->nresolvers; i++)
		if (strcmp(c->resolvers[i].name, name) == 0) {
			read_since(&c->resolvers[i]);
			*text = c->resolvers[i].text;
			*len = c->resolvers[i].len;
			return c->resolvers[i].text != NULL;
		}
	return false;
}

static void watch(watched *w, const char *sim, const char *node)
{
	memset(w, 0, sizeof *w);
	char dir[512], sub[128];
	snprintf(w->name, sizeof w->name, "%s", node);
	snprintf(sub, sizeof sub, "nodes/%s", node);
	state_path(dir, sizeof dir, sim, sub);
	snprintf(w->control, sizeof w->control, "%s/control", dir);
	snprintf(w->tracefile, sizeof w->tracefile, "%s/trace.jsonl", dir);
	w->offset = file_size(w->tracefile);
}

static bool flush_cache(const watched *w)
{
	char *reply = unix_call(w->control, "flush", 5000);
	if (reply == NULL) {
		die("cannot reach %s's control socket to flush its cache: %s", w->name,
		    strerror(errno));
		return false;
	}
	free(reply);
	return true;
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

static bool parse_stub_conf(void *cfg, const char *path, const char *text, size_t len,
			    char *err, size_t errsz)
{
	return stub_config_parse(cfg, path, text, len, err, errsz);
}

/* The resolvers the stub of `node` forwards to that are dnsim resolvers
 * of this sim (each once, however many addresses it has). */
static size_t stub_resolvers(const char *sim, const char *node, const lanes_ctx *lc,
			     watched *out, size_t max)
{
	char dir[512], sub[128], path[600], err[512];
	snprintf(sub, sizeof sub, "nodes/%s", node);
	state_path(dir, sizeof dir, sim, sub);
	snprintf(path, sizeof path, "%s/stub.conf", dir);
	stub_config cfg;
	stub_config_init(&cfg);
	size_t n = 0;
	if (!io_parse_file(path, parse_stub_conf, &cfg, err, sizeof err)) {
		fprintf(stderr, "sim: %s\n", err);
		stub_config_free(&cfg);
		return 0;
	}
	for (size_t i = 0; i < cfg.nservers && n < max; i++) {
		char host[80];
		net_addr_format_host((const struct sockaddr *)&cfg.servers[i].ss, host, sizeof host);
		const node_line *r = nodelist_find_addr(lc->nodes, lc->n, host);
		if (r == NULL || strcmp(r->service, "resolver") != 0)
			continue;
		bool seen = false;
		for (size_t k = 0; k < n && !seen; k++)
			seen = strcmp(out[k].name, r->name) == 0;
		if (!seen)
			watch(&out[n++], sim, r->name);
	}
	stub_config_free(&cfg);
	return n;
}

/* Ask from inside ns, over TCP again when the answer came truncated, as
 * glibc does.  The reply's length, 0 with err set. */
static size_t ask(const char *ns, const net_addr *to, const dns_name *qname, uint16_t qtype,
		  uint16_t id, uint8_t *reply, size_t cap, bool *tcp, char *err, size_t errsz)
{
	size_t rlen = probe_query(ns, to, qname->data, qtype, DNS_C_IN, id, TRACE_WAIT_MS, reply,
				  cap, err, errsz);
	*tcp = false;
	if (rlen >= 12 && (reply[2] & 0x02)) {
		rlen = probe_query_tcp(ns, to, qname->data, qtype, DNS_C_IN, id, TRACE_WAIT_MS,
				       reply, cap, err, errsz);
		*tcp = true;
	}
	return rlen;
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
	lanes_ctx lc = { 0 };
	if (nodelist_read(sim, &lc.nodes, &lc.n) < 0)
		return die("sim %s is not up", sim);
	/* The servers of other machines are named too (not asked: their
	 * lanes come from the resolver's trace). */
	int rc = part_remote_nodes(sim, &lc.remote, &lc.nremote);
	if (rc < 0) {
		free(lc.nodes);
		return die("sim %s: the other machines' nodes: %s", sim, strerror(-rc));
	}
	rc = 1;
	char resolver_addr[64];
	watched resolvers[WATCH_MAX], stub;
	memset(&stub, 0, sizeof stub);
	const node_line *me = nodelist_find(lc.nodes, lc.n, from);
	bool via_stub = false;
	topo_software sw = SW_DNSIM;     /* the resolver's program */
	int capfd = -1;
	if (client_resolver(ns, resolver_addr, sizeof resolver_addr) < 0) {
		die("node %s has no resolver in its resolv.conf (choose a client with --from)", from);
		goto out;
	}
	if (me && strcmp(me->service, "stub") == 0 &&
	    strcmp(resolver_addr, STUB_LISTEN_DEFAULT) == 0) {
		/* The host's stub, and the resolvers it may ask. */
		via_stub = true;
		watch(&stub, sim, from);
		lc.resolvers = resolvers;
		lc.nresolvers = stub_resolvers(sim, from, &lc, resolvers, WATCH_MAX);
		if (lc.nresolvers == 0) {
			die("the stub of %s forwards to no dnsim resolver of this sim: nothing to "
			    "trace", from);
			goto out;
		}
	} else {
		const node_line *res = nodelist_find_addr(lc.nodes, lc.n, resolver_addr);
		if (res == NULL || strcmp(res->service, "resolver") != 0) {
			die("node %s asks %s, which is not a resolver of this sim: nothing to "
			    "trace", from, resolver_addr);
			goto out;
		}
		lc.resolvers = resolvers;
		lc.nresolvers = 1;
		watch(&resolvers[0], sim, res->name);
		sw = programs_of_node(sim, res->name);
	}
	if (sw != SW_DNSIM) {
		/* Another program writes no trace of ours: its packets tell.
		 * Flushed twice: a resolver may still be fetching in the
		 * background what its last answer needed (nameservers'
		 * addresses), and cache that after the first flush. */
		for (int round = 0; cold && round < 2; round++) {
			char *said = NULL;
			if (programs_cache(sim, resolvers[0].name, sw, "flush", NULL, &said) != 0) {
				die("cannot flush %s's cache (%s): %s", resolvers[0].name,
				    software_get(sw)->title, said ? said : "no answer");
				free(said);
				goto out;
			}
			free(said);
			struct timespec pause = { 0, round == 0 ? 150 * 1000000 : 0 };
			nanosleep(&pause, NULL);
		}
		char rns[128];
		netns_node_name(rns, sizeof rns, sim, resolvers[0].name);
		if ((capfd = capture_open(rns)) < 0) {
			die("cannot watch %s's packets: %s", resolvers[0].name, strerror(-capfd));
			goto out;
		}
	} else if (cold) {
		if (via_stub && !flush_cache(&stub))
			goto out;
		for (size_t i = 0; i < lc.nresolvers; i++) {
			/* A stub may forward to another program: its own tool. */
			topo_software rsw = programs_of_node(sim, resolvers[i].name);
			char *said = NULL;
			if (rsw != SW_DNSIM &&
			    programs_cache(sim, resolvers[i].name, rsw, "flush", NULL, &said) != 0) {
				die("cannot flush %s's cache (%s): %s", resolvers[i].name,
				    software_get(rsw)->title, said ? said : "no answer");
				free(said);
				goto out;
			}
			free(said);
			if (rsw == SW_DNSIM && !flush_cache(&resolvers[i]))
				goto out;
		}
	}
	net_addr to;
	if (!net_addr_parse(resolver_addr, 53, &to)) {
		die("resolv.conf of %s: \"%s\" is not an address", from, resolver_addr);
		goto out;
	}
	/* Where the traces stand before the question. */
	if (via_stub)
		stub.offset = file_size(stub.tracefile);
	for (size_t i = 0; i < lc.nresolvers; i++)
		resolvers[i].offset = file_size(resolvers[i].tracefile);
	srand((unsigned)(time(NULL) ^ getpid()));
	uint16_t id = (uint16_t)rand();
	uint8_t reply[65535];
	char err[256];
	bool retried_tcp;
	long long t0 = clock_ms();
	size_t rlen = ask(ns, &to, &qname, qtype, id, reply, sizeof reply, &retried_tcp, err,
			  sizeof err);
	long long total = clock_ms() - t0;

	char qn[DNS_NAME_MAXTEXT], qt[DNS_MNEMONIC_MAX];
	dns_name_to_text(qname.data, qn, sizeof qn, NULL);
	dns_type_to_text(qtype, qt);
	hop_list hops;
	bool ok;
	const char *first = via_stub ? "stub" : resolvers[0].name;
	if (via_stub) {
		read_since(&stub);
		ok = hops_from_stub_trace(stub.text ? stub.text : "", stub.len, qn, qt, id, from,
					  "stub", server_name, resolver_trace, &lc, &hops);
	} else if (capfd >= 0) {
		wire_msg *wire;
		size_t nwire = capture_drain(capfd, CAPTURE_QUIET_MS, &wire);
		close(capfd);
		capfd = -1;
		ok = hops_from_wire(wire, nwire, qn, qt, id, from, resolvers[0].name, server_name,
				    &lc, &hops);
		free(wire);
	} else {
		read_since(&resolvers[0]);
		ok = hops_from_trace(resolvers[0].text ? resolvers[0].text : "", resolvers[0].len,
				     qn, qt, id, from, resolvers[0].name, server_name, &lc, &hops);
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
		hops_add(&hops, HOP_REPLY, first, from, total, total, label);
	} else {
		snprintf(label, sizeof label, "%s", rlen ? "an answer that does not parse" : err);
		hops_add(&hops, HOP_LOST, first, from, total, total, label);
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
		if (via_stub)
			fprintf(o, "%s %s from %s, through its caching stub (%s)%s%s%s\n\n", qn, qt,
				from, STUB_LISTEN_DEFAULT, hops.resolver[0] ? " and " : "",
				hops.resolver, cold ? ", caches flushed first" : "");
		else
			fprintf(o, "%s %s from %s, through %s (%s%s%s)%s\n\n", qn, qt, from,
				resolvers[0].name, resolver_addr, sw != SW_DNSIM ? ", " : "",
				sw != SW_DNSIM ? software_get(sw)->title : "",
				cold ? ", cache flushed first" : "");
		seqdiag_text(o, &hops);
		if (!hops.found && sw != SW_DNSIM)
			fprintf(o, "(no packet of this query was seen in the resolver's namespace)\n");
		else if (!hops.found)
			fprintf(o, "(the %s's trace holds no record of this query)\n",
				via_stub ? "stub" : "resolver");
		else if (sw != SW_DNSIM)
			fprintf(o, "(drawn from the packets in %s's namespace: %s writes no trace "
				"of ours)\n", resolvers[0].name, software_get(sw)->title);
		fprintf(o, "\n");
		for (size_t i = 0; rlen && i < m.count[0]; i++) {
			char line[1024];
			if (dns_rr_to_text(&m.rr[0][i], line, sizeof line, NULL) == DNS_OK)
				fprintf(o, "  %s\n", line);
		}
		/* Queries the resolver sent on (not the stub's to the resolver). */
		size_t queries = 0;
		for (size_t i = 0; i < hops.n; i++)
			queries += hops.h[i].kind == HOP_QUERY && strcmp(hops.h[i].from, from) != 0 &&
				   strcmp(hops.h[i].from, "stub") != 0;
		char how[HOP_LANE_MAX + 80] = "";
		if (hops.stub_hit)
			snprintf(how, sizeof how, " (answered from the stub's cache: nothing left "
				 "the host)");
		else if (hops.cache_hit && via_stub)
			snprintf(how, sizeof how, " (answered from %s's cache)", hops.resolver);
		else if (hops.cache_hit)
			snprintf(how, sizeof how, " (answered from the cache)");
		fprintf(o, "%s%s%s in %lld ms, %zu upstream quer%s%s\n", rlen ? "" : "no answer: ",
			rlen ? rcode : err, why, total, queries, queries == 1 ? "y" : "ies", how);
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
			json_string(stdout, via_stub && hops.resolver[0] ? hops.resolver
								  : resolvers[0].name);
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
	free(stub.text);
	for (size_t i = 0; i < lc.nresolvers; i++)
		free(resolvers[i].text);
	free(lc.nodes);
	free(lc.remote);
	return rc;
}
