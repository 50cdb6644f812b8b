/* `sim register DOMAIN --ns NAME=ADDR [...] [--node NODE]`: the registrar
 * and registry flow of seed 003.  The parent zone (a TLD's, usually)
 * gets the delegation -- NS records, and glue for nameservers inside the
 * new domain -- on every server of it.  With --node, an authoritative
 * server for the new domain starts on that host (made on the spot when
 * it does not exist), with a minimal zone the student fills in with
 * `sim zone`.
 *
 * `--ds DS` hands the registry the new domain's DS records (the DS
 * RDATA, a DS line as `sim dnssec show` prints it, or a .key file with
 * the domain's DNSKEY), published in the parent with the delegation;
 * without --ns, for a domain registered already, the DS records given
 * replace the parent's (a registrar's DS update: during a KSK roll, the
 * old and the new DS, then the new one alone).  A signed parent is
 * signed again where it changed, with its keys. */
#include "sim/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "conf/auth_conf.h"
#include "dns/name.h"
#include "dns/rrtype.h"
#include "io/readfile.h"
#include "io/writefile.h"
#include "dns/rdata.h"
#include "dns/wire.h"
#include "dnssec/key.h"
#include "netns/build.h"
#include "runtime/keys.h"
#include "runtime/monitor.h"
#include "topo/routes.h"
#include "netns/state.h"
#include "topo/zoneedit.h"
#include "sim/zonefiles.h"

#define MAX_NS 8
#define MAX_DS 8
#define DELEGATION_TTL 86400
#define DS_LINE_MAX (DNS_NAME_MAXTEXT + 300)

typedef struct nameserver {
	dns_name name;
	char name_text[DNS_NAME_MAXTEXT];
	char addr_text[64];
	net_addr addr;
} nameserver;

static void quiet(void *ctx, const dns_diag *d)
{
	(void)ctx;
	if (d->severity == DNS_ERROR)
		fprintf(stderr, "error: %s\n", d->msg);
}

/* The closest zone above `domain` that some server of the sim serves. */
static int find_parent(const char *sim, const uint8_t *domain, dns_name *parent,
		       char **path)
{
	node_line *nodes;
	size_t n;
	if (nodelist_read(sim, &nodes, &n) < 0)
		return die("sim %s is not up", sim);
	*path = NULL;
	int rc = 0;
	unsigned labels = dns_name_labels(domain);
	for (unsigned skip = 0; skip <= labels && *path == NULL && rc == 0; skip++) {
		const uint8_t *up = dns_name_skip_labels(domain, skip);
		for (size_t i = 0; i < n && *path == NULL; i++) {
			if (strcmp(nodes[i].service, "auth") != 0)
				continue;
			char *p = zonefiles_served(sim, nodes[i].name, up, NULL);
			if (p && skip == 0) {
				char dt[DNS_NAME_MAXTEXT];
				dns_name_to_text(domain, dt, sizeof dt, NULL);
				rc = die("%s is a zone already: %s serves it", dt, nodes[i].name);
				free(p);
				break;
			}
			if (p) {
				dns_name_copy(parent, up);
				*path = p;
			}
		}
	}
	free(nodes);
	if (rc == 0 && *path == NULL)
		rc = die("no server of sim %s serves a zone above that name", sim);
	return rc;
}

/* The minimal zone of a new domain: SOA, NS, and the nameservers'
 * addresses where they live inside it. */
static char *new_zone_text(const dns_name *domain, const nameserver *ns, size_t nns)
{
	char dt[DNS_NAME_MAXTEXT];
	dns_name_to_text(domain->data, dt, sizeof dt, NULL);
	size_t cap = 4096 + nns * 600;
	char *text = malloc(cap);
	if (text == NULL)
		return NULL;
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	size_t len = (size_t)snprintf(text, cap,
		"; zone %s, made by `sim register`; add records with `sim zone`\n"
		"$TTL 3600\n%s IN SOA %s hostmaster.%s %04d%02d%02d01 7200 3600 1209600 300\n",
		dt, dt, ns[0].name_text, dt, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	for (size_t i = 0; i < nns; i++)
		len += (size_t)snprintf(text + len, cap - len, "%s IN NS %s\n", dt, ns[i].name_text);
	for (size_t i = 0; i < nns; i++)
		if (dns_name_is_subdomain(ns[i].name.data, domain->data))
			len += (size_t)snprintf(text + len, cap - len, "%s IN %s %s\n",
						ns[i].name_text,
						ns[i].addr.ss.ss_family == AF_INET ? "A" : "AAAA",
						ns[i].addr_text);
	return text;
}

/* Rewrite the node list with `name` serving `service` (added, at addr,
 * when new). */
static int list_node(const char *sim, const char *name, const char *service,
		     const char *addr)
{
	node_line *nodes;
	size_t n;
	if (nodelist_read(sim, &nodes, &n) < 0)
		return -ENOENT;
	node_line *me = (node_line *)nodelist_find(nodes, n, name);
	if (me == NULL) {
		node_line *g = realloc(nodes, (n + 1) * sizeof *g);
		if (g == NULL) {
			free(nodes);
			return -ENOMEM;
		}
		nodes = g;
		me = &nodes[n++];
		memset(me, 0, sizeof *me);
		snprintf(me->name, sizeof me->name, "%s", name);
		snprintf(me->addrs, sizeof me->addrs, "%s", addr);
	}
	snprintf(me->service, sizeof me->service, "%s", service);
	int rc = nodelist_write(sim, nodes, n);
	free(nodes);
	return rc;
}

/* Make a new host on the network that holds addr. */
static int new_host(const char *sim, const char *node, const nameserver *ns)
{
	/* Ports are named after the node's number: after every node the sim
	 * has, those added since `up` included. */
	node_line *listed;
	size_t port_index;
	if (nodelist_read(sim, &listed, &port_index) < 0)
		return die("sim %s is not up", sim);
	const node_line *owner = nodelist_find_addr(listed, port_index, ns->addr_text);
	if (owner) {
		int rc = die("%s is node %s's address already: give the new host another, "
			     "or serve the domain from %s (--node %s)", ns->addr_text, owner->name,
			     owner->name, owner->name);
		free(listed);
		return rc;
	}
	free(listed);
	topo t;
	char err[1024];
	if (load_running_topology(sim, &t))
		return 1;
	size_t net = t.nnetworks;
	for (size_t i = 0; i < t.nnetworks; i++) {
		const topo_network *tn = &t.networks[i];
		const net_prefix *p = ns->addr.ss.ss_family == AF_INET ? &tn->v4 : &tn->v6;
		bool has = ns->addr.ss.ss_family == AF_INET ? tn->has_v4 : tn->has_v6;
		if (has && net_prefix_match(p, (const struct sockaddr *)&ns->addr.ss))
			net = i;
	}
	if (net == t.nnetworks) {
		topo_free(&t);
		return die("%s is on none of the sim's networks: give an address of one "
			   "(`./sim graph` shows them)", ns->addr_text);
	}
	topo_node *nodes = realloc(t.nodes, (t.nnodes + 1) * sizeof *nodes);
	topo_addr *a = calloc(1, sizeof *a);
	if (nodes == NULL || a == NULL) {
		if (nodes)
			t.nodes = nodes;
		free(a);
		topo_free(&t);
		return die("out of memory");
	}
	t.nodes = nodes;
	topo_node *n = &t.nodes[t.nnodes++];
	memset(n, 0, sizeof *n);
	snprintf(n->name, sizeof n->name, "%s", node);
	a->network = net;
	a->addr = ns->addr;
	snprintf(a->text, sizeof a->text, "%s", ns->addr_text);
	n->addrs = a;
	n->naddrs = 1;
	routes r;
	int statefd = state_open(sim);
	int rc = 0;
	if (statefd < 0 || !routes_compute(&t, &r))
		rc = die("cannot open the state of sim %s", sim);
	else {
		if (build_one_node(&t, &r, statefd, t.nnodes - 1, port_index, err, sizeof err) < 0)
			rc = die("%s", err);
		routes_free(&r);
	}
	if (statefd >= 0)
		close(statefd);
	topo_free(&t);
	if (rc == 0) {
		/* In the node list at once, so the next node added gets ports
		 * of its own even if this one's server never starts. */
		int e = list_node(sim, node, "-", ns->addr_text);
		if (e < 0)
			rc = die("cannot update the node list: %s", strerror(-e));
	}
	if (rc == 0)
		printf("made host %s with address %s\n", node, ns->addr_text);
	return rc;
}

/* The host that will serve the new domain: which of the --ns addresses
 * is its own, and what it runs now ("-" or "auth").  0, or 1 after a
 * message; *exists false when there is no such node yet. */
static int pick_host(const char *sim, const char *node, const nameserver *ns, size_t nns,
		     bool *exists, const nameserver **mine, char *service, size_t servicesz)
{
	node_line *nodes;
	size_t n;
	if (nodelist_read(sim, &nodes, &n) < 0)
		return die("sim %s is not up", sim);
	const node_line *nl = nodelist_find(nodes, n, node);
	*exists = nl != NULL;
	*mine = nl ? NULL : &ns[0];   /* a new host gets the first address */
	snprintf(service, servicesz, "%s", nl ? nl->service : "-");
	for (size_t i = 0; nl && i < nns && !*mine; i++)
		if (nodelist_find_addr(nl, 1, ns[i].addr_text))
			*mine = &ns[i];
	free(nodes);
	if (*mine == NULL)
		return die("node %s has none of the addresses given with --ns", node);
	if (strcmp(service, "-") != 0 && strcmp(service, "auth") != 0)
		return die("node %s runs a %s: choose a host without a server, or a new name",
			   node, service);
	if (!*exists && !topo_name_ok(node))
		return die("\"%s\" is not a node name", node);
	return 0;
}

static bool parse_auth(void *c, const char *path, const char *text, size_t len, char *err,
		       size_t errsz)
{
	return auth_config_parse(c, path, text, len, err, errsz);
}

/* The node's dnsim-auth config with zone `origin` served from `file`:
 * read, added to and written back by the daemons' own config code when
 * the node serves zones already, made anew (listening on addr) when it
 * does not.  0, or 1 after a message. */
static int add_zone_to_conf(const char *path, bool exists, const char *node,
			    const char *addr, const char *origin, const char *file)
{
	auth_config c;
	char err[1024];
	if (!auth_config_init(&c))
		return die("out of memory");
	bool ok = true;
	if (exists) {
		ok = io_parse_file(path, parse_auth, &c, err, sizeof err);
	} else {
		ok = (c.identity = strdup(node)) != NULL && (c.query_log = strdup("stderr")) != NULL;
		if (!ok)
			snprintf(err, sizeof err, "out of memory");
		ok = ok && auth_config_add_listen(&c, addr, err, sizeof err);
	}
	ok = ok && auth_config_add_zone(&c, 0, origin, file, err, sizeof err);
	char *body = ok ? auth_config_write(&c, err, sizeof err) : NULL;
	auth_config_free(&c);
	if (body == NULL)
		return die("node %s: %s", node, err);
	char *text = NULL;
	if (asprintf(&text, "# dnsim-auth for node %s, written by the supervisor (`sim register`)\n%s",
		     node, body) < 0)
		text = NULL;
	free(body);
	int rc = text ? io_write_file(path, text) : -ENOMEM;
	free(text);
	if (rc < 0)
		return die("cannot write %s: %s", path, strerror(-rc));
	return 0;
}

static int start_server(const char *sim, const char *node, const dns_name *domain,
			const nameserver *mine, const char *service, const char *zonefile)
{
	char dt[DNS_NAME_MAXTEXT], dir[512], sub[128], conf[700];
	dns_name_to_text(domain->data, dt, sizeof dt, NULL);
	snprintf(sub, sizeof sub, "nodes/%s", node);
	state_path(dir, sizeof dir, sim, sub);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return die("cannot make %s: %s", dir, strerror(errno));
	snprintf(conf, sizeof conf, "%s/auth.conf", dir);
	bool serving = strcmp(service, "auth") == 0;
	int rc = add_zone_to_conf(conf, serving, node, mine->addr_text, dt, zonefile);
	if (rc)
		return rc;
	if (serving) {
		/* It serves other zones already: a restart reads the config
		 * with the new zone. */
		char cmd[128];
		snprintf(cmd, sizeof cmd, "restart %s", node);
		free(monitor_call(sim, cmd));
	} else {
		char cmd[1000];
		snprintf(cmd, sizeof cmd, "serve %s %s %s", node, mine->addr_text, conf);
		char *reply = monitor_call(sim, cmd);
		if (reply == NULL || strncmp(reply, "ok", 2) != 0) {
			int r = die("the monitor would not start the server: %s",
				    reply ? reply : strerror(errno));
			free(reply);
			return r;
		}
		free(reply);
		if ((rc = list_node(sim, node, "auth", mine->addr_text)) < 0)
			return die("cannot update the node list: %s", strerror(-rc));
	}
	/* Wait until it answers. */
	for (int i = 0; i < 500; i++) {
		char *reply = monitor_call(sim, "status");
		bool ready = false;
		size_t len = strlen(node);
		for (char *l = reply; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
			if (strncmp(l, node, len) == 0 && strncmp(l + len, " ready ", 7) == 0)
				ready = true;
		free(reply);
		if (ready) {
			printf("%s serves %s at %s\n", node, dt, mine->addr_text);
			return 0;
		}
		struct timespec pause = { 0, 20 * 1000000 };
		nanosleep(&pause, NULL);
	}
	return die("the server on %s did not answer (see `./sim logs %s`)", node, node);
}

/* One DS record line for `domain` from RDATA text; false after a
 * message when it is no DS. */
static bool ds_line(const dns_name *domain, const char *rdata, char *out, size_t outsz)
{
	char dt[DNS_NAME_MAXTEXT];
	dns_name_to_text(domain->data, dt, sizeof dt, NULL);
	snprintf(out, outsz, "%s %d IN DS %s", dt, DELEGATION_TTL, rdata);
	uint8_t buf[DNS_NAME_MAXLEN + 1024];
	dns_rr rr;
	char err[256];
	if (dns_master_parse_rr(out, domain->data, DNS_C_IN, DELEGATION_TTL, buf, sizeof buf, &rr,
				err, sizeof err) != DNS_OK || rr.type != DNS_T_DS) {
		die("--ds %s: not a DS record (TAG ALGORITHM DIGEST-TYPE DIGEST): %s", rdata, err);
		return false;
	}
	return true;
}

/* The DS records an argument of --ds gives: a file with DNSKEY records
 * (the .key of dnssec-keygen or of the sim's keys/) or DS lines, or DS
 * text (with or without "OWNER TTL IN DS" before the RDATA). */
static bool ds_from_arg(const dns_name *domain, const char *arg, char lines[][DS_LINE_MAX],
			size_t *n)
{
	char *text = NULL;
	size_t len = 0;
	bool file = access(arg, R_OK) == 0 && io_read_file(NULL, arg, &text, &len) == 0;
	if (!file) {
		const char *ds = strstr(arg, " DS ");
		if (*n == MAX_DS) {
			die("at most %d DS records", MAX_DS);
			return false;
		}
		if (!ds_line(domain, ds ? ds + 4 : arg, lines[*n], DS_LINE_MAX))
			return false;
		(*n)++;
		return true;
	}
	bool ok = true;
	size_t before = *n;
	for (char *line = text, *next; ok && line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (line[0] == ';' || line[0] == '#')
			continue;
		uint8_t buf[DNS_NAME_MAXLEN + DNSSEC_DNSKEY_MAXLEN + 64];
		dns_rr rr;
		char err[256];
		if (dns_master_parse_rr(line, domain->data, DNS_C_IN, DELEGATION_TTL, buf, sizeof buf,
					&rr, err, sizeof err) != DNS_OK ||
		    (rr.type != DNS_T_DNSKEY && rr.type != DNS_T_DS))
			continue;
		if (!dns_name_equal(rr.owner, domain->data) || *n == MAX_DS) {
			die("%s: records of another name, or more than %d", arg, MAX_DS);
			ok = false;
			break;
		}
		uint8_t ds[DNSSEC_DS_MAXLEN];
		size_t dslen = rr.rdlen;
		const uint8_t *rd = rr.rdata;
		if (rr.type == DNS_T_DNSKEY) {
			if (rr.rdlen < 4 || !(dns_get16(rr.rdata) & DNSSEC_FLAG_SEP))
				continue;   /* a ZSK: the parent vouches for KSKs */
			if (dnssec_ds_from_dnskey(domain->data, rr.rdata, rr.rdlen,
						  DNSSEC_DIGEST_SHA256, ds, sizeof ds, &dslen) != DNS_OK)
				continue;
			rd = ds;
		}
		char rdt[512];
		size_t tlen;
		ok = dns_rdata_to_text(DNS_T_DS, rd, dslen, rdt, sizeof rdt, &tlen) == DNS_OK &&
		     ds_line(domain, rdt, lines[*n], DS_LINE_MAX);
		if (ok)
			(*n)++;
	}
	free(text);
	if (ok && *n == before) {
		die("%s holds no DS record and no key-signing DNSKEY of the domain", arg);
		return false;
	}
	return ok;
}

/* The edit of the parent, signed with its keys when it is signed. */
static unsigned apply_to_parent(const char *sim, const dns_zonedata *z, const char *const *adds,
				size_t nadds, const char *del, dns_zonedata *out, char *msg,
				size_t msgsz)
{
	topo_keyring kr;
	if (keys_load(sim, &kr, msg, msgsz) < 0)
		return 1;
	zoneedit_signer signer;
	zonefiles_signer(&kr, z->origin.data, &signer);
	size_t changed;
	unsigned e = zoneedit_apply_signed(z, adds, nadds, del, DELEGATION_TTL, &signer, out,
					   &changed, NULL, quiet, NULL, msg, msgsz);
	topo_keyring_free(&kr);
	return e;
}

/* --ds without --ns: the DS records of a domain that is delegated
 * already replaced by those given, on every copy of the parent. */
static int publish_ds(const char *sim, const dns_name *domain, char lines[][DS_LINE_MAX],
		      size_t nds)
{
	dns_name parent;
	char dt[DNS_NAME_MAXTEXT], pt[DNS_NAME_MAXTEXT];
	dns_name_to_text(domain->data, dt, sizeof dt, NULL);
	if (!zonefiles_parent(sim, domain->data, &parent))
		return die("no server of sim %s serves a zone above %s", sim, dt);
	dns_name_to_text(parent.data, pt, sizeof pt, NULL);
	size_t ncopies;
	zone_copy *copies = zonefiles_copies(sim, parent.data, &ncopies);
	const char *adds[MAX_DS];
	for (size_t i = 0; i < nds; i++)
		adds[i] = lines[i];
	int rc = ncopies ? 0 : die("no server serves %s", pt);
	bool changed_any = false;
	bool parent_signed = false;
	for (size_t c = 0; rc == 0 && c < ncopies; c++) {
		dns_zonedata z, edited;
		if (!zonefiles_load(&z, parent.data, copies[c].path)) {
			rc = die("zone %s does not load", pt);
			break;
		}
		parent_signed = zoneedit_is_signed(&z);
		if (dns_zonedata_find(&z, domain->data, DNS_T_NS) == NULL) {
			rc = die("%s does not delegate %s: register it with --ns (and --ds) first",
				 pt, dt);
			dns_zonedata_free(&z);
			break;
		}
		char msg[512] = "";
		topo_keyring kr;
		zoneedit_signer signer;
		bool changed = false;
		unsigned e = 1;
		if (keys_load(sim, &kr, msg, sizeof msg) == 0) {
			zonefiles_signer(&kr, parent.data, &signer);
			e = zonefiles_set_rrset(&z, domain->data, DNS_T_DS, adds, nds, DELEGATION_TTL,
						&signer, &edited, &changed, msg, sizeof msg);
			topo_keyring_free(&kr);
		} else {
			dns_zonedata_init(&edited, parent.data, DNS_C_IN);
		}
		changed_any |= changed;
		if (e || msg[0]) {
			rc = die("%s; the DS records are unchanged", msg[0] ? msg : "the edit would "
				 "break the zone");
		} else if (changed) {
			char header[2 * DNS_NAME_MAXTEXT + 200];
			snprintf(header, sizeof header, "; zone %s, DS of %s published with `sim "
				 "register --ds`\n", pt, dt);
			char *text = zoneedit_text(&edited, header);
			rc = text ? zonefiles_commit(sim, parent.data, copies[c].view, copies[c].path,
						     text, zoneedit_serial(&edited))
				  : die("out of memory");
			free(text);
		}
		dns_zonedata_free(&edited);
		dns_zonedata_free(&z);
	}
	if (rc == 0) {
		printf("%s publishes the DS of %s%s:\n", pt, dt, changed_any ? "" : " already");
		for (size_t i = 0; i < nds; i++)
			printf("  %s\n", lines[i]);
		if (!parent_signed)
			printf("note: %s is not signed, so resolvers cannot use these DS records\n", pt);
	}
	zonefiles_copies_free(copies, ncopies);
	return rc;
}

int cmd_register(const char *name, int argc, char **argv)
{
	const char *domain_text = NULL, *node = NULL;
	nameserver ns[MAX_NS];
	size_t nns = 0;
	const char *ds_args[MAX_DS];
	size_t nds_args = 0;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--ns") == 0 && i + 1 < argc) {
			if (nns == MAX_NS)
				return die("at most %d nameservers", MAX_NS);
			const char *v = argv[++i], *eq = strchr(v, '=');
			if (eq == NULL)
				return die("--ns takes NAME=ADDRESS, not \"%s\"", v);
			snprintf(ns[nns].name_text, sizeof ns[nns].name_text, "%.*s", (int)(eq - v), v);
			snprintf(ns[nns].addr_text, sizeof ns[nns].addr_text, "%s", eq + 1);
			nns++;
		} else if (strcmp(argv[i], "--node") == 0 && i + 1 < argc) {
			node = argv[++i];
		} else if (strcmp(argv[i], "--ds") == 0 && i + 1 < argc) {
			if (nds_args == MAX_DS)
				return die("at most %d DS records", MAX_DS);
			ds_args[nds_args++] = argv[++i];
		} else if (domain_text == NULL && argv[i][0] != '-') {
			domain_text = argv[i];
		} else {
			domain_text = NULL;
			break;
		}
	}
	if (domain_text == NULL || (nns == 0 && nds_args == 0) || (node && nns == 0))
		return verb_usage("register");
	if (!need_root())
		return 1;
	dns_name domain;
	if (dns_name_from_text(&domain, domain_text, strlen(domain_text), dns_name_root) != DNS_OK ||
	    domain.data[0] == 0)
		return die("\"%s\" is not a domain name", domain_text);
	dns_name_to_lower(domain.data);
	for (size_t i = 0; i < nns; i++) {
		/* A one-label name is inside the new domain ("ns1" is
		 * ns1.DOMAIN); a dotted one is complete as written. */
		bool dotted = strchr(ns[i].name_text, '.') != NULL;
		if (dns_name_from_text(&ns[i].name, ns[i].name_text, strlen(ns[i].name_text),
				       dotted ? dns_name_root : domain.data) != DNS_OK)
			return die("\"%s\" is not a nameserver name", ns[i].name_text);
		dns_name_to_lower(ns[i].name.data);
		dns_name_to_text(ns[i].name.data, ns[i].name_text, sizeof ns[i].name_text, NULL);
		if (!net_addr_parse(ns[i].addr_text, 0, &ns[i].addr) || strchr(ns[i].addr_text, '@'))
			return die("\"%s\" is not an address", ns[i].addr_text);
	}
	static char ds_lines[MAX_DS][DS_LINE_MAX];
	size_t nds = 0;
	for (size_t i = 0; i < nds_args; i++)
		if (!ds_from_arg(&domain, ds_args[i], ds_lines, &nds))
			return 1;
	char sim[TOPO_NAME_MAX + 1];
	if (pick_sim(name, sim, sizeof sim))
		return 1;
	if (nns == 0)
		return publish_ds(sim, &domain, ds_lines, nds);
	dns_name parent;
	char *path;
	if (find_parent(sim, domain.data, &parent, &path))
		return 1;
	char dt[DNS_NAME_MAXTEXT], pt[DNS_NAME_MAXTEXT];
	dns_name_to_text(domain.data, dt, sizeof dt, NULL);
	dns_name_to_text(parent.data, pt, sizeof pt, NULL);
	dns_zonedata z;
	int rc = 1;
	if (!zonefiles_load(&z, parent.data, path)) {
		die("zone %s does not load", pt);
		goto out;
	}
	for (size_t i = 0; i < z.n; i++)
		if (z.rr[i].type == DNS_T_NS && dns_name_equal(z.rr[i].owner, domain.data)) {
			die("%s is registered already: %s delegates it (`./sim zone ... del` "
			    "first to move it)", dt, pt);
			goto out_zone;
		}
	/* The registry's records: NS, and glue where the resolver could not
	 * find the address without it. */
	char lines[2 * MAX_NS][DNS_NAME_MAXTEXT * 2 + 128];
	const char *adds[2 * MAX_NS + MAX_DS];
	size_t nadds = 0;
	for (size_t i = 0; i < nns; i++) {
		snprintf(lines[nadds], sizeof lines[nadds], "%s %d IN NS %s", dt, DELEGATION_TTL,
			 ns[i].name_text);
		adds[nadds] = lines[nadds];
		nadds++;
	}
	for (size_t i = 0; i < nns; i++)
		if (dns_name_is_subdomain(ns[i].name.data, domain.data)) {
			snprintf(lines[nadds], sizeof lines[nadds], "%s %d IN %s %s", ns[i].name_text,
				 DELEGATION_TTL, ns[i].addr.ss.ss_family == AF_INET ? "A" : "AAAA",
				 ns[i].addr_text);
			adds[nadds] = lines[nadds];
			nadds++;
		} else {
			printf("no glue for %s: it is outside %s, so resolvers look it up\n",
			       ns[i].name_text, dt);
		}
	for (size_t i = 0; i < nds; i++)
		adds[nadds++] = ds_lines[i];
	dns_zonedata edited;
	dns_zonedata_init(&edited, parent.data, DNS_C_IN);
	char msg[512] = "";
	unsigned e = apply_to_parent(sim, &z, adds, nadds, NULL, &edited, msg, sizeof msg);
	if (msg[0] || e) {
		die("%s; nothing was registered", msg[0] ? msg : "the delegation would break the zone");
		dns_zonedata_free(&edited);
		goto out_zone;
	}
	uint32_t serial = zoneedit_serial(&edited);
	char header[2 * DNS_NAME_MAXTEXT + 200];
	snprintf(header, sizeof header, "; zone %s, %s registered with `sim register`\n", pt, dt);
	char *text = zoneedit_text(&edited, header);
	dns_zonedata_free(&edited);
	if (text == NULL) {
		die("out of memory");
		goto out_zone;
	}
	/* The host is checked, and a new one made, before anything is
	 * registered: if that fails, the parent zone stays as it was. */
	const nameserver *mine = NULL;
	char service[16] = "-";
	if (node) {
		bool exists = false;
		if (pick_host(sim, node, ns, nns, &exists, &mine, service, sizeof service) ||
		    (!exists && new_host(sim, node, mine))) {
			free(text);
			goto out_zone;
		}
	}
	printf("%s delegates %s to", pt, dt);
	for (size_t i = 0; i < nns; i++)
		printf(" %s (%s)", ns[i].name_text, ns[i].addr_text);
	printf("\n");
	for (size_t i = 0; i < nds; i++)
		printf("  with %s\n", ds_lines[i]);
	rc = zonefiles_commit(sim, parent.data, NULL, path, text, serial);
	free(text);
	if (rc == 0 && node) {
		char zdir[512], zfile[DNS_NAME_MAXTEXT + 600];
		state_path(zdir, sizeof zdir, sim, "zones");
		snprintf(zfile, sizeof zfile, "%s/%.*s.zone", zdir, (int)strlen(dt) - 1, dt);
		char *zone = new_zone_text(&domain, ns, nns);
		int w = zone ? io_write_file(zfile, zone) : -ENOMEM;
		free(zone);
		if (w < 0)
			rc = die("cannot write %s: %s", zfile, strerror(-w));
		else
			rc = start_server(sim, node, &domain, mine, service, zfile);
	}
out_zone:
	dns_zonedata_free(&z);
out:
	free(path);
	return rc;
}
