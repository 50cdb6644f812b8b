/* Zone files of a running sim: find, replace, reload. */
#include "sim/zonefiles.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "conf/auth_conf.h"
#include "dns/msg.h"
#include "dns/name.h"
#include "dns/rrtype.h"
#include "dns/rdata.h"
#include "dns/soa.h"
#include "io/clock.h"
#include "io/readfile.h"
#include "io/writefile.h"
#include "sim/cli.h"
#include "runtime/monitor.h"
#include "runtime/probe.h"
#include "runtime/programs.h"
#include "topo/render.h"
#include "netns/netns.h"
#include "netns/state.h"
#include "topo/zoneedit.h"
#include "dnssec/tsig.h"
#include "runtime/simkeys.h"
#include <poll.h>
#include <sys/socket.h>

#define RELOAD_WAIT_MS 5000

static bool parse_auth(void *c, const char *path, const char *text, size_t len, char *err,
		       size_t errsz)
{
	return auth_config_parse(c, path, text, len, err, errsz);
}

/* The config of node's dnsim-auth, as the daemon reads it; false when
 * it has none (or it does not parse). */
static bool read_auth_conf(const char *sim, const char *node, auth_config *c)
{
	char sub[128], path[600], err[700];
	snprintf(sub, sizeof sub, "nodes/%s/auth.conf", node);
	state_path(path, sizeof path, sim, sub);
	if (access(path, F_OK) != 0) {
		/* Another program: its zones in our words beside its config. */
		snprintf(sub, sizeof sub, "nodes/%s/zones.conf", node);
		state_path(path, sizeof path, sim, sub);
	}
	if (!auth_config_init(c))
		return false;
	if (!io_parse_file(path, parse_auth, c, err, sizeof err)) {
		auth_config_free(c);
		return false;
	}
	return true;
}

char *zonefiles_served(const char *sim, const char *node, const uint8_t *origin,
		       const char *view)
{
	auth_config c;
	if (!read_auth_conf(sim, node, &c))
		return NULL;
	char *out = NULL;
	for (size_t v = 0; v < c.nviews && out == NULL; v++) {
		/* views[0] holds the zones outside any view. */
		if (view == NULL ? v != 0 : v == 0 || strcmp(c.views[v].name, view) != 0)
			continue;
		for (size_t k = 0; k < c.views[v].nzones && out == NULL; k++) {
			const auth_zone_conf *z = &c.views[v].zones[k];
			dns_name o;
			if (dns_name_from_text(&o, z->origin, strlen(z->origin), dns_name_root) ==
				    DNS_OK && dns_name_equal(o.data, origin))
				out = strdup(z->file);
		}
	}
	auth_config_free(&c);
	return out;
}

static void print_diag(void *ctx, const dns_diag *d)
{
	(void)ctx;
	const char *sev = d->severity == DNS_ERROR ? "error" : "warning";
	if (d->line)
		fprintf(stderr, "%s:%u: %s: %s\n", d->file ? d->file : "zone", d->line, sev, d->msg);
	else
		fprintf(stderr, "%s: %s\n", sev, d->msg);
}

bool zonefiles_load(dns_zonedata *z, const uint8_t *origin, const char *path)
{
	dns_zonedata_init(z, origin, DNS_C_IN);
	dns_master_ops io = { .read_file = io_read_file, .diag = print_diag };
	return dns_zonedata_load(z, path, &io) == 0;
}

size_t zonefiles_sharing(const char *sim, const uint8_t *origin, const char *path,
			 const char *view, char ***out)
{
	*out = NULL;
	node_line *nodes;
	size_t n, count = 0;
	if (nodelist_read(sim, &nodes, &n) < 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(nodes[i].service, "auth") != 0)
			continue;
		char *p = zonefiles_served(sim, nodes[i].name, origin, view);
		if (p && strcmp(p, path) == 0) {
			char **g = realloc(*out, (count + 1) * sizeof *g);
			if (g) {
				*out = g;
				if ((g[count] = strdup(nodes[i].name)) != NULL)
					count++;
			}
		}
		free(p);
	}
	free(nodes);
	return count;
}

int zonefiles_server_pid(const char *sim, const char *node)
{
	char *reply = monitor_call(sim, "status");
	if (reply == NULL)
		return -1;
	int pid = -1;
	size_t len = strlen(node);
	for (char *l = reply; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (strncmp(l, node, len) == 0 && l[len] == ' ') {
			char state[32];
			if (sscanf(l + len + 1, "%31s %d", state, &pid) != 2)
				pid = -1;
		}
	free(reply);
	return pid;
}

/* Ask the node for the zone's SOA until it shows the serial. */
static bool serves_serial(const char *sim, const char *node, const uint8_t *origin,
			  uint32_t serial)
{
	node_line *nodes;
	size_t n;
	if (nodelist_read(sim, &nodes, &n) < 0)
		return false;
	const node_line *nl = nodelist_find(nodes, n, node);
	char first[64], ns[128];
	net_addr to;
	bool ok = false;
	if (nl) {
		snprintf(first, sizeof first, "%.*s", (int)strcspn(nl->addrs, ","), nl->addrs);
		netns_node_name(ns, sizeof ns, sim, node);
		long long give_up = clock_ms() + RELOAD_WAIT_MS;
		while (!ok && net_addr_parse(first, 53, &to) && clock_ms() < give_up) {
			uint8_t reply[4096];
			char err[128];
			size_t len = probe_query(ns, &to, origin, DNS_T_SOA, DNS_C_IN,
						 (uint16_t)(rand() & 0xffff), 500, reply,
						 sizeof reply, err, sizeof err);
			dns_msg m;
			dns_msg_init(&m);
			if (len && dns_msg_parse(&m, reply, len) == DNS_OK)
				for (size_t i = 0; i < m.count[0]; i++) {
					const dns_rr *rr = &m.rr[0][i];
					dns_soa soa;
					if (rr->type == DNS_T_SOA &&
					    dns_soa_read(rr->rdata, rr->rdlen, &soa) == DNS_OK)
						ok = soa.serial == serial;
				}
			dns_msg_free(&m);
			if (!ok) {
				struct timespec pause = { 0, 20 * 1000000 };
				nanosleep(&pause, NULL);
			}
		}
	}
	free(nodes);
	return ok;
}

static bool add_copy(zone_copy **out, size_t *n, const char *path, const char *view)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*out)[i].path, path) == 0)
			return true;
	zone_copy *g = realloc(*out, (*n + 1) * sizeof *g);
	if (g == NULL)
		return false;
	*out = g;
	g[*n].path = strdup(path);
	g[*n].view = view ? strdup(view) : NULL;
	if (g[*n].path == NULL || (view && g[*n].view == NULL)) {
		free(g[*n].path);
		free(g[*n].view);
		return false;
	}
	(*n)++;
	return true;
}

zone_copy *zonefiles_copies(const char *sim, const uint8_t *origin, size_t *n)
{
	zone_copy *out = NULL;
	*n = 0;
	node_line *nodes;
	size_t nn;
	if (nodelist_read(sim, &nodes, &nn) < 0)
		return NULL;
	for (size_t i = 0; i < nn; i++) {
		auth_config c;
		if (strcmp(nodes[i].service, "auth") != 0 || !read_auth_conf(sim, nodes[i].name, &c))
			continue;
		for (size_t v = 0; v < c.nviews; v++)
			for (size_t k = 0; k < c.views[v].nzones; k++) {
				const auth_zone_conf *z = &c.views[v].zones[k];
				dns_name o;
				/* A secondary's copy follows its primary's by
				 * transfer; written here too, it would hold other
				 * signatures under the same serial. */
				if (z->nprimaries > 0)
					continue;
				if (dns_name_from_text(&o, z->origin, strlen(z->origin),
						       dns_name_root) == DNS_OK &&
				    dns_name_equal(o.data, origin))
					(void)add_copy(&out, n, z->file, v ? c.views[v].name : NULL);
			}
		auth_config_free(&c);
	}
	free(nodes);
	return out;
}

void zonefiles_copies_free(zone_copy *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].path);
		free(c[i].view);
	}
	free(c);
}

bool zonefiles_parent(const char *sim, const uint8_t *origin, dns_name *parent)
{
	unsigned labels = dns_name_labels(origin);
	for (unsigned skip = 1; skip <= labels; skip++) {
		const uint8_t *up = dns_name_skip_labels(origin, skip);
		size_t n;
		zone_copy *c = zonefiles_copies(sim, up, &n);
		zonefiles_copies_free(c, n);
		if (n > 0) {
			dns_name_copy(parent, up);
			return true;
		}
	}
	return false;
}

void zonefiles_signer(const topo_keyring *kr, const uint8_t *origin, zoneedit_signer *s)
{
	const signing_zone *z = signing_find(kr, origin);
	s->keys = z ? z->keys : NULL;
	s->nkeys = z ? z->nkeys : 0;
	s->inception = kr->inception;
	s->expiration = kr->expiration;
}

/* Is a record with this RDATA among `wanted`? */
static bool rdata_in(const dns_rr *rr, const dns_rr *wanted, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (wanted[i].rdlen == rr->rdlen && memcmp(wanted[i].rdata, rr->rdata, rr->rdlen) == 0)
			return true;
	return false;
}

/* One zoneedit step from *cur into a new zone that replaces it. */
static unsigned step(dns_zonedata *cur, bool *owned, const char *add, const char *del,
		     uint32_t ttl, const zoneedit_signer *signer, char *msg, size_t msgsz)
{
	dns_zonedata next;
	dns_zonedata_init(&next, cur->origin.data, DNS_C_IN);
	size_t changed;
	const char *adds[1] = { add };
	unsigned e = zoneedit_apply_signed(cur, adds, add ? 1 : 0, del, ttl, signer, &next,
					   &changed, NULL, zonefiles_print_diag, NULL, msg, msgsz);
	if (e || msg[0]) {
		dns_zonedata_free(&next);
		return e ? e : 1;
	}
	if (*owned)
		dns_zonedata_free(cur);
	*cur = next;
	*owned = true;
	return 0;
}

unsigned zonefiles_set_rrset(const dns_zonedata *in, const uint8_t *owner, uint16_t type,
			     const char *const *lines, size_t n, uint32_t ttl,
			     const zoneedit_signer *signer, dns_zonedata *out, bool *changed,
			     char *msg, size_t msgsz)
{
	msg[0] = '\0';
	*changed = false;
	dns_zonedata_init(out, in->origin.data, DNS_C_IN);
	dns_rr *wanted = calloc(n ? n : 1, sizeof *wanted);
	uint8_t (*bufs)[DNS_NAME_MAXLEN + 1024] = calloc(n ? n : 1, sizeof *bufs);
	if (wanted == NULL || bufs == NULL) {
		free(wanted);
		free(bufs);
		snprintf(msg, msgsz, "out of memory");
		return 1;
	}
	unsigned e = 0;
	for (size_t i = 0; e == 0 && i < n; i++) {
		char err[256];
		if (dns_master_parse_rr(lines[i], in->origin.data, DNS_C_IN, ttl, bufs[i],
					sizeof bufs[i], &wanted[i], err, sizeof err) != DNS_OK ||
		    wanted[i].type != type || !dns_name_equal(wanted[i].owner, owner)) {
			snprintf(msg, msgsz, "%s: not a record of the RRset to set", lines[i]);
			e = 1;
		}
	}
	/* cur walks from `in` (not ours) through each step's zone (ours). */
	dns_zonedata cur = *in;
	bool owned = false;
	char ot[DNS_NAME_MAXTEXT], tt[DNS_MNEMONIC_MAX];
	dns_name_to_text(owner, ot, sizeof ot, NULL);
	dns_type_to_text(type, tt);
	/* The records to go, one at a time (a delete names one record). */
	for (size_t i = 0; e == 0 && i < in->n; i++) {
		const dns_rr *rr = &in->rr[i];
		if (rr->type != type || !dns_name_equal(rr->owner, owner) || rdata_in(rr, wanted, n))
			continue;
		char rd[2048], del[sizeof rd + DNS_NAME_MAXTEXT + 32];
		size_t len;
		if (dns_rdata_to_text(type, rr->rdata, rr->rdlen, rd, sizeof rd, &len) != DNS_OK) {
			snprintf(msg, msgsz, "a %s record of %s does not print", tt, ot);
			e = 1;
			break;
		}
		snprintf(del, sizeof del, "%s %s %s", ot, tt, rd);
		e = step(&cur, &owned, NULL, del, ttl, signer, msg, msgsz);
		*changed = true;
	}
	/* The TTL the RRset has (or the delegation's, for a new DS), so that
	 * records added do not differ from those kept. */
	uint32_t use_ttl = ttl;
	bool have_ttl = false;
	for (size_t k = 0; k < in->n && !have_ttl; k++)
		if (in->rr[k].type == type && dns_name_equal(in->rr[k].owner, owner)) {
			use_ttl = in->rr[k].ttl;
			have_ttl = true;
		}
	for (size_t k = 0; k < in->n && !have_ttl && type == DNS_T_DS; k++)
		if (in->rr[k].type == DNS_T_NS && dns_name_equal(in->rr[k].owner, owner)) {
			use_ttl = in->rr[k].ttl;
			have_ttl = true;
		}
	/* Then the records that are missing. */
	for (size_t i = 0; e == 0 && i < n; i++) {
		bool there = false;
		for (size_t k = 0; k < in->n && !there; k++)
			there = in->rr[k].type == type && dns_name_equal(in->rr[k].owner, owner) &&
				in->rr[k].rdlen == wanted[i].rdlen &&
				memcmp(in->rr[k].rdata, wanted[i].rdata, wanted[i].rdlen) == 0;
		if (there)
			continue;
		char rd[2048], line[sizeof rd + DNS_NAME_MAXTEXT + 64];
		size_t len;
		if (dns_rdata_to_text(type, wanted[i].rdata, wanted[i].rdlen, rd, sizeof rd,
				      &len) != DNS_OK) {
			snprintf(msg, msgsz, "%s does not print", lines[i]);
			e = 1;
			break;
		}
		snprintf(line, sizeof line, "%s %u IN %s %s", ot, use_ttl, tt, rd);
		e = step(&cur, &owned, line, NULL, ttl, signer, msg, msgsz);
		*changed = true;
	}
	free(wanted);
	free(bufs);
	if (e == 0 && owned) {
		dns_zonedata_free(out);
		*out = cur;
	} else if (owned) {
		dns_zonedata_free(&cur);
	}
	return e;
}

void zonefiles_print_diag(void *ctx, const dns_diag *d)
{
	if (ctx && d->severity == DNS_ERROR)
		(*(unsigned *)ctx)++;
	fprintf(stderr, "%s: %s\n", d->severity == DNS_ERROR ? "error" : "warning", d->msg);
}

#define SECONDARIES_MAX 16
static size_t notify_targets(const char *sim, const char *node, const char *view,
			     const char *ot, char out[][TOPO_NAME_MAX + 1]);
static bool view_copy_has_serial(const char *sim, const char *node, const char *view,
				 const char *ot, uint32_t serial);

int zonefiles_commit(const char *sim, const uint8_t *origin, const char *view,
		     const char *path, const char *text, uint32_t serial)
{
	char **sharing;
	size_t nshare = zonefiles_sharing(sim, origin, path, view, &sharing);
	if (nshare == 0)
		return die("no server of sim %s serves that zone from %s", sim, path);
	char ot[DNS_NAME_MAXTEXT];
	dns_name_to_text(origin, ot, sizeof ot, NULL);
	int rc = io_write_file(path, text);
	if (rc < 0)
		return die("cannot write %s: %s", path, strerror(-rc));
	int status = 0;
	for (size_t i = 0; i < nshare; i++) {
		topo_software sw = programs_of_node(sim, sharing[i]);
		char why[1024];
		if (sw != SW_DNSIM && programs_reload(sim, sharing[i], sw, ot, why, sizeof why) < 0) {
			status = die("%s", why);
			continue;
		}
		int pid = sw == SW_DNSIM ? zonefiles_server_pid(sim, sharing[i]) : 0;
		if (sw == SW_DNSIM && (pid <= 0 || kill(pid, SIGHUP) < 0)) {
			status = die("node %s: cannot reload its server (is it stopped? "
				     "`./sim start %s`)", sharing[i], sharing[i]);
			continue;
		}
		if (view) {
			/* The supervisor's question comes from outside the view,
			 * so it would see the other zone: trust the reload. */
			struct timespec pause = { 0, 200 * 1000000 };
			nanosleep(&pause, NULL);
			printf("%s reloaded %s (view %s) serial %u\n", sharing[i], ot, view, serial);
		} else if (serves_serial(sim, sharing[i], origin, serial))
			printf("%s serves %s serial %u\n", sharing[i], ot, serial);
		else
			status = die("node %s did not start serving serial %u within %d s (see "
				     "`./sim logs %s`)", sharing[i], serial, RELOAD_WAIT_MS / 1000,
				     sharing[i]);
	}
	/* The secondaries take the change by NOTIFY and IXFR: shown once they
	 * serve it, so what is asked next finds it on every server.  One that
	 * lags (stopped, say) is told, not an error: the edit is made. */
	char secondaries[SECONDARIES_MAX][TOPO_NAME_MAX + 1];
	size_t nsec = 0;
	for (size_t i = 0; i < nshare && nsec == 0; i++)
		nsec = notify_targets(sim, sharing[i], view, ot, secondaries);
	for (size_t i = 0; i < nsec; i++) {
		/* A view's zone is not what the supervisor would be shown:
		 * the secondary's copy on disk tells instead. */
		if (view ? view_copy_has_serial(sim, secondaries[i], view, ot, serial)
			 : serves_serial(sim, secondaries[i], origin, serial))
			printf("%s serves %s%s%s%s serial %u (by NOTIFY and IXFR)\n", secondaries[i],
			       ot, view ? " (view " : "", view ? view : "", view ? ")" : "", serial);
		else
			fprintf(stderr, "sim: warning: secondary %s does not serve serial %u yet "
				"(see `./sim logs %s`)\n", secondaries[i], serial, secondaries[i]);
	}
	for (size_t i = 0; i < nshare; i++)
		free(sharing[i]);
	free(sharing);
	return status;
}

/* ---- dynamic UPDATE ------------------------------------------------------------ */

/* The node of the sim that has address `a`, into out; false when none. */
static bool node_with_addr(const char *sim, const net_addr *a, char *out, size_t outsz)
{
	node_line *nodes;
	size_t n;
	char host[80];
	net_addr_format_host((const struct sockaddr *)&a->ss, host, sizeof host);
	if (nodelist_read(sim, &nodes, &n) < 0)
		return false;
	bool found = false;
	for (size_t i = 0; i < n && !found; i++)
		for (const char *p = nodes[i].addrs; p && *p && !found;) {
			size_t len = strcspn(p, ",");
			if (len == strlen(host) && strncmp(p, host, len) == 0) {
				snprintf(out, outsz, "%s", nodes[i].name);
				found = true;
			}
			p += len + (p[len] == ',');
		}
	free(nodes);
	return found;
}

/* The update section's one record: an addition, or a deletion of a name,
 * an RRset or a record (RFC 2136 2.5). */
static bool update_record(const char *add, const char *del, const uint8_t *origin,
			  uint32_t default_ttl, uint8_t *buf, size_t cap, dns_rr *rr)
{
	char err[300];
	if (add) {
		if (dns_master_parse_rr(add, origin, DNS_C_IN, default_ttl, buf, cap, rr, err,
					sizeof err) != DNS_OK)
			return false;
		return true;
	}
	char owner[1100], type[32] = "";
	int used = 0;
	int n = sscanf(del, " %1099s %31s %n", owner, type, &used);
	if (n < 1)
		return false;
	dns_name name;
	if (strcmp(owner, "@") == 0)
		dns_name_copy(&name, origin);
	else if (dns_name_from_text(&name, owner, strlen(owner), origin) != DNS_OK)
		return false;
	const char *rest = n == 2 ? del + used : "";
	if (n == 2 && *rest) {
		char line[2200];
		snprintf(line, sizeof line, "%s 0 IN %s %s", owner, type, rest);
		if (dns_master_parse_rr(line, origin, DNS_C_IN, 0, buf, cap, rr, err, sizeof err) !=
		    DNS_OK)
			return false;
		rr->rclass = DNS_C_NONE;
		rr->ttl = 0;
		return true;
	}
	memcpy(buf, name.data, name.len);
	*rr = (dns_rr){ buf, DNS_T_ANY, DNS_C_ANY, 0, 0, buf };
	return n < 2 || dns_type_from_text(type, strlen(type), &rr->type) == DNS_OK;
}

/* The index of view `name` in c (0, the default, for NULL); SIZE_MAX
 * when c has no such view. */
static size_t view_index(const auth_config *c, const char *name)
{
	if (name == NULL)
		return 0;
	for (size_t v = 1; v < c->nviews; v++)
		if (strcmp(c->views[v].name, name) == 0)
			return v;
	return SIZE_MAX;
}

static size_t notify_targets(const char *sim, const char *node, const char *view,
			     const char *ot, char out[][TOPO_NAME_MAX + 1])
{
	size_t n = 0;
	auth_config pc;
	if (!read_auth_conf(sim, node, &pc))
		return 0;
	size_t vi = view_index(&pc, view);
	auth_zone_conf *pz = vi == SIZE_MAX ? NULL : auth_config_zone(&pc, vi, ot);
	for (size_t i = 0; pz && i < pz->nnotify && n < SECONDARIES_MAX; i++)
		if (node_with_addr(sim, &pz->notify[i].addr, out[n], TOPO_NAME_MAX + 1))
			n++;
	auth_config_free(&pc);
	return n;
}

/* The serial of the first SOA in a zone file as dnsim-auth writes its
 * copies (one record a line: owner, TTL, class, type, RDATA); 0 if none. */
static uint32_t file_serial(const char *path)
{
	char *text = NULL;
	size_t len;
	uint32_t serial = 0;
	if (io_read_file(NULL, path, &text, &len) != 0)
		return 0;
	for (char *line = text; line && *line && serial == 0; ) {
		char *next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		char owner[256], ttl[16], cls[8], type[16];
		unsigned long s;
		if (sscanf(line, "%255s %15s %7s %15s %*s %*s %lu", owner, ttl, cls, type, &s) == 5 &&
		    strcmp(type, "SOA") == 0)
			serial = (uint32_t)s;
		line = next;
	}
	free(text);
	return serial;
}

/* Wait until node's copy of zone ot in view `view` holds serial. */
static bool view_copy_has_serial(const char *sim, const char *node, const char *view,
				 const char *ot, uint32_t serial)
{
	auth_config c;
	if (!read_auth_conf(sim, node, &c))
		return false;
	size_t vi = view_index(&c, view);
	auth_zone_conf *z = vi == SIZE_MAX ? NULL : auth_config_zone(&c, vi, ot);
	char *path = z && z->file ? strdup(z->file) : NULL;
	auth_config_free(&c);
	bool ok = false;
	long long give_up = clock_ms() + RELOAD_WAIT_MS;
	while (path && !(ok = file_serial(path) == serial) && clock_ms() < give_up) {
		struct timespec pause = { 0, 20 * 1000000 };
		nanosleep(&pause, NULL);
	}
	free(path);
	return ok;
}

int zonefiles_update(const char *sim, const char *node, const uint8_t *origin, const char *view,
		     const char *add, const char *del, uint32_t default_ttl, uint32_t serial)
{
	auth_config c;
	if (!read_auth_conf(sim, node, &c))
		return ZONEFILES_NOT_DYNAMIC;
	size_t vi = 0;
	for (size_t v = 1; view && v < c.nviews; v++)
		if (strcmp(c.views[v].name, view) == 0)
			vi = v;
	char ot[DNS_NAME_MAXTEXT];
	dns_name_to_text(origin, ot, sizeof ot, NULL);
	auth_zone_conf *z = (view == NULL || vi) ? auth_config_zone(&c, vi, ot) : NULL;
	const char *keyname = NULL;
	char keycopy[DNS_NAME_MAXTEXT];
	net_addr to;
	if (z && z->nprimaries) {
		to = z->primaries[0].addr;
		keyname = z->primaries[0].key;
	} else if (z && z->nupdate_keys && c.nlisten) {
		to = c.listen[0];
		keyname = z->update_keys[0];
	}
	/* The config is freed below: the name is kept apart. */
	if (keyname) {
		snprintf(keycopy, sizeof keycopy, "%s", keyname);
		keyname = keycopy;
	}
	char keydir[600], secret[128], target[TOPO_NAME_MAX + 1] = "";
	state_path(keydir, sizeof keydir, sim, "keys");
	tsig_key key;
	char err[300];
	bool dynamic = keyname && simkeys_read(keydir, keyname, secret, sizeof secret) &&
		       tsig_key_init(&key, keyname, RENDER_KEY_ALG, secret, err, sizeof err) &&
		       node_with_addr(sim, &to, target, sizeof target);
	/* Who must show the new serial: the primary's NOTIFY targets. */
	char secondaries[SECONDARIES_MAX][TOPO_NAME_MAX + 1];
	size_t nsec = dynamic ? notify_targets(sim, target, view, ot, secondaries) : 0;
	auth_config_free(&c);
	if (!dynamic)
		return ZONEFILES_NOT_DYNAMIC;

	uint8_t msg[4096], rdbuf[65536 + 1024];
	dns_rr rr;
	if (!update_record(add, del, origin, default_ttl, rdbuf, sizeof rdbuf, &rr))
		return die("cannot make an UPDATE of \"%s\"", add ? add : del);
	dns_builder b;
	uint16_t id = (uint16_t)(rand() & 0xffff);
	dns_header h = { .id = id, .opcode = DNS_OP_UPDATE };
	size_t len = 0;
	if (dns_build_init(&b, msg, sizeof msg - TSIG_RR_MAX, &h) != DNS_OK ||
	    dns_build_question(&b, origin, DNS_T_SOA, DNS_C_IN) != DNS_OK ||
	    dns_build_rr(&b, DNS_SEC_AUTHORITY, &rr) != DNS_OK ||
	    (len = dns_build_finish(&b)) == 0 ||
	    tsig_sign(msg, len, sizeof msg, &key, (uint64_t)time(NULL), NULL, 0, 0, NULL, 0, &len,
		      NULL) != DNS_OK)
		return die("the UPDATE does not fit in a message");
	char ns[128], where[80];
	netns_node_name(ns, sizeof ns, sim, node);
	net_addr_format((const struct sockaddr *)&to.ss, where, sizeof where);
	int fd = probe_socket(ns);
	if (fd < 0)
		return die("cannot open a socket in node %s: %s", node, strerror(-fd));
	int rcode = -1;
	for (int attempt = 0; attempt < 3 && rcode < 0; attempt++) {
		if (sendto(fd, msg, len, 0, (const struct sockaddr *)&to.ss, to.len) < 0)
			break;
		struct pollfd pfd = { fd, POLLIN, 0 };
		while (rcode < 0 && poll(&pfd, 1, 2000) == 1) {
			uint8_t reply[4096];
			ssize_t n = recv(fd, reply, sizeof reply, 0);
			dns_header rh;
			uint16_t counts[4];
			if (n > 0 && dns_header_parse(&rh, counts, reply, (size_t)n) == DNS_OK &&
			    rh.id == id && (rh.flags & DNS_F_QR))
				rcode = rh.rcode;
		}
	}
	close(fd);
	char rc[DNS_MNEMONIC_MAX];
	if (rcode < 0)
		return die("%s (%s) did not answer the UPDATE (is it stopped? `./sim start %s`)",
			   target, where, target);
	if (rcode != DNS_R_NOERROR)
		return die("%s refused the UPDATE: %s (see `./sim logs %s`); the zone is unchanged",
			   target, dns_rcode_to_text((unsigned)rcode, rc), target);
	printf("UPDATE sent from %s to %s (%s), signed with key %s: NOERROR\n", node, target,
	       where, keyname);
	int status = 0;
	/* Servers that read the primary's file (not by transfer) reload it. */
	char *path = zonefiles_served(sim, target, origin, view);
	char **sharing = NULL;
	size_t nshare = path ? zonefiles_sharing(sim, origin, path, view, &sharing) : 0;
	for (size_t i = 0; i < nshare; i++) {
		if (strcmp(sharing[i], target) != 0) {
			int pid = zonefiles_server_pid(sim, sharing[i]);
			if (pid <= 0 || kill(pid, SIGHUP) < 0)
				status = die("node %s: cannot reload its server", sharing[i]);
		}
		free(sharing[i]);
	}
	free(sharing);
	free(path);
	const char *wait_for[SECONDARIES_MAX + 1];
	size_t nwait = 0;
	wait_for[nwait++] = target;
	for (size_t i = 0; i < nsec; i++)
		wait_for[nwait++] = secondaries[i];
	for (size_t i = 0; i < nwait; i++) {
		/* Asked from outside the view, a server shows the other zone:
		 * the primary answered the UPDATE, a secondary's copy on disk
		 * shows the transfer. */
		if (view ? (i == 0 || view_copy_has_serial(sim, wait_for[i], view, ot, serial))
			 : serves_serial(sim, wait_for[i], origin, serial)) {
			if (view)
				printf("%s: %s (view %s) serial %u%s\n", wait_for[i], ot, view, serial,
				       i ? " (by NOTIFY and IXFR)" : "");
			else
				printf("%s serves %s serial %u%s\n", wait_for[i], ot, serial,
				       i ? " (by NOTIFY and IXFR)" : "");
		} else {
			status = die("node %s did not start serving serial %u within %d s (see "
				     "`./sim logs %s`)", wait_for[i], serial, RELOAD_WAIT_MS / 1000,
				     wait_for[i]);
		}
	}
	return status;
}
